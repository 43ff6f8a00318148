export interface JurisdictionRow {
  id: string;
  parent_id: string | null;
  level: string;
  name_zh: string;
  name_en: string;
  path: string;
  depth: number;
  area_m2: number | null;
  bbox: number[] | null;
  geometry?: unknown;
}

export function presentJurisdiction(row: JurisdictionRow, extra: { children?: number; grids?: number } = {}) {
  return {
    id: row.id,
    parentId: row.parent_id,
    level: row.level,
    name: { 'zh-CN': row.name_zh, en: row.name_en },
    path: row.path.split('.'),
    areaM2: row.area_m2 === null ? null : Math.round(Number(row.area_m2)),
    bbox: row.bbox ? row.bbox.map(Number) : null,
    ...(extra.children !== undefined ? { childCount: extra.children } : {}),
    ...(extra.grids !== undefined ? { gridCount: extra.grids } : {}),
  };
}

/** GeoJSON Feature (RFC 7946) with the summary as properties. */
export function jurisdictionFeature(row: JurisdictionRow) {
  return {
    type: 'Feature' as const,
    id: row.id,
    geometry: parseJson(row.geometry),
    properties: presentJurisdiction(row),
  };
}

export function parseJson(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : (v ?? null);
}
