import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../../platform/database/database.ts';
import type { ImportKind } from '../imports/import-report.ts';

export type ExportRow = Record<string, unknown>;

interface BaseQuery {
  count(db: Database, root: string | null): Promise<number>;
  /** Up to `limit` rows after the keyset position `after`, in a stable order. */
  page(db: Database, root: string | null, after: string | null, limit: number): Promise<ExportRow[]>;
  key(row: ExportRow): string;
}
export interface GeoJsonQuery extends BaseQuery {
  format: 'geojson';
  toFeature(row: ExportRow): { id: string; geometry: unknown; properties: Record<string, unknown> };
}
export interface CsvQuery extends BaseQuery {
  format: 'csv';
  /** Column names, in the import format of the same kind (residents: masked ID instead of the number). */
  columns: string[];
}
export type ExportQuery = GeoJsonQuery | CsvQuery;

// Every query joins the jurisdiction holding its rows as `j`; a subtree export filters on its path.
function under<D, TB extends keyof D, O>(
  q: SelectQueryBuilder<D, TB, O>,
  root: string | null,
): SelectQueryBuilder<D, TB, O> {
  if (!root) return q;
  return q.where(sql<boolean>`(j.path = ${root} or j.path like ${`${root}.%`})`);
}

const countOf = async (q: { executeTakeFirstOrThrow(): Promise<{ n: unknown }> }) =>
  Number((await q.executeTakeFirstOrThrow()).n);

const jurisdictions: GeoJsonQuery = {
  format: 'geojson',
  count: (db, root) =>
    countOf(under(db.selectFrom('jurisdictions as j'), root).select((eb) => eb.fn.countAll().as('n'))),
  page: async (db, root, after, limit) => {
    let q = under(db.selectFrom('jurisdictions as j'), root).select([
      'j.id',
      'j.parent_id',
      'j.name_zh',
      'j.name_en',
      'j.geometry',
      'j.path',
    ]);
    if (after) q = q.where('j.path', '>', after);
    // Ordered by path, parents come before their children: the file re-imports in order.
    return q.orderBy('j.path').limit(limit).execute();
  },
  key: (r) => r.path as string,
  toFeature: (r) => ({
    id: r.id as string,
    geometry: r.geometry,
    properties: { code: r.id, parentCode: r.parent_id, nameZh: r.name_zh, nameEn: r.name_en },
  }),
};

const grids: GeoJsonQuery = {
  format: 'geojson',
  count: (db, root) =>
    countOf(
      under(db.selectFrom('grids').innerJoin('jurisdictions as j', 'j.id', 'grids.community_id'), root).select((eb) =>
        eb.fn.countAll().as('n'),
      ),
    ),
  page: async (db, root, after, limit) => {
    let q = under(db.selectFrom('grids').innerJoin('jurisdictions as j', 'j.id', 'grids.community_id'), root).select([
      'grids.code',
      'grids.community_id',
      'grids.serial',
      'grids.name_zh',
      'grids.name_en',
      'grids.geometry',
    ]);
    if (after) q = q.where('grids.code', '>', after);
    return q.orderBy('grids.code').limit(limit).execute();
  },
  key: (r) => r.code as string,
  toFeature: (r) => ({
    id: r.code as string,
    geometry: r.geometry,
    properties: { communityCode: r.community_id, serial: r.serial, nameZh: r.name_zh, nameEn: r.name_en },
  }),
};

const households: CsvQuery = {
  format: 'csv',
  columns: ['id', 'address', 'lat', 'lng', 'grid_code'],
  count: (db, root) =>
    countOf(
      under(
        db
          .selectFrom('households')
          .innerJoin('grids', 'grids.code', 'households.grid_code')
          .innerJoin('jurisdictions as j', 'j.id', 'grids.community_id'),
        root,
      ).select((eb) => eb.fn.countAll().as('n')),
    ),
  page: async (db, root, after, limit) => {
    let q = under(
      db
        .selectFrom('households')
        .innerJoin('grids', 'grids.code', 'households.grid_code')
        .innerJoin('jurisdictions as j', 'j.id', 'grids.community_id'),
      root,
    ).select(['households.id', 'households.address', 'households.lat', 'households.lng', 'households.grid_code']);
    if (after) q = q.where('households.id', '>', after);
    return q.orderBy('households.id').limit(limit).execute();
  },
  key: (r) => r.id as string,
};

const residents: CsvQuery = {
  format: 'csv',
  columns: ['id', 'household_id', 'name', 'birth_date', 'phone', 'national_id_masked'],
  count: (db, root) =>
    countOf(
      under(
        db
          .selectFrom('residents')
          .innerJoin('households', 'households.id', 'residents.household_id')
          .innerJoin('grids', 'grids.code', 'households.grid_code')
          .innerJoin('jurisdictions as j', 'j.id', 'grids.community_id'),
        root,
      ).select((eb) => eb.fn.countAll().as('n')),
    ),
  page: async (db, root, after, limit) => {
    // Named columns only: the HMAC column is never selected.
    let q = under(
      db
        .selectFrom('residents')
        .innerJoin('households', 'households.id', 'residents.household_id')
        .innerJoin('grids', 'grids.code', 'households.grid_code')
        .innerJoin('jurisdictions as j', 'j.id', 'grids.community_id'),
      root,
    ).select([
      'residents.id',
      'residents.household_id',
      'residents.name',
      sql<string>`to_char(residents.birth_date, 'YYYY-MM-DD')`.as('birth_date'),
      'residents.phone',
      'residents.national_id_masked',
    ]);
    if (after) q = q.where('residents.id', '>', after);
    return q.orderBy('residents.id').limit(limit).execute();
  },
  key: (r) => r.id as string,
};

const places: CsvQuery = {
  format: 'csv',
  columns: ['id', 'kind', 'category', 'name_zh', 'name_en', 'lat', 'lng', 'grid_code'],
  count: (db, root) =>
    countOf(
      under(
        db
          .selectFrom('places')
          .innerJoin('grids', 'grids.code', 'places.grid_code')
          .innerJoin('jurisdictions as j', 'j.id', 'grids.community_id'),
        root,
      ).select((eb) => eb.fn.countAll().as('n')),
    ),
  page: async (db, root, after, limit) => {
    let q = under(
      db
        .selectFrom('places')
        .innerJoin('grids', 'grids.code', 'places.grid_code')
        .innerJoin('jurisdictions as j', 'j.id', 'grids.community_id'),
      root,
    ).select([
      'places.id',
      'places.kind',
      'places.category',
      'places.name_zh',
      'places.name_en',
      'places.lat',
      'places.lng',
      'places.grid_code',
    ]);
    if (after) q = q.where('places.id', '>', after);
    return q.orderBy('places.id').limit(limit).execute();
  },
  key: (r) => r.id as string,
};

export const exportQueries: Record<ImportKind, ExportQuery> = { jurisdictions, grids, households, residents, places };
