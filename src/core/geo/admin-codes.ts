/**
 * Administrative codes: 6-digit county-level (GB/T 2260 style), +3 digits subdistrict (街道),
 * +3 digits community (社区), +3 digits unit-grid serial = 15 digits.
 */
export type JurisdictionLevel = 'province' | 'city' | 'district' | 'subdistrict' | 'community';
export const LEVELS: readonly JurisdictionLevel[] = ['province', 'city', 'district', 'subdistrict', 'community'];

export function levelOfCode(code: string): JurisdictionLevel | null {
  if (/^\d{6}$/.test(code)) {
    if (code.endsWith('0000')) return 'province';
    if (code.endsWith('00')) return 'city';
    return 'district';
  }
  if (/^\d{9}$/.test(code)) return 'subdistrict';
  if (/^\d{12}$/.test(code)) return 'community';
  return null;
}

/** The code a child's code must start with, or an error message when parent/child codes do not nest. */
export function checkNesting(parentCode: string | null, childCode: string): string | null {
  const level = levelOfCode(childCode);
  if (!level) return `code ${childCode} is not a 6-, 9- or 12-digit administrative code`;
  if (level === 'province') return parentCode === null ? null : `province ${childCode} cannot have a parent`;
  if (parentCode === null) return null; // a root city/district is allowed (deployment for one city)
  const parentLevel = levelOfCode(parentCode);
  if (!parentLevel) return `parent code ${parentCode} is not an administrative code`;
  const ok =
    (level === 'city' && parentLevel === 'province' && childCode.slice(0, 2) === parentCode.slice(0, 2)) ||
    (level === 'district' &&
      (parentLevel === 'city' || parentLevel === 'province') &&
      childCode.slice(0, parentLevel === 'city' ? 4 : 2) === parentCode.slice(0, parentLevel === 'city' ? 4 : 2)) ||
    (level === 'subdistrict' && parentLevel === 'district' && childCode.startsWith(parentCode)) ||
    (level === 'community' && parentLevel === 'subdistrict' && childCode.startsWith(parentCode));
  return ok ? null : `${level} code ${childCode} does not nest under ${parentLevel} ${parentCode}`;
}

export function gridCode(communityCode: string, serial: number): string {
  if (!/^\d{12}$/.test(communityCode)) throw new RangeError(`community code ${communityCode} must have 12 digits`);
  if (!Number.isInteger(serial) || serial < 1 || serial > 999)
    throw new RangeError(`grid serial ${serial} must be 1..999`);
  return `${communityCode}${String(serial).padStart(3, '0')}`;
}

export function parseGridCode(code: string): { communityCode: string; serial: number } | null {
  if (!/^\d{15}$/.test(code)) return null;
  const serial = Number(code.slice(12));
  if (serial < 1) return null;
  return { communityCode: code.slice(0, 12), serial };
}

/**
 * Serial numbers run west→east within rows, rows north→south. Rows are bands of centroids whose
 * latitude differs by less than half the typical grid height.
 */
export function numberWestToEastNorthToSouth<T extends { centroid: { lat: number; lng: number }; heightDeg: number }>(
  items: T[],
): T[] {
  if (items.length === 0) return [];
  const sorted = [...items].sort((a, b) => b.centroid.lat - a.centroid.lat);
  const heights = items.map((i) => i.heightDeg).sort((a, b) => a - b);
  const band = (heights[Math.floor(heights.length / 2)] ?? 0) / 2;
  const rows: T[][] = [];
  let rowTop = Number.POSITIVE_INFINITY;
  for (const item of sorted) {
    if (rows.length === 0 || rowTop - item.centroid.lat > band) {
      rows.push([]);
      rowTop = item.centroid.lat;
    }
    rows[rows.length - 1]?.push(item);
  }
  return rows.flatMap((row) => row.sort((a, b) => a.centroid.lng - b.centroid.lng));
}
