import type { Transaction } from 'kysely';
import type { Database } from '../../platform/database/database.ts';
import type { DB } from '../../platform/database/schema.ts';

type Db = Database | Transaction<DB>;

export async function findCase(db: Db, id: string) {
  return db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function openCaseOf(db: Db, personId: string) {
  return db
    .selectFrom('cases')
    .selectAll()
    .where('person_id', '=', personId)
    .where('state', '=', 'open')
    .executeTakeFirst();
}

/** Open cases whose tracing was asked for after it last ran (or never ran). */
export async function casesDueForTracing(db: Db, limit: number) {
  return db
    .selectFrom('cases')
    .select('id')
    .where('state', '=', 'open')
    .where('trace_requested_at', 'is not', null)
    .where((eb) => eb.or([eb('traced_at', 'is', null), eb('traced_at', '<', eb.ref('trace_requested_at'))]))
    .orderBy('trace_requested_at')
    .limit(limit)
    .execute();
}

export type CaseRow = NonNullable<Awaited<ReturnType<typeof findCase>>>;

export function presentCase(c: CaseRow) {
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  return {
    id: c.id,
    personId: c.person_id,
    outbreakId: c.outbreak_id,
    sourceCaseId: c.source_case_id,
    state: c.state,
    openedAt: iso(c.opened_at)!,
    closedAt: iso(c.closed_at),
    closeNote: c.close_note,
    specimenAt: iso(c.specimen_at)!,
    onsetAt: iso(c.onset_at),
    infectiousFrom: iso(c.infectious_from)!,
    resultFactIds: parse(c.result_fact_ids) as string[],
    tracedAt: iso(c.traced_at),
    traceStats: (parse(c.trace_stats) as Record<string, unknown> | null) ?? null,
  };
}
export type CaseView = ReturnType<typeof presentCase>;
