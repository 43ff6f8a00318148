import { sql, type Kysely } from 'kysely';

// Evaluation by worker groups a year of incidents by who last gave feedback, else the last assignee. Without
// statistics on that expression the planner guesses tens of thousands of groups and sorts every row; with them
// it knows there are a few hundred workers and aggregates by hash.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create statistics incidents_worker_stats on (coalesce(last_feedback_by, last_assignee_id)) from incidents`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop statistics if exists incidents_worker_stats`.execute(db);
}
