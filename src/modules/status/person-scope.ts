import type { Database } from '../../platform/database/database.ts';
import type { Transaction } from 'kysely';
import type { DB } from '../../platform/database/schema.ts';

export interface PersonScope {
  personId: string;
  householdId: string;
  gridCode: string;
  /** Jurisdiction path of the household's community, e.g. `990000.990100.990101.990101001.990101001001`. */
  path: string;
  /** The city (or top-level county) that issues this person's codes and whose rule set applies. */
  cityId: string;
}

export async function personScope(db: Database | Transaction<DB>, personId: string): Promise<PersonScope | null> {
  return (await personScopes(db, [personId])).get(personId) ?? null;
}

/** Scopes of many people in one query; people not registered are absent. */
export async function personScopes(
  db: Database | Transaction<DB>,
  personIds: string[],
): Promise<Map<string, PersonScope>> {
  const out = new Map<string, PersonScope>();
  if (personIds.length === 0) return out;
  const rows = await db
    .selectFrom('residents')
    .innerJoin('households', 'households.id', 'residents.household_id')
    .innerJoin('grids', 'grids.code', 'households.grid_code')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
    .select(['residents.id', 'residents.household_id', 'households.grid_code', 'jurisdictions.path'])
    .where('residents.id', 'in', personIds)
    .execute();
  for (const row of rows)
    out.set(row.id, {
      personId: row.id,
      householdId: row.household_id,
      gridCode: row.grid_code,
      path: row.path,
      cityId: cityOfPath(row.path),
    });
  return out;
}

/** The city-level code on a path: the second segment under a province, else the root. */
export function cityOfPath(path: string): string {
  const parts = path.split('.');
  const first = parts[0] ?? '';
  return first.endsWith('0000') && parts[1] ? parts[1] : first;
}
