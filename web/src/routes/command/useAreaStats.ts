import { useEffect, useState } from 'react';
import { getAreaStats } from '../../api/stats.ts';

/** Server metric ids the command center asks for (GET /stats/metrics lists them). */
export const STATUS_METRICS = [
  'red',
  'yellow',
  'quarantined_households',
  'open_incidents',
  'overdue_incidents',
  'active_cases',
  'campaign_households',
  'campaign_reached',
] as const;
export type StatusMetric = (typeof STATUS_METRICS)[number];

export interface StatusFigures {
  /** 'grid' when the children are a community's unit grids (ids are grid codes), else jurisdiction ids. */
  level: string;
  byMetric: Record<StatusMetric, Record<string, number>>;
  totals: Record<StatusMetric, number>;
}

/** Red/yellow/quarantine, open/overdue incident, case and campaign figures per child of the focus, refetched when `refresh` changes (live feed). */
export function useAreaStats(focusId: string | null, refresh: number) {
  const [figures, setFigures] = useState<StatusFigures | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!focusId) return setFigures(null);
    const ac = new AbortController();
    getAreaStats(focusId, STATUS_METRICS, ac.signal).then(
      (r) => {
        const byMetric = Object.fromEntries(STATUS_METRICS.map((m) => [m, {}])) as StatusFigures['byMetric'];
        const totals = Object.fromEntries(STATUS_METRICS.map((m) => [m, 0])) as StatusFigures['totals'];
        for (const item of r.items)
          for (const m of STATUS_METRICS) {
            const v = item.values[m];
            if (typeof v !== 'number') continue;
            byMetric[m][item.id] = v;
            totals[m] += v;
          }
        setFigures({ level: r.level, byMetric, totals });
        setError(null);
      },
      (e: unknown) => !ac.signal.aborted && setError(e),
    );
    return () => ac.abort();
  }, [focusId, refresh]);
  return { figures, error };
}
