import { sql, type Kysely } from 'kysely';

// The one-paragraph explanation of a status, per language, kept with it and its history.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table statuses add column summary jsonb`.execute(db);
  await sql`alter table status_history add column summary jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table statuses drop column summary`.execute(db);
  await sql`alter table status_history drop column summary`.execute(db);
}
