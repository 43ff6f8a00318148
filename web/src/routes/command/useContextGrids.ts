import { useEffect, useState } from 'react';
import { mapLimit } from '../../api/concurrency.ts';
import type { GridFeature, JurisdictionFeature } from '../../api/types.ts';
import { gridsIn } from './grid-cache.ts';
import { asBbox, bboxIntersects, type Bbox } from './map/geometry.ts';
import { GRID_MIN_ZOOM } from './map/map-style.ts';

export interface View {
  zoom: number;
  bounds: Bbox;
}

const NONE: GridFeature[] = [];

/**
 * Above the community level, grids are drawn only when zoomed in, and only for the child areas in view:
 * the whole city's grids (hundreds of thousands at full scale) are never fetched at once.
 */
export function useContextGrids(
  areas: readonly JurisdictionFeature[],
  view: View | null,
): { grids: GridFeature[]; error: unknown } {
  const [grids, setGrids] = useState<GridFeature[]>(NONE);
  const [error, setError] = useState<unknown>(null);
  const wanted =
    view && view.zoom >= GRID_MIN_ZOOM
      ? areas
          .filter((a) => {
            const b = asBbox(a.properties.bbox);
            return b ? bboxIntersects(b, view.bounds) : false;
          })
          .map((a) => a.id)
          .sort()
          .join(',')
      : '';

  useEffect(() => {
    if (!wanted) {
      setGrids(NONE);
      return;
    }
    let live = true;
    let failure: unknown = null;
    mapLimit(wanted.split(','), 3, (id) =>
      gridsIn(id).catch((e: unknown) => {
        failure = e; // draw the areas that did load; report the rest
        return NONE;
      }),
    ).then((lists) => {
      if (!live) return;
      setGrids(lists.flat());
      setError(failure);
    });
    return () => {
      live = false;
    };
  }, [wanted]);

  return { grids, error };
}
