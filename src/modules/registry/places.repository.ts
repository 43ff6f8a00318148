import type { Database } from '../../platform/database/database.ts';

export interface PlaceRow {
  id: string;
  kind: 'venue' | 'sentinel';
  category: string;
  name_zh: string;
  name_en: string;
  lat: number;
  lng: number;
  grid_code: string;
  operator_staff_id: string | null;
  community_path: string;
}

function places(db: Database) {
  return db
    .selectFrom('places')
    .innerJoin('grids', 'grids.code', 'places.grid_code')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
    .select([
      'places.id',
      'places.kind',
      'places.category',
      'places.name_zh',
      'places.name_en',
      'places.lat',
      'places.lng',
      'places.grid_code',
      'places.operator_staff_id',
      'jurisdictions.path as community_path',
    ]);
}

export async function findPlace(db: Database, id: string): Promise<PlaceRow | undefined> {
  return places(db).where('places.id', '=', id).executeTakeFirst();
}

export async function listPlacesInGrid(db: Database, gridCode: string, afterId: string | null, limit: number) {
  let q = places(db).where('places.grid_code', '=', gridCode);
  if (afterId) q = q.where('places.id', '>', afterId);
  return q
    .orderBy('places.id')
    .limit(limit + 1)
    .execute();
}

export async function listPlacesOperatedBy(db: Database, staffId: string) {
  return places(db).where('places.operator_staff_id', '=', staffId).orderBy('places.name_en').limit(500).execute();
}

export interface NewPlace {
  id: string;
  kind: 'venue' | 'sentinel';
  category: string;
  name_zh: string;
  name_en: string;
  lat: number;
  lng: number;
  grid_code: string;
  operator_staff_id: string | null;
}

export async function insertPlaces(db: Database, rows: NewPlace[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('places').values(rows).execute();
}

export async function updatePlace(db: Database, id: string, changes: Partial<Omit<NewPlace, 'id'>>) {
  await db.updateTable('places').set(changes).where('id', '=', id).execute();
}
