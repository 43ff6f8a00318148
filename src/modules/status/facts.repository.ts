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
  await insertFacts(db, [fact], recorder);
}

/** Many facts from one recorder in multi-row statements (tracing records thousands of exposures at once). */
export async function insertFacts(
  db: Db,
  facts: HealthFact[],
  recorder: { role: string | null; scope: string | null },
): Promise<void> {
  const rows = facts.map((fact) => ({
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
  }));
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('health_facts')
      .values(rows.slice(i, i + 500))
      .execute();
}

/** Facts in force for a person (withdrawn facts, e.g. after an upheld appeal, no longer count). */
export async function activeFacts(db: Db, personId: string): Promise<HealthFact[]> {
  return (await activeFactsOf(db, [personId])).get(personId) ?? [];
}

/** Facts in force for many people at once, each list in order of occurrence. */
export async function activeFactsOf(db: Db, personIds: string[]): Promise<Map<string, HealthFact[]>> {
  const out = new Map<string, HealthFact[]>();
  if (personIds.length === 0) return out;
  const rows = await db
    .selectFrom('health_facts')
    .select(['person_id', 'data'])
    .where('person_id', 'in', personIds)
    .where('withdrawn_at', 'is', null)
    .orderBy('occurred_at')
    .execute();
  for (const r of rows) {
    const fact = (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as HealthFact;
    const list = out.get(r.person_id);
    if (list) list.push(fact);
    else out.set(r.person_id, [fact]);
  }
  return out;
}

export async function factsOf(db: Db, personId: string) {
  return db
    .selectFrom('health_facts')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('occurred_at', 'desc')
    .execute();
}
