import type { Database } from '../../platform/database/database.ts';
import { openIncidentsInBox } from './incidents.repository.ts';

/** A report this close to an open incident of the same category is probably the same problem. */
export const DUPLICATE_RADIUS_M = 50;

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres (haversine). */
export function distanceM(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const dLat = rad(lat2 - lat1);
  const dLng = rad(lng2 - lng1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

export interface DuplicateCandidate {
  id: string;
  stage: string;
  reportedAt: string;
  gridCode: string;
  distanceM: number;
  /** A preview of the open incident's description, or null when the category is private (public health). */
  description: string | null;
}

/** Open incidents of the category within the radius, nearest first. */
export async function findDuplicates(
  db: Database,
  categoryCode: string,
  lat: number,
  lng: number,
  opts: { preview: boolean; radiusM?: number },
): Promise<DuplicateCandidate[]> {
  const radiusM = opts.radiusM ?? DUPLICATE_RADIUS_M;
  const dLat = (radiusM / EARTH_RADIUS_M) * (180 / Math.PI);
  const dLng = dLat / Math.max(0.01, Math.cos(rad(lat)));
  const rows = await openIncidentsInBox(db, categoryCode, {
    minLat: lat - dLat,
    maxLat: lat + dLat,
    minLng: lng - dLng,
    maxLng: lng + dLng,
  });
  return rows
    .map((r) => ({
      id: r.id,
      stage: r.stage,
      reportedAt: new Date(r.reported_at).toISOString(),
      gridCode: r.grid_code,
      distanceM: Math.round(distanceM(lat, lng, r.lat, r.lng) * 10) / 10,
      // A preview only: enough to recognise the problem, not the reporter's full text.
      description: !opts.preview
        ? null
        : r.description.length > 140
          ? `${r.description.slice(0, 140)}…`
          : r.description,
    }))
    .filter((c) => c.distanceM <= radiusM)
    .sort((a, b) => a.distanceM - b.distanceM);
}
