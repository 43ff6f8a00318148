import type { Position } from 'geojson';
import type { AreaGeometry } from '../../../api/types.ts';

export type Bbox = readonly [number, number, number, number];

/** Area-weighted centroid of a ring (shoelace); falls back to the vertex mean for degenerate rings. */
function ringCentroid(ring: readonly Position[]): { x: number; y: number; area: number } {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x0 = 0, y0 = 0] = ring[i] ?? [];
    const [x1 = 0, y1 = 0] = ring[i + 1] ?? [];
    const cross = x0 * y1 - x1 * y0;
    a += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  if (Math.abs(a) < 1e-18) {
    const n = Math.max(1, ring.length);
    return {
      x: ring.reduce((s, p) => s + (p[0] ?? 0), 0) / n,
      y: ring.reduce((s, p) => s + (p[1] ?? 0), 0) / n,
      area: 0,
    };
  }
  return { x: cx / (3 * a), y: cy / (3 * a), area: Math.abs(a / 2) };
}

/** Where to put an area's label: the centroid of its largest outer ring. */
export function labelPoint(g: AreaGeometry | null): [number, number] | null {
  if (!g) return null;
  const rings = g.type === 'Polygon' ? [g.coordinates[0]] : g.coordinates.map((p) => p[0]);
  let best: { x: number; y: number; area: number } | null = null;
  for (const ring of rings) {
    if (!ring || ring.length < 3) continue;
    const c = ringCentroid(ring);
    if (!best || c.area > best.area) best = c;
  }
  return best ? [best.x, best.y] : null;
}

export const bboxIntersects = (a: Bbox, b: Bbox): boolean =>
  a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

export function asBbox(v: readonly number[] | null | undefined): Bbox | null {
  if (!v || v.length < 4) return null;
  const [w, s, e, n] = v as [number, number, number, number];
  return [w, s, e, n];
}
