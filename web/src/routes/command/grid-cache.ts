import { getGridsIn } from '../../api/geo.ts';
import type { GridFeature } from '../../api/types.ts';

const MAX_ENTRIES = 64;
const cache = new Map<string, Promise<GridFeature[]>>();

/**
 * Grids of a jurisdiction subtree, fetched once per session view. Bounded so a long shift of panning around
 * a 400,000-grid city does not hold every polygon in memory.
 */
export function gridsIn(jurisdictionId: string): Promise<GridFeature[]> {
  const hit = cache.get(jurisdictionId);
  if (hit) {
    cache.delete(jurisdictionId);
    cache.set(jurisdictionId, hit); // most recently used goes last
    return hit;
  }
  const p = getGridsIn(jurisdictionId).catch((e: unknown) => {
    cache.delete(jurisdictionId); // a failure is not remembered: the next look retries
    throw e;
  });
  cache.set(jurisdictionId, p);
  while (cache.size > MAX_ENTRIES) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
  return p;
}
