import { useEffect, useState } from 'react';
import { allPages } from '../../api/client.ts';
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
/** An area with more grids than this is never fetched whole: its children in view are, one level down. */
export const MAX_GRIDS_PER_AREA = 5000;
const MAX_DEPTH = 4;

// Child areas (no geometry: ids, bboxes and counts) per area, for the session; bounded like the grid cache.
const children = new Map<string, Promise<JurisdictionFeature[]>>();
function childrenOf(id: string): Promise<JurisdictionFeature[]> {
  let p = children.get(id);
  if (!p) {
    p = allPages<JurisdictionFeature>(`/jurisdictions/${encodeURIComponent(id)}/children`, { geometry: false }).catch(
      (e: unknown) => {
        children.delete(id);
        throw e;
      },
    );
    children.set(id, p);
    while (children.size > 256) {
      const oldest = children.keys().next().value;
      if (oldest === undefined) break;
      children.delete(oldest);
    }
  }
  return p;
}

const inView = (a: JurisdictionFeature, bounds: Bbox) => {
  const b = asBbox(a.properties.bbox);
  return b ? bboxIntersects(b, bounds) : false;
};

/**
 * The areas whose grids the view needs: the focus's children in view, split into their own children in view
 * while they hold more than MAX_GRIDS_PER_AREA grids. In a city of 400,000 grids, zooming in at city level
 * fetches the few subdistricts or communities on screen, never whole districts.
 */
export async function parentsInView(areas: readonly JurisdictionFeature[], bounds: Bbox): Promise<string[]> {
  const out: string[] = [];
  let frontier = areas.filter((a) => inView(a, bounds));
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const split: JurisdictionFeature[] = [];
    for (const a of frontier) {
      const big = (a.properties.gridCount ?? 0) > MAX_GRIDS_PER_AREA && (a.properties.childCount ?? 0) > 0;
      if (big) split.push(a);
      else out.push(a.id);
    }
    const kids = await mapLimit(split, 3, (a) => childrenOf(a.id));
    frontier = kids.flat().filter((a) => inView(a, bounds));
  }
  out.push(...frontier.map((a) => a.id));
  return out.sort();
}

/**
 * Above the community level, grids are drawn only when zoomed in, and only for the areas in view (split down
 * while large): the whole city's grids (hundreds of thousands at full scale) are never fetched at once.
 * `parentsKey` lists the areas whose grids are drawn (comma-separated), for fetching their figures the same way.
 */
export function useContextGrids(
  areas: readonly JurisdictionFeature[],
  view: View | null,
): { grids: GridFeature[]; parentsKey: string; error: unknown } {
  const [grids, setGrids] = useState<GridFeature[]>(NONE);
  const [wanted, setWanted] = useState('');
  const [error, setError] = useState<unknown>(null);
  const zoomedIn = !!view && view.zoom >= GRID_MIN_ZOOM && areas.length > 0;
  const boundsKey = zoomedIn && view ? view.bounds.map((v) => v.toFixed(5)).join(',') : '';

  useEffect(() => {
    if (!zoomedIn || !view) {
      setWanted('');
      return;
    }
    let live = true;
    parentsInView(areas, view.bounds).then(
      (ids) => live && setWanted(ids.join(',')),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
    // boundsKey stands for the view's bounds: a new View object with the same bounds changes nothing.
  }, [areas, zoomedIn, boundsKey]);

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

  return { grids, parentsKey: wanted, error };
}
