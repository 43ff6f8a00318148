import { sql, type Kysely } from 'kysely';

// Grid operations: incident categories, incidents with their timelines and photos, the task engine, door-to-door
// campaigns. SQL here must run on PostgreSQL 15 (server) and PGlite (17+).
export async function up(db: Kysely<unknown>): Promise<void> {
  // Every accepted category tree is kept; the highest version is in force. The flat table mirrors the current
  // tree so incidents can reference their category and SQL can join names and departments.
  await sql`
    create table incident_category_versions (
      version int primary key,
      tree jsonb not null,
      created_at timestamptz not null,
      created_by text
    )`.execute(db);
  await sql`
    create table incident_categories (
      code text primary key check (code ~ '^[0-9]{4}$'),
      major_code text not null,
      name_zh text not null,
      name_en text not null,
      department text not null,
      handler_role text not null,
      active boolean not null,
      tree_version int not null references incident_category_versions(version)
    )`.execute(db);

  // The narrow row: what lists, the overdue scanner and evaluation read. Large or rarely read fields live in
  // incident_details so a year of incidents stays small enough to aggregate in one scan.
  await sql`
    create table incidents (
      id uuid primary key,
      category_code text not null references incident_categories(code),
      grid_code char(15) not null references grids(code),
      community_id text not null references jurisdictions(id),
      stage text not null check (stage in
        ('collected','filed','dispatched','handling','handled','closed','evaluated','rejected','returned','parked')),
      reported_at timestamptz not null,
      updated_at timestamptz not null,
      version int not null,
      due_at timestamptz,
      next_escalation_at timestamptz,
      escalation_level int not null default 0,
      assignee_id uuid references staff(id),
      filed_at timestamptz,
      rejected_at timestamptz,
      closed_at timestamptz,
      late_at timestamptz,
      first_feedback_at timestamptz,
      first_rework_at timestamptz,
      handling_ms bigint not null default 0,
      last_feedback_by uuid,
      last_assignee_id uuid,
      last_department text
    )`.execute(db);
  await sql`create index incidents_reported_idx on incidents(reported_at desc, id desc)`.execute(db);
  await sql`create index incidents_grid_idx on incidents(grid_code, reported_at desc, id desc)`.execute(db);
  await sql`create index incidents_community_idx on incidents(community_id, reported_at desc, id desc)`.execute(db);
  await sql`create index incidents_assignee_idx on incidents(assignee_id) where assignee_id is not null`.execute(db);
  await sql`
    create index incidents_escalation_idx on incidents(next_escalation_at)
    where next_escalation_at is not null`.execute(db);

  await sql`
    create table incident_details (
      incident_id uuid primary key references incidents(id) on delete cascade,
      source text not null,
      reporter_kind text not null check (reporter_kind in ('resident','staff','open311')),
      reporter_id text not null,
      lat double precision not null,
      lng double precision not null,
      description text not null,
      address text,
      contact jsonb not null,
      attributes jsonb not null default '{}'::jsonb,
      public_note text,
      media_url text,
      duplicate_of uuid references incidents(id),
      open311_token text unique,
      state jsonb not null
    )`.execute(db);
  await sql`create index incident_details_reporter_idx on incident_details(reporter_id)`.execute(db);
  // Duplicate detection probes open incidents of one category around a point.
  await sql`create index incident_details_location_idx on incident_details(lat, lng)`.execute(db);

  await sql`
    create table incident_events (
      incident_id uuid not null references incidents(id) on delete cascade,
      seq int not null,
      type text not null,
      at timestamptz not null,
      actor_id text not null,
      actor_role text not null,
      from_stage text,
      to_stage text not null,
      reason text,
      event jsonb not null,
      primary key (incident_id, seq)
    )`.execute(db);

  await sql`
    create table incident_photos (
      incident_id uuid not null references incidents(id) on delete cascade,
      n int not null check (n >= 1),
      content_type text not null check (content_type in ('image/jpeg','image/png','image/webp')),
      bytes int not null check (bytes between 1 and 5242880),
      sha256 text not null,
      data bytea not null,
      uploaded_by text not null,
      created_at timestamptz not null,
      primary key (incident_id, n)
    )`.execute(db);

  // Later reports of the same problem, attached to the open incident instead of filed again.
  await sql`
    create table incident_supporters (
      id uuid primary key,
      incident_id uuid not null references incidents(id) on delete cascade,
      reporter_kind text not null,
      reporter_id text not null,
      description text not null,
      contact jsonb not null,
      at timestamptz not null
    )`.execute(db);
  await sql`create index incident_supporters_incident_idx on incident_supporters(incident_id)`.execute(db);

  await sql`
    create table campaigns (
      id uuid primary key,
      name text not null,
      jurisdiction_id text not null references jurisdictions(id),
      due_at timestamptz not null,
      households int not null,
      created_at timestamptz not null,
      created_by text not null
    )`.execute(db);

  await sql`
    create table tasks (
      id uuid primary key,
      kind text not null check (kind in ('incident_handling','household_visit','quarantine_follow_up','campaign_visit')),
      subject_kind text not null check (subject_kind in ('incident','household','resident')),
      subject_id uuid not null,
      grid_code char(15) not null references grids(code),
      community_id text not null references jurisdictions(id),
      campaign_id uuid references campaigns(id),
      form text not null,
      status text not null check (status in ('open','accepted','completed','cancelled')),
      assignee_id uuid references staff(id),
      due_at timestamptz not null,
      attempts int not null default 0,
      note text,
      result jsonb,
      created_at timestamptz not null,
      created_by text not null,
      accepted_at timestamptz,
      completed_at timestamptz,
      completed_by uuid
    )`.execute(db);
  await sql`
    create index tasks_assignee_open_idx on tasks(assignee_id, due_at, id)
    where status in ('open','accepted')`.execute(db);
  await sql`create index tasks_grid_idx on tasks(grid_code, status)`.execute(db);
  await sql`create index tasks_subject_idx on tasks(subject_kind, subject_id)`.execute(db);
  await sql`
    create unique index tasks_campaign_household_idx on tasks(campaign_id, subject_id)
    where campaign_id is not null`.execute(db);

  await sql`
    create table campaign_visits (
      id uuid primary key,
      campaign_id uuid not null references campaigns(id),
      household_id uuid not null references households(id),
      task_id uuid not null references tasks(id),
      outcome text not null check (outcome in ('reached','nobody_home','refused','needs_help')),
      at timestamptz not null,
      worker_id uuid not null references staff(id),
      note text
    )`.execute(db);
  await sql`create index campaign_visits_campaign_idx on campaign_visits(campaign_id, household_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'campaign_visits',
    'tasks',
    'campaigns',
    'incident_supporters',
    'incident_photos',
    'incident_events',
    'incident_details',
    'incidents',
    'incident_categories',
    'incident_category_versions',
  ])
    await sql`drop table if exists ${sql.table(t)} cascade`.execute(db);
}
