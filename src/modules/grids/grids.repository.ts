import type { Database } from '../../platform/database/database.ts';

export const gridSummaryColumns = [
  'grids.code',
  'grids.community_id',
  'grids.serial',
  'grids.name_zh',
  'grids.name_en',
  'grids.area_m2',
  'grids.centroid_lat',
  'grids.centroid_lng',
  'grids.bbox',
] as const;

export async function findGrid(db: Database, code: string) {
  return db
    .selectFrom('grids')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
    .select([...gridSummaryColumns, 'grids.geometry', 'jurisdictions.path as community_path'])
    .where('grids.code', '=', code)
    .executeTakeFirst();
}

export async function candidateGridsForCell(db: Database, cell: string) {
  return db.selectFrom('grid_cells').select('grid_code').where('cell', '=', cell).execute();
}

export async function gridGeometries(db: Database, codes: string[]) {
  if (codes.length === 0) return [];
  return db.selectFrom('grids').select(['code', 'geometry']).where('code', 'in', codes).execute();
}

export async function workersOf(db: Database, codes: string[]) {
  if (codes.length === 0) return [];
  return db
    .selectFrom('grid_workers')
    .innerJoin('staff', 'staff.id', 'grid_workers.staff_id')
    .select(['grid_workers.grid_code', 'staff.id', 'staff.display_name', 'staff.username'])
    .where('grid_workers.grid_code', 'in', codes)
    .orderBy('staff.username')
    .execute();
}

/** Grids whose community lies in the subtree at `path`, by code. */
export async function listGridsUnder(
  db: Database,
  path: string,
  opts: { afterCode?: string | null; limit: number; withGeometry: boolean },
) {
  let q = db
    .selectFrom('grids')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
    .select(gridSummaryColumns)
    .where((eb) => eb.or([eb('jurisdictions.path', '=', path), eb('jurisdictions.path', 'like', `${path}.%`)]));
  if (opts.withGeometry) q = q.select('grids.geometry');
  if (opts.afterCode) q = q.where('grids.code', '>', opts.afterCode);
  return q
    .orderBy('grids.code')
    .limit(opts.limit + 1)
    .execute();
}
