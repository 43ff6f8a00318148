import { sql, type Kysely } from 'kysely';

// Every audit entry is written twice (appended, then sealed by an UPDATE that cannot be HOT because chain_pos is
// indexed), so each index on audit_log is paid twice per entry. Two of them can be cheaper without losing a query:
// - `at` grows with seq, so a BRIN index answers the auditor's time ranges at a fraction of a btree's upkeep;
// - chain positions only exist once sealed, so the unique index skips the NULLs an append would otherwise add.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists audit_at_idx`.execute(db);
  await sql`create index audit_at_brin on audit_log using brin (at)`.execute(db);
  await sql`drop index if exists audit_chain_pos_idx`.execute(db);
  await sql`create unique index audit_chain_pos_idx on audit_log(chain_pos) where chain_pos is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists audit_chain_pos_idx`.execute(db);
  await sql`create unique index audit_chain_pos_idx on audit_log(chain_pos)`.execute(db);
  await sql`drop index if exists audit_at_brin`.execute(db);
  await sql`create index audit_at_idx on audit_log(at)`.execute(db);
}
