import {
  area as turfArea,
  bbox as turfBbox,
  booleanPointInPolygon,
  centroid as turfCentroid,
  intersect,
  kinks,
} from '@turf/turf';
import { featureCollection, polygon as turfPolygon, multiPolygon as turfMultiPolygon } from '@turf/helpers';
import type { MultiPolygon, Polygon, Position } from 'geojson';

export type Area = Polygon | MultiPolygon;

/** A precise complaint about a geometry, or null when it is acceptable. */
export function validateArea(geometry: unknown, where = 'geometry'): string | null {
  if (!geometry || typeof geometry !== 'object') return `${where}: must be a GeoJSON Polygon or MultiPolygon object`;
  const g = geometry as { type?: unknown; coordinates?: unknown };
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon')
    return `${where}.type: must be "Polygon" or "MultiPolygon", got ${JSON.stringify(g.type)}`;
  const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as unknown;
  if (!Array.isArray(polys) || polys.length === 0) return `${where}.coordinates: must be a non-empty array`;
  for (let p = 0; p < polys.length; p++) {
    const rings = polys[p] as unknown;
    const pw = g.type === 'Polygon' ? `${where}.coordinates` : `${where}.coordinates[${p}]`;
    if (!Array.isArray(rings) || rings.length === 0) return `${pw}: must be an array of linear rings`;
    for (let r = 0; r < rings.length; r++) {
      const ring = rings[r] as unknown;
      const rw = `${pw}[${r}]`;
      if (!Array.isArray(ring) || ring.length < 4) return `${rw}: a linear ring needs at least 4 positions`;
      for (let i = 0; i < ring.length; i++) {
        const pos = ring[i] as unknown;
        if (!Array.isArray(pos) || pos.length < 2 || !pos.every((n) => typeof n === 'number' && Number.isFinite(n)))
          return `${rw}[${i}]: must be [longitude, latitude]`;
        const [lng, lat] = pos as number[];
        if (lng === undefined || lng < -180 || lng > 180) return `${rw}[${i}]: longitude ${lng} is outside -180..180`;
        if (lat === undefined || lat < -90 || lat > 90) return `${rw}[${i}]: latitude ${lat} is outside -90..90`;
      }
      const first = ring[0] as number[];
      const last = ring[ring.length - 1] as number[];
      if (first[0] !== last[0] || first[1] !== last[1]) return `${rw}: the ring is not closed (first position ≠ last)`;
    }
  }
  const feature =
    g.type === 'Polygon'
      ? turfPolygon(g.coordinates as Position[][])
      : turfMultiPolygon(g.coordinates as Position[][][]);
  const k = kinks(feature as Parameters<typeof kinks>[0]);
  if (k.features.length > 0) {
    const c = k.features[0]?.geometry.coordinates ?? [];
    return `${where}: the polygon intersects itself near [${c.map((n) => n.toFixed(6)).join(', ')}]`;
  }
  if (turfArea(feature) <= 0) return `${where}: the polygon has no area`;
  return null;
}

export function areaM2(geometry: Area): number {
  return turfArea(geometry);
}

export function bboxOf(geometry: Area): [number, number, number, number] {
  const b = turfBbox(geometry);
  return [b[0], b[1], b[2], b[3]];
}

export function centroidOf(geometry: Area): { lat: number; lng: number } {
  const c = turfCentroid(geometry).geometry.coordinates;
  return { lng: c[0] ?? 0, lat: c[1] ?? 0 };
}

export function containsPoint(geometry: Area, lat: number, lng: number): boolean {
  return booleanPointInPolygon([lng, lat], geometry);
}

function bboxesOverlap(a: number[], b: number[]): boolean {
  return (
    (a[0] ?? 0) < (b[2] ?? 0) && (b[0] ?? 0) < (a[2] ?? 0) && (a[1] ?? 0) < (b[3] ?? 0) && (b[1] ?? 0) < (a[3] ?? 0)
  );
}

/**
 * Overlap area (m²) between two areas; shared edges and touching corners count as zero.
 * A tolerance absorbs floating-point slivers along shared boundaries.
 */
export function overlapM2(a: Area, b: Area): number {
  if (!bboxesOverlap(bboxOf(a), bboxOf(b))) return 0;
  const fa = a.type === 'Polygon' ? turfPolygon(a.coordinates) : turfMultiPolygon(a.coordinates);
  const fb = b.type === 'Polygon' ? turfPolygon(b.coordinates) : turfMultiPolygon(b.coordinates);
  const inter = intersect(featureCollection<Polygon | MultiPolygon>([fa, fb]));
  return inter ? turfArea(inter) : 0;
}

export const OVERLAP_TOLERANCE_M2 = 1;

/** Share of `inner` that lies inside `outer` (0..1). */
export function coveredShare(inner: Area, outer: Area): number {
  const a = areaM2(inner);
  return a === 0 ? 0 : overlapM2(inner, outer) / a;
}
