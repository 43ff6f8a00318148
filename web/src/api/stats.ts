import { api } from './client.ts';
import type { Bilingual } from './me.ts';

export interface TimelineDay {
  day: string;
  red: number;
  yellow: number;
  green: number;
}

/** Status changes per day (to red, to yellow, to green) under a jurisdiction. */
export const getStatusTimeline = (jurisdiction: string, days: number, signal?: AbortSignal) =>
  api<{ jurisdictionId: string; from: string; to: string; days: TimelineDay[] }>('/stats/status-timeline', {
    query: { jurisdiction, days },
    ...(signal ? { signal } : {}),
  });

export interface AreaStats {
  parentId: string;
  level: string;
  metrics: Array<{ id: string; label: Bilingual }>;
  items: Array<{ id: string; grids?: number; values: Record<string, number> }>;
}

/** Figures per child area (or per grid of a community) for the given metric ids. */
export const getAreaStats = (parent: string, metrics: readonly string[], signal?: AbortSignal) =>
  api<AreaStats>('/stats/areas', { query: { parent, metrics: metrics.join(',') }, ...(signal ? { signal } : {}) });

export const getStatsMetrics = (signal?: AbortSignal) =>
  api<{ items: Array<{ id: string; label: Bilingual; combine: string }> }>('/stats/metrics', signal ? { signal } : {});
