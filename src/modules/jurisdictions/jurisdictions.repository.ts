import { sql } from 'kysely';
import type { Database } from '../../platform/database/database.ts';

const summaryColumns = ['id', 'parent_id', 'level', 'name_zh', 'name_en', 'path', 'depth', 'area_m2', 'bbox'] as const;

export async function findJurisdiction(db: Database, id: string, withGeometry = false) {
  const q = db.selectFrom('jurisdictions').select(summaryColumns).where('id', '=', id);
  return withGeometry ? q.select('geometry').executeTakeFirst() : q.executeTakeFirst();
}

export async function listRoots(db: Database) {
  return db.selectFrom('jurisdictions').select(summaryColumns).where('parent_id', 'is', null).orderBy('id').execute();
}

export async function listChildren(
  db: Database,
  parentId: string,
  opts: { afterId?: string | null; limit: number; withGeometry: boolean },
) {
  let q = db.selectFrom('jurisdictions').select(summaryColumns).where('parent_id', '=', parentId);
  if (opts.withGeometry) q = q.select('geometry');
  if (opts.afterId) q = q.where('id', '>', opts.afterId);
  return q
    .orderBy('id')
    .limit(opts.limit + 1)
    .execute();
}

export async function childCounts(db: Database, parentIds: string[]) {
  if (parentIds.length === 0) return new Map<string, number>();
  const rows = await db
    .selectFrom('jurisdictions')
    .select(['parent_id', sql<number>`count(*)::int`.as('n')])
    .where('parent_id', 'in', parentIds)
    .groupBy('parent_id')
    .execute();
  return new Map(rows.map((r) => [r.parent_id as string, Number(r.n)]));
}

/** Unit grids in each jurisdiction's whole subtree (a district counts the grids of all its communities). */
export async function gridCounts(db: Database, ids: string[]) {
  if (ids.length === 0) return new Map<string, number>();
  const { rows } = await sql<{ id: string; n: number }>`
    select a.id, count(g.code)::int as n
    from jurisdictions a
    join jurisdictions c on c.path = a.path or c.path like a.path || '.%'
    join grids g on g.community_id = c.id
    where a.id in (${sql.join(ids)})
    group by a.id`.execute(db);
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

/** All jurisdictions of a subtree, ordered by path (parents before children). */
export async function listSubtree(db: Database, rootPath: string, maxDepth?: number) {
  let q = db
    .selectFrom('jurisdictions')
    .select(summaryColumns)
    .where((eb) => eb.or([eb('path', '=', rootPath), eb('path', 'like', `${rootPath}.%`)]));
  if (maxDepth !== undefined) q = q.where('depth', '<=', maxDepth);
  return q.orderBy('path').execute();
}

export async function ancestorsOf(db: Database, path: string) {
  const ids = path.split('.');
  return db
    .selectFrom('jurisdictions')
    .select(['id', 'level', 'name_zh', 'name_en'])
    .where('id', 'in', ids)
    .orderBy('depth')
    .execute();
}

export async function siblingsWithGeometry(db: Database, parentId: string | null) {
  const q = db.selectFrom('jurisdictions').select(['id', 'geometry', 'bbox']);
  return (parentId === null ? q.where('parent_id', 'is', null) : q.where('parent_id', '=', parentId)).execute();
}
