import { sql } from 'kysely';
import type { Database } from '../../platform/database/database.ts';

export interface HouseholdRow {
  id: string;
  grid_code: string;
  address: string;
  lat: number;
  lng: number;
  community_id: string;
  community_path: string;
}

const householdColumns = [
  'households.id',
  'households.grid_code',
  'households.address',
  'households.lat',
  'households.lng',
  'grids.community_id',
  'jurisdictions.path as community_path',
] as const;

function households(db: Database) {
  return db
    .selectFrom('households')
    .innerJoin('grids', 'grids.code', 'households.grid_code')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
    .select(householdColumns);
}

export async function findHousehold(db: Database, id: string): Promise<HouseholdRow | undefined> {
  return households(db).where('households.id', '=', id).executeTakeFirst();
}

export async function findHouseholds(db: Database, ids: string[]): Promise<HouseholdRow[]> {
  if (ids.length === 0) return [];
  return households(db).where('households.id', 'in', ids).execute();
}

export async function listHouseholdsInGrid(db: Database, gridCode: string, afterId: string | null, limit: number) {
  let q = households(db).where('households.grid_code', '=', gridCode);
  if (afterId) q = q.where('households.id', '>', afterId);
  return q
    .orderBy('households.id')
    .limit(limit + 1)
    .execute();
}

export async function insertHousehold(
  db: Database,
  row: { id: string; grid_code: string; address: string; lat: number; lng: number },
): Promise<void> {
  await db.insertInto('households').values(row).execute();
}

export async function householdExists(db: Database, id: string): Promise<boolean> {
  const r = await db
    .selectFrom('households')
    .select(sql<number>`1`.as('one'))
    .where('id', '=', id)
    .executeTakeFirst();
  return Boolean(r);
}
