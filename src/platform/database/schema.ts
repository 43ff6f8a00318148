import type { ColumnType, Generated } from 'kysely';

// Table types for Kysely. Each migration that adds a table adds its interface here.
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = unknown> = ColumnType<T, string | T, string | T>;

export interface JurisdictionsTable {
  id: string;
  parent_id: string | null;
  level: 'province' | 'city' | 'district' | 'subdistrict' | 'community';
  name_zh: string;
  name_en: string;
  path: string;
  depth: number;
  geometry: Json | null;
  area_m2: number | null;
  bbox: number[] | null;
  created_at: Generated<Date>;
}

export interface GridsTable {
  code: string;
  community_id: string;
  serial: number;
  name_zh: string;
  name_en: string;
  geometry: Json;
  area_m2: number;
  centroid_lat: number;
  centroid_lng: number;
  bbox: number[];
  created_at: Generated<Date>;
}

export interface GridCellsTable {
  cell: string;
  grid_code: string;
}

export interface StaffTable {
  id: string;
  username: string;
  display_name: string;
  role: string;
  scope_jurisdiction_id: string;
  password_hash: string;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface GridWorkersTable {
  grid_code: string;
  staff_id: string;
}

export interface HouseholdsTable {
  id: string;
  grid_code: string;
  address: string;
  lat: number;
  lng: number;
  created_at: Generated<Date>;
}

export interface ResidentsTable {
  id: string;
  household_id: string;
  name: string;
  birth_date: ColumnType<string, string, string>;
  phone: string | null;
  national_id_hmac: string | null;
  national_id_masked: string | null;
  password_hash: string | null;
  created_at: Generated<Date>;
}

export interface PlacesTable {
  id: string;
  kind: 'venue' | 'sentinel';
  category: string;
  name_zh: string;
  name_en: string;
  lat: number;
  lng: number;
  grid_code: string;
  operator_staff_id: string | null;
  created_at: Generated<Date>;
}

export interface SessionsTable {
  token_hash: string;
  principal_kind: 'staff' | 'resident';
  principal_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface ApiTokensTable {
  id: string;
  token_hash: string;
  kind: 'device' | 'lab' | 'verifier';
  name: string;
  scope_jurisdiction_id: string;
  place_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface AuditLogTable {
  seq: number;
  at: Timestamp;
  actor_kind: string;
  actor_id: string | null;
  actor_role: string | null;
  actor_scope: string | null;
  action: string;
  subject_kind: string;
  subject_id: string | null;
  person_id: string | null;
  purpose: string | null;
  detail: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface OutboxTable {
  id: Generated<number>;
  topic: string;
  key: string | null;
  payload: Json<Record<string, unknown>>;
  created_at: Timestamp;
  published_at: Timestamp | null;
}

export interface SettingsTable {
  key: string;
  value: Json;
  updated_at: Generated<Date>;
}

export interface DB {
  jurisdictions: JurisdictionsTable;
  grids: GridsTable;
  grid_cells: GridCellsTable;
  staff: StaffTable;
  grid_workers: GridWorkersTable;
  households: HouseholdsTable;
  residents: ResidentsTable;
  places: PlacesTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  settings: SettingsTable;
}
