import type { Transaction } from 'kysely';
import { checkNesting, levelOfCode, type JurisdictionLevel } from '../../core/geo/admin-codes.ts';
import { checkChildArea, type NamedArea } from '../../core/geo/area-rules.ts';
import { areaM2, bboxOf, type Area } from '../../core/geo/polygons.ts';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import { decodeCursor, paginate } from '../../platform/http/pagination.ts';
import { conflict, forbidden, notFound, unprocessable } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import {
  ancestorsOf,
  childCounts,
  findJurisdiction,
  gridCounts,
  listChildren,
  listRoots,
  listSubtree,
  siblingsWithGeometry,
} from './jurisdictions.repository.ts';
import { jurisdictionFeature, parseJson, presentJurisdiction } from './jurisdictions.presenter.ts';

export interface JurisdictionInput {
  id: string;
  parentId: string | null;
  nameZh: string;
  nameEn: string;
  geometry: unknown;
}

export async function getJurisdiction(ctx: AppContext, id: string) {
  const row = await findJurisdiction(ctx.db, id, true);
  if (!row) throw notFound(`No jurisdiction with code ${id}`);
  const [children, grids, ancestors] = await Promise.all([
    childCounts(ctx.db, [id]),
    gridCounts(ctx.db, [id]),
    ancestorsOf(ctx.db, row.path),
  ]);
  return {
    ...jurisdictionFeature(row),
    properties: {
      ...presentJurisdiction(row, { children: children.get(id) ?? 0, grids: grids.get(id) ?? 0 }),
      breadcrumb: ancestors.map((a) => ({ id: a.id, level: a.level, name: { 'zh-CN': a.name_zh, en: a.name_en } })),
    },
  };
}

export async function getRoots(ctx: AppContext) {
  const rows = await listRoots(ctx.db);
  const counts = await childCounts(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => presentJurisdiction(r, { children: counts.get(r.id) ?? 0 }));
}

export async function getChildren(
  ctx: AppContext,
  parentId: string,
  opts: { cursor?: string | undefined; limit: number; geometry: boolean },
) {
  const parent = await findJurisdiction(ctx.db, parentId);
  if (!parent) throw notFound(`No jurisdiction with code ${parentId}`);
  const after = decodeCursor(opts.cursor)?.[0];
  const rows = await listChildren(ctx.db, parentId, {
    afterId: typeof after === 'string' ? after : null,
    limit: opts.limit,
    withGeometry: opts.geometry,
  });
  const page = paginate(rows, opts.limit, (r) => [r.id]);
  const ids = page.items.map((r) => r.id);
  const [kids, grids] = await Promise.all([childCounts(ctx.db, ids), gridCounts(ctx.db, ids)]);
  return {
    type: 'FeatureCollection' as const,
    features: page.items.map((r) => ({
      type: 'Feature' as const,
      id: r.id,
      geometry: opts.geometry ? parseJson((r as { geometry?: unknown }).geometry) : null,
      properties: presentJurisdiction(r, { children: kids.get(r.id) ?? 0, grids: grids.get(r.id) ?? 0 }),
    })),
    nextCursor: page.nextCursor,
  };
}

interface TreeNode extends ReturnType<typeof presentJurisdiction> {
  children: TreeNode[];
}

export async function getTree(ctx: AppContext, rootId: string | undefined, depth: number) {
  const roots = rootId ? [await findJurisdiction(ctx.db, rootId)] : await listRoots(ctx.db);
  if (rootId && !roots[0]) throw notFound(`No jurisdiction with code ${rootId}`);
  const out: TreeNode[] = [];
  for (const root of roots) {
    if (!root) continue;
    const rows = await listSubtree(ctx.db, root.path, root.depth + depth);
    const byId = new Map<string, TreeNode>();
    for (const r of rows) {
      const node: TreeNode = { ...presentJurisdiction(r), children: [] };
      byId.set(r.id, node);
      if (r.id === root.id) out.push(node);
      else byId.get(r.parent_id ?? '')?.children.push(node);
    }
  }
  return out;
}

/** Validates a new jurisdiction against its parent and siblings; returns problems as {field, message}. */
export async function validateJurisdiction(
  db: Transaction<DB> | AppContext['db'],
  input: JurisdictionInput,
  pendingSiblings: NamedArea[] = [],
): Promise<{ field: string; message: string } | null> {
  const level = levelOfCode(input.id);
  if (!level) return { field: 'id', message: `"${input.id}" is not a 6-, 9- or 12-digit administrative code` };
  const nesting = checkNesting(input.parentId, input.id);
  if (nesting) return { field: 'parentId', message: nesting };
  const existing = await db.selectFrom('jurisdictions').select('id').where('id', '=', input.id).executeTakeFirst();
  if (existing) return { field: 'id', message: `jurisdiction ${input.id} already exists` };
  let parent: NamedArea | null = null;
  if (input.parentId) {
    const p = await db
      .selectFrom('jurisdictions')
      .select(['id', 'geometry'])
      .where('id', '=', input.parentId)
      .executeTakeFirst();
    if (!p) return { field: 'parentId', message: `parent ${input.parentId} does not exist` };
    const pg = parseJson(p.geometry) as Area | null;
    parent = pg ? { id: p.id, geometry: pg } : null;
  }
  const siblings = (await siblingsWithGeometry(db as AppContext['db'], input.parentId))
    .filter((s) => s.geometry)
    .map((s) => ({ id: s.id, geometry: parseJson(s.geometry) as Area }));
  const problem = checkChildArea({ id: input.id, geometry: input.geometry }, parent, [...siblings, ...pendingSiblings]);
  return problem ? { field: 'geometry', message: problem } : null;
}

export async function insertJurisdiction(trx: Transaction<DB>, input: JurisdictionInput): Promise<void> {
  const level = levelOfCode(input.id) as JurisdictionLevel;
  let path = input.id;
  let depth = 0;
  if (input.parentId) {
    const p = await trx
      .selectFrom('jurisdictions')
      .select(['path', 'depth'])
      .where('id', '=', input.parentId)
      .executeTakeFirstOrThrow();
    path = `${p.path}.${input.id}`;
    depth = p.depth + 1;
  }
  const g = input.geometry as Area | null;
  await trx
    .insertInto('jurisdictions')
    .values({
      id: input.id,
      parent_id: input.parentId,
      level,
      name_zh: input.nameZh,
      name_en: input.nameEn,
      path,
      depth,
      geometry: g ? JSON.stringify(g) : null,
      area_m2: g ? areaM2(g) : null,
      bbox: g ? bboxOf(g) : null,
    })
    .execute();
}

export async function createJurisdiction(ctx: AppContext, principal: Principal, input: JurisdictionInput) {
  const parent = input.parentId ? await findJurisdiction(ctx.db, input.parentId) : null;
  if (input.parentId && !parent) throw unprocessable(`body.parentId: parent ${input.parentId} does not exist`);
  const decision = authorize(principal, 'jurisdiction.write', {
    jurisdictionPath: parent ? `${parent.path}.${input.id}` : input.id,
  });
  if (!decision.allow) throw forbidden(decision.reason);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const problem = await validateJurisdiction(trx, input);
    if (problem) {
      const msg = `body.${problem.field}: ${problem.message}`;
      if (problem.message.includes('already exists')) throw conflict(msg, { errors: [problem] });
      throw unprocessable(msg, { errors: [problem] });
    }
    await insertJurisdiction(trx, input);
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: 'jurisdiction.create',
      subjectKind: 'jurisdiction',
      subjectId: input.id,
    });
  });
  return getJurisdiction(ctx, input.id);
}
