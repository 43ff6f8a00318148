import { sql, type Kysely } from 'kysely';

// Foundation: jurisdictions, grids, registry, staff and auth, audit chain, outbox.
// SQL here must run on PostgreSQL 15 (server) and PGlite (17+).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table jurisdictions (
      id text primary key,
      parent_id text references jurisdictions(id),
      level text not null check (level in ('province','city','district','subdistrict','community')),
      name_zh text not null,
      name_en text not null,
      path text not null unique,
      depth int not null,
      geometry jsonb,
      area_m2 double precision,
      bbox double precision[],
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index jurisdictions_parent_idx on jurisdictions(parent_id)`.execute(db);
  await sql`create index jurisdictions_path_idx on jurisdictions(path text_pattern_ops)`.execute(db);

  await sql`
    create table grids (
      code char(15) primary key,
      community_id text not null references jurisdictions(id),
      serial int not null check (serial between 1 and 999),
      name_zh text not null,
      name_en text not null,
      geometry jsonb not null,
      area_m2 double precision not null,
      centroid_lat double precision not null,
      centroid_lng double precision not null,
      bbox double precision[] not null,
      created_at timestamptz not null default now(),
      unique (community_id, serial)
    )`.execute(db);
  await sql`create index grids_community_idx on grids(community_id)`.execute(db);

  // H3 res-10 cells overlapping each grid: point lookup = one index probe + a point-in-polygon
  // test on the (usually single) candidate grid.
  await sql`
    create table grid_cells (
      cell text not null,
      grid_code char(15) not null references grids(code) on delete cascade,
      primary key (cell, grid_code)
    )`.execute(db);
  await sql`create index grid_cells_grid_idx on grid_cells(grid_code)`.execute(db);

  await sql`
    create table staff (
      id uuid primary key,
      username text not null unique,
      display_name text not null,
      role text not null,
      scope_jurisdiction_id text not null references jurisdictions(id),
      password_hash text not null,
      active boolean not null default true,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index staff_scope_idx on staff(scope_jurisdiction_id)`.execute(db);

  await sql`
    create table grid_workers (
      grid_code char(15) not null references grids(code) on delete cascade,
      staff_id uuid not null references staff(id),
      primary key (grid_code, staff_id)
    )`.execute(db);
  await sql`create index grid_workers_staff_idx on grid_workers(staff_id)`.execute(db);

  await sql`
    create table households (
      id uuid primary key,
      grid_code char(15) not null references grids(code),
      address text not null,
      lat double precision not null,
      lng double precision not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index households_grid_idx on households(grid_code)`.execute(db);

  await sql`
    create table residents (
      id uuid primary key,
      household_id uuid not null references households(id),
      name text not null,
      birth_date date not null,
      phone text,
      national_id_hmac text unique,
      national_id_masked text,
      password_hash text,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index residents_household_idx on residents(household_id)`.execute(db);
  await sql`create index residents_phone_idx on residents(phone)`.execute(db);

  await sql`
    create table places (
      id uuid primary key,
      kind text not null check (kind in ('venue','sentinel')),
      category text not null,
      name_zh text not null,
      name_en text not null,
      lat double precision not null,
      lng double precision not null,
      grid_code char(15) not null references grids(code),
      operator_staff_id uuid references staff(id),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index places_grid_idx on places(grid_code)`.execute(db);

  await sql`
    create table sessions (
      token_hash text primary key,
      principal_kind text not null check (principal_kind in ('staff','resident')),
      principal_id uuid not null,
      created_at timestamptz not null,
      expires_at timestamptz not null
    )`.execute(db);

  await sql`
    create table api_tokens (
      id uuid primary key,
      token_hash text not null unique,
      kind text not null check (kind in ('device','lab','verifier')),
      name text not null,
      scope_jurisdiction_id text not null references jurisdictions(id),
      place_id uuid references places(id),
      created_by uuid references staff(id),
      created_at timestamptz not null,
      revoked_at timestamptz
    )`.execute(db);

  await sql`
    create table audit_log (
      seq bigint primary key,
      at timestamptz not null,
      actor_kind text not null,
      actor_id text,
      actor_role text,
      actor_scope text,
      action text not null,
      subject_kind text not null,
      subject_id text,
      person_id uuid,
      purpose text,
      detail jsonb not null default '{}'::jsonb,
      prev_hash text not null,
      hash text not null
    )`.execute(db);
  await sql`create index audit_person_idx on audit_log(person_id, seq)`.execute(db);
  await sql`create index audit_actor_idx on audit_log(actor_id, seq)`.execute(db);
  await sql`create index audit_action_idx on audit_log(action, seq)`.execute(db);

  await sql`
    create table outbox (
      id bigserial primary key,
      topic text not null,
      key text,
      payload jsonb not null,
      created_at timestamptz not null,
      published_at timestamptz
    )`.execute(db);
  await sql`create index outbox_unpublished_idx on outbox(id) where published_at is null`.execute(db);

  await sql`
    create table settings (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'settings',
    'outbox',
    'audit_log',
    'api_tokens',
    'sessions',
    'places',
    'residents',
    'households',
    'grid_workers',
    'staff',
    'grid_cells',
    'grids',
    'jurisdictions',
  ]) {
    await sql`drop table if exists ${sql.table(t)} cascade`.execute(db);
  }
}
