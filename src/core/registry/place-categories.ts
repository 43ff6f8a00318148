/**
 * Categories a place may have. A closed list, so that imports catch typos and tracing can reason
 * about kinds of places; sentinels are transit and checkpoint points rather than venues.
 */
export const PLACE_CATEGORIES = [
  'residential_compound',
  'shop',
  'supermarket',
  'market',
  'restaurant',
  'office',
  'school',
  'kindergarten',
  'university',
  'hospital',
  'clinic',
  'pharmacy',
  'hotel',
  'gym',
  'cinema',
  'place_of_worship',
  'government_office',
  'factory',
  'construction_site',
  'care_home',
  'metro_station',
  'bus_station',
  'railway_station',
  'airport',
  'port',
  'checkpoint',
  'other',
] as const;
export type PlaceCategory = (typeof PLACE_CATEGORIES)[number];
export const PLACE_KINDS = ['venue', 'sentinel'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

export function isPlaceCategory(v: string): v is PlaceCategory {
  return (PLACE_CATEGORIES as readonly string[]).includes(v);
}
