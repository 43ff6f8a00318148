import { sql, type Kysely } from 'kysely';

// Audit entries are written without a chain-wide lock: each takes its seq from a sequence inside the write's own
// transaction, and a sealer then links committed entries into the hash chain in order (chain_pos, prev_hash, hash).
// Until sealed, prev_hash and hash are empty. Existing entries are sealed already, in seq order.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table audit_log add column chain_pos bigint`.execute(db);
  await sql`update audit_log set chain_pos = seq`.execute(db);
  await sql`create unique index audit_chain_pos_idx on audit_log(chain_pos)`.execute(db);
  await sql`create index audit_unsealed_idx on audit_log(seq) where chain_pos is null`.execute(db);
  await sql`create sequence audit_log_seq_gen`.execute(db);
  await sql`select setval('audit_log_seq_gen', coalesce((select max(seq) from audit_log), 0) + 1, false)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop sequence if exists audit_log_seq_gen`.execute(db);
  await sql`drop index if exists audit_unsealed_idx`.execute(db);
  await sql`drop index if exists audit_chain_pos_idx`.execute(db);
  await sql`alter table audit_log drop column if exists chain_pos`.execute(db);
}
