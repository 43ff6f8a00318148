import { useEffect, useState } from 'react';
import { allPages } from '../../api/client.ts';
import type { GridFeature } from '../../api/types.ts';

/** Every grid code under a jurisdiction (no geometry: a few bytes a grid), for rolling grid figures up to areas. */
export function useGridIndex(focusId: string | null, enabled: boolean): GridFeature[] | null {
  const [index, setIndex] = useState<{ id: string; grids: GridFeature[] } | null>(null);
  useEffect(() => {
    if (!focusId || !enabled) return;
    const ac = new AbortController();
    allPages<GridFeature>(`/jurisdictions/${encodeURIComponent(focusId)}/grids`, { geometry: false }, ac.signal)
      .then((grids) => setIndex({ id: focusId, grids }))
      .catch(() => {
        // The metric then shows "no data" for this view rather than a wrong number.
      });
    return () => ac.abort();
  }, [focusId, enabled]);
  return enabled && index && index.id === focusId ? index.grids : null;
}
