import { bboxOf, coveredShare, overlapM2, OVERLAP_TOLERANCE_M2, validateArea, type Area } from './polygons.ts';

export interface NamedArea {
  id: string;
  geometry: Area;
}

/** Share of a child that may stick out of its parent (survey noise along shared boundaries). */
const OUTSIDE_PARENT_TOLERANCE = 0.01;

/**
 * The topology rules of the tree: a child area is a valid polygon, lies inside its parent,
 * and does not overlap any sibling. Returns the first problem as a sentence, or null.
 */
export function checkChildArea(
  child: { id: string; geometry: unknown },
  parent: NamedArea | null,
  siblings: readonly NamedArea[],
  where = 'geometry',
): string | null {
  const invalid = validateArea(child.geometry, where);
  if (invalid) return invalid;
  const g = child.geometry as Area;
  if (parent) {
    const share = coveredShare(g, parent.geometry);
    if (share < 1 - OUTSIDE_PARENT_TOLERANCE)
      return `${where}: ${((1 - share) * 100).toFixed(1)}% of ${child.id} lies outside its parent ${parent.id}`;
  }
  const bb = bboxOf(g);
  for (const s of siblings) {
    if (s.id === child.id) continue;
    const sb = bboxOf(s.geometry);
    if (bb[0] >= sb[2] || sb[0] >= bb[2] || bb[1] >= sb[3] || sb[1] >= bb[3]) continue;
    const overlap = overlapM2(g, s.geometry);
    if (overlap > OVERLAP_TOLERANCE_M2)
      return `${where}: ${child.id} overlaps its sibling ${s.id} by ${overlap.toFixed(0)} m²`;
  }
  return null;
}
