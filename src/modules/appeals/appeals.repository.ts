import type { Transaction } from 'kysely';
import { inScope } from '../../core/policy/policy.ts';
import type { Database } from '../../platform/database/database.ts';
import type { DB } from '../../platform/database/schema.ts';

type Db = Database | Transaction<DB>;

export async function getAppealRow(db: Db, id: string) {
  return db.selectFrom('appeals').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Health officers whose jurisdiction covers the person, minus the people who recorded (or proposed or approved) what
 * is contested, ordered by how many open appeals they already hold.
 */
export async function eligibleReviewers(db: Db, personPath: string, excluded: ReadonlySet<string>) {
  const rows = await db
    .selectFrom('staff')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'staff.scope_jurisdiction_id')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('appeals')
          .select(['reviewer_id', (e) => e.fn.countAll<number>().as('open')])
          .where('state', '=', 'open')
          .groupBy('reviewer_id')
          .as('load'),
      (join) => join.onRef('load.reviewer_id', '=', 'staff.id'),
    )
    .select(['staff.id', 'jurisdictions.path', 'load.open'])
    .where('staff.role', '=', 'health_officer')
    .where('staff.active', '=', true)
    .execute();
  return rows
    .filter((r) => inScope(r.path, personPath) && !excluded.has(r.id))
    .map((r) => ({ id: r.id, open: Number(r.open ?? 0) }))
    .sort((a, b) => a.open - b.open || a.id.localeCompare(b.id));
}

export async function factRows(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('health_facts')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
}
