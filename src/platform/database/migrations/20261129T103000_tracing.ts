import { sql, type Kysely } from 'kysely';

/*
 * Contact tracing: scans (partitioned by day), the daily code-subject index, cases and outbreaks, exposures, risk-area
 * designations, and quarantine follow-up. Partitions of `scans` are created ahead by a job and dropped by retention;
 * none exist yet here. SQL runs on PostgreSQL 15 and PGlite 17.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // The partition key (scanned_day) is part of the unique key, as partitioned tables require. A retry of the same
  // client id from the same source on the same day is a duplicate; `source_id` scopes client ids to who sent them, so
  // one client cannot pre-empt another's ids. No foreign keys: they would slow ingestion and pin residents and places
  // for the life of a partition; the service checks both.
  await sql`
    create table scans (
      id uuid not null,
      source_id uuid not null,
      client_id text not null,
      scanned_day date not null,
      scanned_at timestamptz not null,
      person_id uuid not null,
      place_id uuid not null,
      direction text not null check (direction in ('place_code','person_code')),
      received_at timestamptz not null,
      unique (source_id, client_id, scanned_day)
    ) partition by range (scanned_day)`.execute(db);
  await sql`create index scans_place_time_idx on scans (place_id, scanned_at)`.execute(db);
  await sql`create index scans_person_time_idx on scans (person_id, scanned_at)`.execute(db);

  // Daily pseudonym → person, written when a health code is issued, so a checkpoint's scan of a TSR1 code can be
  // attributed. Kept only days (see retention); it is what makes a pseudonym identifying.
  await sql`
    create table code_subjects (
      day date not null,
      subject text not null,
      person_id uuid not null references residents(id),
      primary key (day, subject)
    )`.execute(db);

  await sql`
    create table outbreaks (
      id uuid primary key,
      jurisdiction_id text not null references jurisdictions(id),
      opened_at timestamptz not null,
      index_case_id uuid
    )`.execute(db);

  await sql`
    create table cases (
      id uuid primary key,
      person_id uuid not null references residents(id),
      outbreak_id uuid not null references outbreaks(id),
      source_case_id uuid references cases(id),
      state text not null check (state in ('open','closed')),
      opened_at timestamptz not null,
      closed_at timestamptz,
      close_note text,
      specimen_at timestamptz not null,
      onset_at timestamptz,
      infectious_from timestamptz not null,
      result_fact_ids jsonb not null,
      trace_requested_at timestamptz,
      traced_at timestamptz,
      trace_stats jsonb
    )`.execute(db);
  await sql`create unique index cases_open_person_idx on cases (person_id) where state = 'open'`.execute(db);
  await sql`create index cases_outbreak_idx on cases (outbreak_id)`.execute(db);
  await sql`create index cases_trace_due_idx on cases (trace_requested_at) where state = 'open'`.execute(db);

  await sql`
    create table risk_designations (
      id uuid primary key,
      area_kind text not null check (area_kind in ('place','grid','jurisdiction')),
      area_id text not null,
      area_name_zh text not null,
      area_name_en text not null,
      area_path text not null,
      risk_from timestamptz not null,
      risk_until timestamptz not null,
      expires_at timestamptz not null,
      case_ids jsonb not null,
      note text not null,
      designated_by uuid not null references staff(id),
      designated_at timestamptz not null,
      revoked_at timestamptz,
      revoked_by uuid references staff(id),
      revoke_note text,
      swept_at timestamptz,
      check (risk_until > risk_from),
      check (expires_at >= risk_until)
    )`.execute(db);
  await sql`create index risk_designations_expiry_idx on risk_designations (expires_at)`.execute(db);

  await sql`
    create table exposures (
      id uuid primary key,
      case_id uuid references cases(id),
      designation_id uuid references risk_designations(id),
      person_id uuid not null references residents(id),
      degree text not null check (degree in ('close','secondary','risk_place')),
      via_person_id uuid references residents(id),
      place_id uuid references places(id),
      source_person_id uuid references residents(id),
      source_scan_id uuid,
      source_scanned_at timestamptz,
      contact_scan_id uuid,
      contact_scanned_at timestamptz,
      window_start timestamptz not null,
      window_end timestamptz not null,
      encounters int not null,
      evidence jsonb not null,
      reason jsonb not null,
      state text not null check (state in ('pending','confirmed','dismissed')),
      fact_id text references health_facts(id),
      created_at timestamptz not null,
      decided_by text,
      decided_at timestamptz,
      decision_note text,
      check ((case_id is null) <> (designation_id is null)),
      check (window_end >= window_start)
    )`.execute(db);
  await sql`create unique index exposures_case_person_idx on exposures (case_id, person_id, degree) where case_id is not null`.execute(
    db,
  );
  await sql`create unique index exposures_designation_person_idx on exposures (designation_id, person_id) where designation_id is not null`.execute(
    db,
  );
  await sql`create index exposures_person_idx on exposures (person_id, created_at)`.execute(db);
  await sql`create index exposures_pending_idx on exposures (created_at) where state = 'pending'`.execute(db);

  // One follow-up per person while they are red or yellow; a day row per day of it, with what was done that day.
  await sql`
    create table followups (
      id uuid primary key,
      person_id uuid not null references residents(id),
      grid_code char(15) not null references grids(code),
      color text not null check (color in ('red','yellow')),
      started_at timestamptz not null,
      ended_at timestamptz,
      end_reason text
    )`.execute(db);
  await sql`create unique index followups_active_idx on followups (person_id) where ended_at is null`.execute(db);
  await sql`
    create table followup_days (
      followup_id uuid not null references followups(id),
      day date not null,
      task_id text,
      prompted_at timestamptz,
      checked_in_at timestamptz,
      escalated_at timestamptz,
      escalation_task_id text,
      primary key (followup_id, day)
    )`.execute(db);
  await sql`
    create table checkins (
      id uuid primary key,
      person_id uuid not null references residents(id),
      day date not null,
      at timestamptz not null,
      symptoms jsonb not null,
      temperature_c numeric(4,1),
      fact_id text references health_facts(id),
      unique (person_id, day)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'checkins',
    'followup_days',
    'followups',
    'exposures',
    'risk_designations',
    'cases',
    'outbreaks',
    'code_subjects',
    'scans',
  ])
    await sql`drop table if exists ${sql.table(t)} cascade`.execute(db);
}
