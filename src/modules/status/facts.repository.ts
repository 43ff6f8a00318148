import type { Transaction } from 'kysely';
import type { HealthFact } from '../../core/rules/index.ts';
import type { Database } from '../../platform/database/database.ts';
import type { DB } from '../../platform/database/schema.ts';

type Db = Database | Transaction<DB>;

export async function insertFact(
  db: Db,
  fact: HealthFact,
  recorder: { role: string | null; scope: string | null },
): Promise<void> {
  await db
    .insertInto('health_facts')
    .values({
      id: fact.id,
      person_id: fact.personId,
      kind: fact.kind,
      occurred_at: fact.occurredAt,
      recorded_at: fact.recordedAt,
      recorded_by: fact.recordedBy,
      recorder_role: recorder.role,
      recorder_scope: recorder.scope,
      provenance: JSON.stringify(fact.provenance),
      data: JSON.stringify(fact),
    })
    .execute();
}

/** Facts in force for a person (withdrawn facts, e.g. after an upheld appeal, no longer count). */
export async function activeFacts(db: Db, personId: string): Promise<HealthFact[]> {
  const rows = await db
    .selectFrom('health_facts')
    .select('data')
    .where('person_id', '=', personId)
    .where('withdrawn_at', 'is', null)
    .orderBy('occurred_at')
    .execute();
  return rows.map((r) => (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as HealthFact);
}

export async function factsOf(db: Db, personId: string) {
  return db
    .selectFrom('health_facts')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('occurred_at', 'desc')
    .execute();
}
