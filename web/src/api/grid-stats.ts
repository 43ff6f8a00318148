import { api } from './client.ts';
import type { Bilingual } from './me.ts';

export interface GridStats {
  parentId: string;
  metrics: Array<{ id: string; label: Bilingual }>;
  /** Only grids with a non-zero figure; every other grid under the parent has 0. */
  items: Array<{ code: string; values: Record<string, number> }>;
}

/** Figures per unit grid under one area (GET /stats/grids), asked per area in view when the map is zoomed in. */
export const getGridStats = (parent: string, metrics: readonly string[], signal?: AbortSignal) =>
  api<GridStats>('/stats/grids', { query: { parent, metrics: metrics.join(',') }, ...(signal ? { signal } : {}) });
