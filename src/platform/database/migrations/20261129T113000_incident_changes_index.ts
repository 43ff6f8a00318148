import { sql, type Kysely } from 'kysely';

// Evaluation of a past period reads the timeline only for incidents changed after its asOf instant; this index
// finds them without scanning the year (none at all when evaluating up to now).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index incidents_updated_idx on incidents(updated_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists incidents_updated_idx`.execute(db);
}
