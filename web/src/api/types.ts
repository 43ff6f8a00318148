import type { MultiPolygon, Polygon } from 'geojson';

export type Names = { 'zh-CN': string; en: string };

export type StaffRole =
  | 'grid_worker'
  | 'community_officer'
  | 'subdistrict_officer'
  | 'district_officer'
  | 'health_officer'
  | 'lab'
  | 'venue_operator'
  | 'verifier'
  | 'auditor'
  | 'admin';

export type StaffPrincipal = {
  kind: 'staff';
  id: string;
  username: string;
  displayName: string;
  role: StaffRole;
  scopeId: string;
};
export type ResidentPrincipal = { kind: 'resident'; id: string; householdId: string };
export type Principal = StaffPrincipal | ResidentPrincipal;

export interface Session {
  token: string;
  expiresAt: string;
  principal: Principal;
}

export type AreaGeometry = Polygon | MultiPolygon;

export interface JurisdictionProps {
  id: string;
  parentId: string | null;
  level: string;
  name: Names;
  path: string[];
  areaM2: number | null;
  bbox: number[] | null;
  childCount?: number;
  gridCount?: number;
  breadcrumb?: Array<{ id: string; level: string; name: Names }>;
}

export interface JurisdictionFeature {
  type: 'Feature';
  id: string;
  geometry: AreaGeometry | null;
  properties: JurisdictionProps;
}

export interface GridProps {
  code: string;
  communityId: string;
  serial: number;
  name: Names;
  areaM2: number;
  centroid: { lat: number; lng: number };
  bbox: number[];
  workers?: Array<{ id: string; displayName: string }>;
}

export interface GridFeature {
  type: 'Feature';
  id: string;
  geometry: AreaGeometry | null;
  properties: GridProps;
}
