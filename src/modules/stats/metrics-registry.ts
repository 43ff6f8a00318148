import type { AppContext } from '../../platform/context.ts';

/** Per-grid figures for one metric within a jurisdiction subtree (keyed by grid code). */
export type GridMetric = (ctx: AppContext, pathPrefix: string) => Promise<Map<string, number>>;

export interface MetricDefinition {
  id: string;
  label: { 'zh-CN': string; en: string };
  /** How an area's figure combines its grids' figures. */
  combine: 'sum' | 'mean';
  compute: GridMetric;
}

/**
 * Metrics the command-center map can colour by. Each module registers the figures it owns
 * (statuses here; incidents, cases and campaigns in their own modules).
 */
export const metrics = new Map<string, MetricDefinition>();

export function registerMetric(def: MetricDefinition): void {
  metrics.set(def.id, def);
}
