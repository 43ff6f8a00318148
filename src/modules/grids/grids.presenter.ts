import { parseJson } from '../jurisdictions/jurisdictions.presenter.ts';

export interface GridRow {
  code: string;
  community_id: string;
  serial: number;
  name_zh: string;
  name_en: string;
  area_m2: number;
  centroid_lat: number;
  centroid_lng: number;
  bbox: number[];
  geometry?: unknown;
}

export function presentGrid(row: GridRow, workers?: Array<{ id: string; displayName: string }>) {
  return {
    code: row.code,
    communityId: row.community_id,
    serial: row.serial,
    name: { 'zh-CN': row.name_zh, en: row.name_en },
    areaM2: Math.round(Number(row.area_m2)),
    centroid: { lat: Number(row.centroid_lat), lng: Number(row.centroid_lng) },
    bbox: row.bbox.map(Number),
    ...(workers ? { workers } : {}),
  };
}

export function gridFeature(row: GridRow, workers?: Array<{ id: string; displayName: string }>) {
  return {
    type: 'Feature' as const,
    id: row.code,
    geometry: row.geometry === undefined ? null : parseJson(row.geometry),
    properties: presentGrid(row, workers),
  };
}
