import { sql, type Kysely } from 'kysely';

// Accountability: signed audit checkpoints, emergency declarations, appeals, anomaly flags, deletion certificates,
// resident data requests, two-person bulk exports and daily status counts for the transparency report.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_checkpoints (
      id bigserial primary key,
      seq bigint not null,
      head_hash text not null,
      signed_at timestamptz not null,
      prev_checkpoint_hash text not null,
      jurisdiction_id text not null,
      kid text not null,
      alg text not null,
      payload text not null,
      signature text not null
    )`.execute(db);
  await sql`create index audit_checkpoints_seq_idx on audit_checkpoints(seq)`.execute(db);
  // The auditor query API filters by subject and time as well as by actor, action and person.
  await sql`create index audit_subject_idx on audit_log(subject_id, seq)`.execute(db);
  await sql`create index audit_at_idx on audit_log(at)`.execute(db);

  await sql`
    create table emergencies (
      id uuid primary key,
      jurisdiction_id text not null references jurisdictions(id),
      title text not null,
      legal_basis text not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      declared_by text not null,
      declared_at timestamptz not null,
      renews_id uuid references emergencies(id),
      terminated_at timestamptz,
      terminated_by text,
      termination_reason text,
      check (ends_at > starts_at)
    )`.execute(db);
  await sql`create index emergencies_jurisdiction_idx on emergencies(jurisdiction_id, starts_at)`.execute(db);

  await sql`
    create table appeals (
      id uuid primary key,
      person_id uuid not null references residents(id),
      subject_kind text not null check (subject_kind in ('fact','status')),
      fact_id text references health_facts(id) on delete set null,
      contested_fact_ids jsonb not null,
      status_snapshot jsonb,
      statement text not null,
      created_at timestamptz not null,
      deadline_at timestamptz not null,
      reviewer_id uuid references staff(id),
      assigned_at timestamptz,
      state text not null check (state in ('open','upheld','rejected')),
      decided_at timestamptz,
      decided_by uuid references staff(id),
      decision_reasons text,
      withdrawn_fact_ids jsonb
    )`.execute(db);
  await sql`create index appeals_person_idx on appeals(person_id, created_at)`.execute(db);
  await sql`create index appeals_open_idx on appeals(reviewer_id, deadline_at) where state = 'open'`.execute(db);

  await sql`
    create table anomaly_flags (
      id uuid primary key,
      detector text not null,
      dedup_key text not null,
      severity text not null check (severity in ('low','medium','high')),
      summary text not null,
      evidence jsonb not null,
      subject_count int not null,
      first_event_at timestamptz,
      trigger_event_at timestamptz,
      detected_at timestamptz not null,
      updated_at timestamptz not null,
      state text not null check (state in ('open','resolved')),
      resolved_at timestamptz,
      resolved_by uuid references staff(id),
      resolution_note text
    )`.execute(db);
  await sql`create unique index anomaly_flags_open_key on anomaly_flags(dedup_key) where state = 'open'`.execute(db);
  await sql`create index anomaly_flags_detected_idx on anomaly_flags(detected_at)`.execute(db);

  // Detectors look facts up by kind, recorder and place within a time window.
  await sql`create index health_facts_kind_recorded_idx on health_facts(kind, recorded_at)`.execute(db);
  await sql`create index health_facts_recorder_idx on health_facts(recorded_by, recorded_at)`.execute(db);
  await sql`create index health_facts_place_idx on health_facts((data->>'placeId'), recorded_at) where kind = 'exposure'`.execute(
    db,
  );
  await sql`create index status_history_changed_idx on status_history(changed_at)`.execute(db);

  await sql`
    create table deletion_certificates (
      id text primary key,
      category text not null,
      record_count int not null,
      range_from timestamptz,
      range_to timestamptz,
      merkle_root text not null,
      body text not null,
      body_hash text not null unique,
      kid text not null,
      signature text not null,
      issued_at timestamptz not null,
      trigger text not null,
      countersigned_by uuid references staff(id),
      countersigned_at timestamptz,
      countersignature text
    )`.execute(db);
  await sql`create index deletion_certificates_issued_idx on deletion_certificates(issued_at)`.execute(db);

  await sql`
    create table data_requests (
      id uuid primary key,
      person_id uuid not null references residents(id),
      kind text not null check (kind in ('export','deletion')),
      created_at timestamptz not null,
      completed_at timestamptz,
      result jsonb
    )`.execute(db);
  await sql`create index data_requests_person_idx on data_requests(person_id, created_at)`.execute(db);

  await sql`
    create table export_requests (
      id uuid primary key,
      kind text not null,
      jurisdiction_id text references jurisdictions(id),
      reason text not null,
      requested_by uuid not null references staff(id),
      requested_at timestamptz not null,
      expires_at timestamptz not null,
      decision text check (decision in ('approved','rejected')),
      decided_by uuid references staff(id),
      decided_at timestamptz,
      decision_note text,
      downloaded_at timestamptz
    )`.execute(db);

  await sql`
    create table status_daily_counts (
      day date not null,
      jurisdiction_id text not null,
      color text not null,
      count int not null,
      primary key (day, jurisdiction_id, color)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'status_daily_counts',
    'export_requests',
    'data_requests',
    'deletion_certificates',
    'anomaly_flags',
    'appeals',
    'emergencies',
    'audit_checkpoints',
  ])
    await sql`drop table if exists ${sql.table(t)} cascade`.execute(db);
  for (const i of [
    'audit_subject_idx',
    'audit_at_idx',
    'health_facts_kind_recorded_idx',
    'health_facts_recorder_idx',
    'health_facts_place_idx',
    'status_history_changed_idx',
  ])
    await sql`drop index if exists ${sql.raw(i)}`.execute(db);
}
