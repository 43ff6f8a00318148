import { useEffect, useState } from 'react';
import { mapLimit } from '../../api/concurrency.ts';
import { getGridStats } from '../../api/grid-stats.ts';
import { STATUS_METRICS, type StatusMetric } from './useAreaStats.ts';

/** Status figures per unit grid for the grids drawn when zoomed in above a community. */
export interface GridFigures {
  /** Areas whose figures have loaded: a grid under one of them without a figure has 0. */
  parents: readonly string[];
  byMetric: Record<StatusMetric, Record<string, number>>;
}

/** The figure of a grid, or undefined while its area's figures have not loaded. */
export function gridFigure(f: GridFigures, metric: StatusMetric, code: string): number | undefined {
  if (!f.parents.some((p) => code.startsWith(p))) return undefined;
  return f.byMetric[metric][code] ?? 0;
}

/**
 * Per-grid red/yellow/quarantine figures from GET /stats/grids, one request per area on screen (the same areas
 * whose grids are drawn), refetched when `refresh` changes (live feed). Nothing is asked while zoomed out.
 */
export function useGridFigures(parentsKey: string, enabled: boolean, refresh: number) {
  const [figures, setFigures] = useState<GridFigures | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!enabled || !parentsKey) return setFigures(null);
    const ac = new AbortController();
    const parents = parentsKey.split(',');
    mapLimit(parents, 3, (id) => getGridStats(id, STATUS_METRICS, ac.signal)).then(
      (pages) => {
        const byMetric = Object.fromEntries(STATUS_METRICS.map((m) => [m, {}])) as GridFigures['byMetric'];
        for (const page of pages)
          for (const item of page.items)
            for (const m of STATUS_METRICS) {
              const v = item.values[m];
              if (typeof v === 'number') byMetric[m][item.code] = v;
            }
        setFigures({ parents, byMetric });
        setError(null);
      },
      (e: unknown) => !ac.signal.aborted && setError(e),
    );
    return () => ac.abort();
  }, [parentsKey, enabled, refresh]);
  return { figures: enabled ? figures : null, error };
}
