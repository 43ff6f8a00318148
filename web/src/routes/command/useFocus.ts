import { useEffect, useState } from 'react';
import { getChildren, getJurisdiction } from '../../api/geo.ts';
import type { GridFeature, JurisdictionFeature } from '../../api/types.ts';
import { gridsIn } from './grid-cache.ts';

export interface FocusData {
  focus: JurisdictionFeature;
  /** Child jurisdictions, drawn and drilled into; empty at a community. */
  areas: JurisdictionFeature[];
  /** The unit grids of a community (the leaf level); empty above it. */
  grids: GridFeature[];
  isLeaf: boolean;
}

/** Loads a jurisdiction and what the map draws inside it. Keeps showing the previous one until the next arrives. */
export function useFocus(id: string): { data: FocusData | null; loading: boolean; error: unknown } {
  const [data, setData] = useState<FocusData | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const ac = new AbortController();
    setLoading(true);
    setError(null);
    (async () => {
      const focus = await getJurisdiction(id, ac.signal);
      const isLeaf = (focus.properties.childCount ?? 0) === 0;
      const [areas, grids] = isLeaf ? [[], await gridsIn(id)] : [await getChildren(id, ac.signal), []];
      if (ac.signal.aborted) return;
      setData({ focus, areas, grids, isLeaf });
      setLoading(false);
    })().catch((e: unknown) => {
      if (ac.signal.aborted) return;
      setError(e);
      setLoading(false);
    });
    return () => ac.abort();
  }, [id]);

  return { data, loading, error };
}
