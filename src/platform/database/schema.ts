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

// --- health (20261129T083000_health) ---
export interface HealthFactsTable {
  id: string;
  person_id: string;
  kind: string;
  occurred_at: Timestamp;
  recorded_at: Timestamp;
  recorded_by: string;
  recorder_role: string | null;
  recorder_scope: string | null;
  provenance: Json<Record<string, unknown>>;
  data: Json<Record<string, unknown>>;
  withdrawn_at: Timestamp | null;
  withdrawn_reason: string | null;
}

export interface RulesetsTable {
  id: string;
  version: number;
  jurisdiction_id: string;
  effective_from: Timestamp;
  document: Json<Record<string, unknown>>;
  published_at: Timestamp;
  published_by: string;
}

export interface StatusesTable {
  person_id: string;
  color: 'green' | 'yellow' | 'red';
  vaccinated: boolean;
  since: Timestamp | null;
  reasons: Json<unknown[]>;
  clears: Json<Record<string, unknown> | null> | null;
  ruleset_id: string;
  ruleset_version: number;
  evaluated_at: Timestamp;
  next_check_at: Timestamp | null;
  summary: Json<Record<string, string>> | null;
}

export interface StatusHistoryTable {
  id: Generated<number>;
  person_id: string;
  color: string;
  vaccinated: boolean;
  since: Timestamp | null;
  reasons: Json<unknown[]>;
  clears: Json<Record<string, unknown> | null> | null;
  ruleset_id: string;
  ruleset_version: number;
  changed_at: Timestamp;
  cause: string;
  summary: Json<Record<string, string>> | null;
}

export interface OverridesTable {
  id: string;
  person_id: string;
  target: 'green' | 'yellow' | 'red' | 'clear';
  reason_code: string;
  reason: string;
  expires_at: Timestamp;
  proposed_by: string;
  proposed_at: Timestamp;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision: 'approved' | 'rejected' | null;
  decision_note: string | null;
  fact_id: string | null;
}

export interface SigningKeysTable {
  kid: string;
  jurisdiction_id: string;
  purpose: 'code' | 'trust_list' | 'audit';
  alg: string;
  public_spki: string;
  private_enc: string;
  created_at: Timestamp;
  not_after: Timestamp;
  retired_at: Timestamp | null;
}

export interface TrustedKeysTable {
  kid: string;
  jurisdiction_id: string;
  alg: string;
  public_spki: string;
  not_before: Timestamp;
  not_after: Timestamp;
  source: string;
  imported_at: Timestamp;
}

export interface NotificationsTable {
  id: string;
  person_id: string;
  kind: string;
  payload: Json<Record<string, unknown>>;
  created_at: Timestamp;
  read_at: Timestamp | null;
}

export interface DB {
  health_facts: HealthFactsTable;
  rulesets: RulesetsTable;
  statuses: StatusesTable;
  status_history: StatusHistoryTable;
  overrides: OverridesTable;
  signing_keys: SigningKeysTable;
  trusted_keys: TrustedKeysTable;
  notifications: NotificationsTable;
}

// --- grid operations (20261129T100000_grid_operations) ---
export interface IncidentCategoryVersionsTable {
  version: number;
  tree: Json<Record<string, unknown>>;
  created_at: Timestamp;
  created_by: string | null;
}

export interface IncidentCategoriesTable {
  code: string;
  major_code: string;
  name_zh: string;
  name_en: string;
  department: string;
  handler_role: string;
  active: boolean;
  tree_version: number;
}

export interface IncidentsTable {
  id: string;
  category_code: string;
  grid_code: string;
  community_id: string;
  stage: string;
  reported_at: Timestamp;
  updated_at: Timestamp;
  version: number;
  due_at: Timestamp | null;
  next_escalation_at: Timestamp | null;
  escalation_level: Generated<number>;
  assignee_id: string | null;
  filed_at: Timestamp | null;
  rejected_at: Timestamp | null;
  closed_at: Timestamp | null;
  late_at: Timestamp | null;
  first_feedback_at: Timestamp | null;
  first_rework_at: Timestamp | null;
  handling_ms: ColumnType<number, number | undefined, number>;
  last_feedback_by: string | null;
  last_assignee_id: string | null;
  last_department: string | null;
}

export interface IncidentDetailsTable {
  incident_id: string;
  source: string;
  reporter_kind: 'resident' | 'staff' | 'open311';
  reporter_id: string;
  lat: number;
  lng: number;
  description: string;
  address: string | null;
  contact: Json<Record<string, unknown>>;
  attributes: Json<Record<string, unknown>>;
  public_note: string | null;
  media_url: string | null;
  duplicate_of: string | null;
  open311_token: string | null;
  state: Json<Record<string, unknown>>;
}

export interface IncidentEventsTable {
  incident_id: string;
  seq: number;
  type: string;
  at: Timestamp;
  actor_id: string;
  actor_role: string;
  from_stage: string | null;
  to_stage: string;
  reason: string | null;
  event: Json<Record<string, unknown>>;
}

export interface IncidentPhotosTable {
  incident_id: string;
  n: number;
  content_type: string;
  bytes: number;
  sha256: string;
  data: Uint8Array;
  uploaded_by: string;
  created_at: Timestamp;
}

export interface IncidentSupportersTable {
  id: string;
  incident_id: string;
  reporter_kind: string;
  reporter_id: string;
  description: string;
  contact: Json<Record<string, unknown>>;
  at: Timestamp;
}

export interface CampaignsTable {
  id: string;
  name: string;
  jurisdiction_id: string;
  due_at: Timestamp;
  households: number;
  created_at: Timestamp;
  created_by: string;
}

export interface TasksTable {
  id: string;
  kind: 'incident_handling' | 'household_visit' | 'quarantine_follow_up' | 'campaign_visit';
  subject_kind: 'incident' | 'household' | 'resident';
  subject_id: string;
  grid_code: string;
  community_id: string;
  campaign_id: string | null;
  form: string;
  status: 'open' | 'accepted' | 'completed' | 'cancelled';
  assignee_id: string | null;
  due_at: Timestamp;
  attempts: Generated<number>;
  note: string | null;
  result: Json<Record<string, unknown>> | null;
  created_at: Timestamp;
  created_by: string;
  accepted_at: Timestamp | null;
  completed_at: Timestamp | null;
  completed_by: string | null;
}

export interface CampaignVisitsTable {
  id: string;
  campaign_id: string;
  household_id: string;
  task_id: string;
  outcome: 'reached' | 'nobody_home' | 'refused' | 'needs_help';
  at: Timestamp;
  worker_id: string;
  note: string | null;
}

export interface DB {
  incident_category_versions: IncidentCategoryVersionsTable;
  incident_categories: IncidentCategoriesTable;
  incidents: IncidentsTable;
  incident_details: IncidentDetailsTable;
  incident_events: IncidentEventsTable;
  incident_photos: IncidentPhotosTable;
  incident_supporters: IncidentSupportersTable;
  campaigns: CampaignsTable;
  tasks: TasksTable;
  campaign_visits: CampaignVisitsTable;
}

// --- tracing (20261129T103000_tracing) ---
export interface ScansTable {
  id: string;
  source_id: string;
  client_id: string;
  scanned_day: ColumnType<string, string, string>;
  scanned_at: Timestamp;
  person_id: string;
  place_id: string;
  direction: 'place_code' | 'person_code';
  received_at: Timestamp;
}

export interface CodeSubjectsTable {
  day: ColumnType<string, string, string>;
  subject: string;
  person_id: string;
}

export interface OutbreaksTable {
  id: string;
  jurisdiction_id: string;
  opened_at: Timestamp;
  index_case_id: string | null;
}

export interface CasesTable {
  id: string;
  person_id: string;
  outbreak_id: string;
  source_case_id: string | null;
  state: 'open' | 'closed';
  opened_at: Timestamp;
  closed_at: Timestamp | null;
  close_note: string | null;
  specimen_at: Timestamp;
  onset_at: Timestamp | null;
  infectious_from: Timestamp;
  result_fact_ids: Json<string[]>;
  trace_requested_at: Timestamp | null;
  traced_at: Timestamp | null;
  trace_stats: Json<Record<string, unknown>> | null;
}

export interface RiskDesignationsTable {
  id: string;
  area_kind: 'place' | 'grid' | 'jurisdiction';
  area_id: string;
  area_name_zh: string;
  area_name_en: string;
  area_path: string;
  risk_from: Timestamp;
  risk_until: Timestamp;
  expires_at: Timestamp;
  case_ids: Json<string[]>;
  note: string;
  designated_by: string;
  designated_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  revoke_note: string | null;
  swept_at: Timestamp | null;
}

export interface ExposuresTable {
  id: string;
  case_id: string | null;
  designation_id: string | null;
  person_id: string;
  degree: 'close' | 'secondary' | 'risk_place';
  via_person_id: string | null;
  place_id: string | null;
  source_person_id: string | null;
  source_scan_id: string | null;
  source_scanned_at: Timestamp | null;
  contact_scan_id: string | null;
  contact_scanned_at: Timestamp | null;
  window_start: Timestamp;
  window_end: Timestamp;
  encounters: number;
  evidence: Json<unknown[]>;
  reason: Json<Record<string, string>>;
  state: 'pending' | 'confirmed' | 'dismissed';
  fact_id: string | null;
  created_at: Timestamp;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_note: string | null;
}

export interface FollowupsTable {
  id: string;
  person_id: string;
  grid_code: string;
  color: 'red' | 'yellow';
  started_at: Timestamp;
  ended_at: Timestamp | null;
  end_reason: string | null;
}

export interface FollowupDaysTable {
  followup_id: string;
  day: ColumnType<string, string, string>;
  task_id: string | null;
  prompted_at: Timestamp | null;
  checked_in_at: Timestamp | null;
  escalated_at: Timestamp | null;
  escalation_task_id: string | null;
}

export interface CheckinsTable {
  id: string;
  person_id: string;
  day: ColumnType<string, string, string>;
  at: Timestamp;
  symptoms: Json<string[]>;
  temperature_c: number | null;
  fact_id: string | null;
}

export interface DB {
  scans: ScansTable;
  code_subjects: CodeSubjectsTable;
  outbreaks: OutbreaksTable;
  cases: CasesTable;
  risk_designations: RiskDesignationsTable;
  exposures: ExposuresTable;
  followups: FollowupsTable;
  followup_days: FollowupDaysTable;
  checkins: CheckinsTable;
}

// --- accountability (20261129T110000_accountability) ---
export interface AuditCheckpointsTable {
  id: Generated<number>;
  seq: number;
  head_hash: string;
  signed_at: Timestamp;
  prev_checkpoint_hash: string;
  jurisdiction_id: string;
  kid: string;
  alg: string;
  payload: string;
  signature: string;
}

export interface EmergenciesTable {
  id: string;
  jurisdiction_id: string;
  title: string;
  legal_basis: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  declared_by: string;
  declared_at: Timestamp;
  renews_id: string | null;
  terminated_at: Timestamp | null;
  terminated_by: string | null;
  termination_reason: string | null;
}

export interface AppealsTable {
  id: string;
  person_id: string;
  subject_kind: 'fact' | 'status';
  fact_id: string | null;
  contested_fact_ids: Json<string[]>;
  status_snapshot: Json<Record<string, unknown>> | null;
  statement: string;
  created_at: Timestamp;
  deadline_at: Timestamp;
  reviewer_id: string | null;
  assigned_at: Timestamp | null;
  state: 'open' | 'upheld' | 'rejected';
  decided_at: Timestamp | null;
  decided_by: string | null;
  decision_reasons: string | null;
  withdrawn_fact_ids: Json<string[]> | null;
}

export interface AnomalyFlagsTable {
  id: string;
  detector: string;
  dedup_key: string;
  severity: 'low' | 'medium' | 'high';
  summary: string;
  evidence: Json<Record<string, unknown>>;
  subject_count: number;
  first_event_at: Timestamp | null;
  trigger_event_at: Timestamp | null;
  detected_at: Timestamp;
  updated_at: Timestamp;
  state: 'open' | 'resolved';
  resolved_at: Timestamp | null;
  resolved_by: string | null;
  resolution_note: string | null;
}

export interface DeletionCertificatesTable {
  id: string;
  category: string;
  record_count: number;
  range_from: Timestamp | null;
  range_to: Timestamp | null;
  merkle_root: string;
  body: string;
  body_hash: string;
  kid: string;
  signature: string;
  issued_at: Timestamp;
  trigger: string;
  countersigned_by: string | null;
  countersigned_at: Timestamp | null;
  countersignature: string | null;
}

export interface DataRequestsTable {
  id: string;
  person_id: string;
  kind: 'export' | 'deletion';
  created_at: Timestamp;
  completed_at: Timestamp | null;
  result: Json<Record<string, unknown>> | null;
}

export interface ExportRequestsTable {
  id: string;
  kind: string;
  jurisdiction_id: string | null;
  reason: string;
  requested_by: string;
  requested_at: Timestamp;
  expires_at: Timestamp;
  decision: 'approved' | 'rejected' | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_note: string | null;
  downloaded_at: Timestamp | null;
}

export interface StatusDailyCountsTable {
  day: ColumnType<string, string, string>;
  jurisdiction_id: string;
  color: string;
  count: number;
}

/** Position in the hash chain, set when the entry is sealed (20261129T120000_audit_sealing). */
export interface AuditLogTable {
  chain_pos: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface DB {
  audit_checkpoints: AuditCheckpointsTable;
  emergencies: EmergenciesTable;
  appeals: AppealsTable;
  anomaly_flags: AnomalyFlagsTable;
  deletion_certificates: DeletionCertificatesTable;
  data_requests: DataRequestsTable;
  export_requests: ExportRequestsTable;
  status_daily_counts: StatusDailyCountsTable;
}
