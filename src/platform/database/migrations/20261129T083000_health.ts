import { sql, type Kysely } from 'kysely';

// Health facts, rule sets, statuses with history, two-person overrides, signing keys and trust, notifications.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table health_facts (
      id text primary key,
      person_id uuid not null references residents(id),
      kind text not null check (kind in ('test_result','vaccination','exposure','symptom_report','risk_area_arrival','isolation_completed','override')),
      occurred_at timestamptz not null,
      recorded_at timestamptz not null,
      recorded_by text not null,
      recorder_role text,
      recorder_scope text,
      provenance jsonb not null,
      data jsonb not null,
      withdrawn_at timestamptz,
      withdrawn_reason text
    )`.execute(db);
  await sql`create index health_facts_person_idx on health_facts(person_id, occurred_at)`.execute(db);
  await sql`create index health_facts_recorded_idx on health_facts(recorded_at)`.execute(db);

  await sql`
    create table rulesets (
      id text not null,
      version int not null,
      jurisdiction_id text not null,
      effective_from timestamptz not null,
      document jsonb not null,
      published_at timestamptz not null,
      published_by text not null,
      primary key (id, version)
    )`.execute(db);
  await sql`create index rulesets_effective_idx on rulesets(jurisdiction_id, effective_from)`.execute(db);

  await sql`
    create table statuses (
      person_id uuid primary key references residents(id),
      color text not null check (color in ('green','yellow','red')),
      vaccinated boolean not null,
      since timestamptz,
      reasons jsonb not null,
      clears jsonb,
      ruleset_id text not null,
      ruleset_version int not null,
      evaluated_at timestamptz not null,
      next_check_at timestamptz
    )`.execute(db);
  await sql`create index statuses_next_check_idx on statuses(next_check_at) where next_check_at is not null`.execute(
    db,
  );
  await sql`create index statuses_color_idx on statuses(color)`.execute(db);

  await sql`
    create table status_history (
      id bigserial primary key,
      person_id uuid not null references residents(id),
      color text not null,
      vaccinated boolean not null,
      since timestamptz,
      reasons jsonb not null,
      clears jsonb,
      ruleset_id text not null,
      ruleset_version int not null,
      changed_at timestamptz not null,
      cause text not null
    )`.execute(db);
  await sql`create index status_history_person_idx on status_history(person_id, id)`.execute(db);

  await sql`
    create table overrides (
      id uuid primary key,
      person_id uuid not null references residents(id),
      target text not null check (target in ('green','yellow','red','clear')),
      reason_code text not null,
      reason text not null,
      expires_at timestamptz not null,
      proposed_by uuid not null references staff(id),
      proposed_at timestamptz not null,
      decided_by uuid references staff(id),
      decided_at timestamptz,
      decision text check (decision in ('approved','rejected')),
      decision_note text,
      fact_id text references health_facts(id)
    )`.execute(db);
  await sql`create index overrides_person_idx on overrides(person_id)`.execute(db);
  await sql`create index overrides_pending_idx on overrides(proposed_at) where decision is null`.execute(db);

  await sql`
    create table signing_keys (
      kid text primary key,
      jurisdiction_id text not null references jurisdictions(id),
      purpose text not null check (purpose in ('code','trust_list','audit')),
      alg text not null,
      public_spki text not null,
      private_enc text not null,
      created_at timestamptz not null,
      not_after timestamptz not null,
      retired_at timestamptz
    )`.execute(db);
  await sql`create index signing_keys_active_idx on signing_keys(jurisdiction_id, purpose, created_at)`.execute(db);

  await sql`
    create table trusted_keys (
      kid text not null,
      jurisdiction_id text not null,
      alg text not null,
      public_spki text not null,
      not_before timestamptz not null,
      not_after timestamptz not null,
      source text not null,
      imported_at timestamptz not null,
      primary key (kid, jurisdiction_id)
    )`.execute(db);

  await sql`
    create table notifications (
      id uuid primary key,
      person_id uuid not null references residents(id),
      kind text not null,
      payload jsonb not null,
      created_at timestamptz not null,
      read_at timestamptz
    )`.execute(db);
  await sql`create index notifications_person_idx on notifications(person_id, created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'notifications',
    'trusted_keys',
    'signing_keys',
    'overrides',
    'status_history',
    'statuses',
    'rulesets',
    'health_facts',
  ])
    await sql`drop table if exists ${sql.table(t)} cascade`.execute(db);
}
