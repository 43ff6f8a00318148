import { useEffect, useState } from 'react';
import { allPages } from '../../api/client.ts';
import type { GridFeature } from '../../api/types.ts';

/** Every grid code under a jurisdiction (no geometry: a few bytes a grid), for rolling grid figures up to areas. */
export function useGridIndex(
  focusId: string | null,
  enabled: boolean,
): { grids: GridFeature[] | null; error: unknown } {
  const [index, setIndex] = useState<{ id: string; grids: GridFeature[] } | null>(null);
  const [error, setError] = useState<{ id: string; error: unknown } | null>(null);
  useEffect(() => {
    if (!focusId || !enabled) return;
    const ac = new AbortController();
    allPages<GridFeature>(`/jurisdictions/${encodeURIComponent(focusId)}/grids`, { geometry: false }, ac.signal)
      .then((grids) => setIndex({ id: focusId, grids }))
      .catch((e: unknown) => {
        // The metric then shows the problem for this view rather than a wrong number.
        if (!ac.signal.aborted) setError({ id: focusId, error: e });
      });
    return () => ac.abort();
  }, [focusId, enabled]);
  return {
    grids: enabled && index && index.id === focusId ? index.grids : null,
    error: enabled && error && error.id === focusId ? error.error : null,
  };
}
