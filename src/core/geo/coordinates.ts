declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type Lat = Brand<number, 'Lat'>;
export type Lng = Brand<number, 'Lng'>;
/** H3 cell index (hex string). */
export type CellId = Brand<string, 'CellId'>;

export interface LatLng {
  lat: Lat;
  lng: Lng;
}

export function asLat(v: number): Lat {
  if (!Number.isFinite(v) || v < -90 || v > 90) throw new RangeError(`latitude ${v} is outside -90..90`);
  return v as Lat;
}

export function asLng(v: number): Lng {
  if (!Number.isFinite(v) || v < -180 || v > 180) throw new RangeError(`longitude ${v} is outside -180..180`);
  return v as Lng;
}

export function latLng(lat: number, lng: number): LatLng {
  return { lat: asLat(lat), lng: asLng(lng) };
}

/** H3 resolution whose cells (~15,000 m²) best match a 10,000 m² unit grid. */
export const GRID_H3_RES = 10;
