import type { Transaction } from 'kysely';
import { cellOf, coverCells } from '../../core/geo/h3-cover.ts';
import { asLat, asLng } from '../../core/geo/coordinates.ts';
import { checkChildArea } from '../../core/geo/area-rules.ts';
import { gridCode } from '../../core/geo/admin-codes.ts';
import { areaM2, bboxOf, centroidOf, containsPoint, type Area } from '../../core/geo/polygons.ts';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Database } from '../../platform/database/database.ts';
import type { DB } from '../../platform/database/schema.ts';
import { decodeCursor, paginate } from '../../platform/http/pagination.ts';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findJurisdiction } from '../jurisdictions/jurisdictions.repository.ts';
import { parseJson } from '../jurisdictions/jurisdictions.presenter.ts';
import { candidateGridsForCell, findGrid, gridGeometries, listGridsUnder, workersOf } from './grids.repository.ts';
import { gridFeature, presentGrid } from './grids.presenter.ts';

// Grid polygons change rarely; the locate path keeps parsed polygons in memory per database.
const geometryCache = new WeakMap<Database, Map<string, Area>>();
const CACHE_LIMIT = 50_000;

function cacheFor(db: Database) {
  let c = geometryCache.get(db);
  if (!c) {
    c = new Map();
    geometryCache.set(db, c);
  }
  return c;
}

export function invalidateGridCache(db: Database) {
  geometryCache.delete(db);
}

/** Which unit grid contains this point? One index probe on the H3 cover, then an exact polygon test. */
export async function locateGridCode(db: Database, lat: number, lng: number): Promise<string | null> {
  const cell = cellOf(asLat(lat), asLng(lng));
  const candidates = (await candidateGridsForCell(db, cell)).map((c) => c.grid_code);
  if (candidates.length === 0) return null;
  const cache = cacheFor(db);
  const missing = candidates.filter((c) => !cache.has(c));
  if (missing.length) {
    if (cache.size > CACHE_LIMIT) cache.clear();
    for (const g of await gridGeometries(db, missing)) cache.set(g.code, parseJson(g.geometry) as Area);
  }
  for (const code of candidates.sort()) {
    const geom = cache.get(code);
    if (geom && containsPoint(geom, lat, lng)) return code;
  }
  return null;
}

export async function locateGrid(ctx: AppContext, lat: number, lng: number) {
  const code = await locateGridCode(ctx.db, lat, lng);
  if (!code) throw notFound(`No unit grid contains the point (${lat}, ${lng}).`);
  return getGrid(ctx, code);
}

export async function getGrid(ctx: AppContext, code: string) {
  const row = await findGrid(ctx.db, code);
  if (!row) throw notFound(`No unit grid with code ${code}`);
  const workers = (await workersOf(ctx.db, [code])).map((w) => ({ id: w.id, displayName: w.display_name }));
  return gridFeature(row, workers);
}

export async function listGrids(
  ctx: AppContext,
  jurisdictionId: string,
  opts: { cursor?: string | undefined; limit: number; geometry: boolean },
) {
  const j = await findJurisdiction(ctx.db, jurisdictionId);
  if (!j) throw notFound(`No jurisdiction with code ${jurisdictionId}`);
  const after = decodeCursor(opts.cursor)?.[0];
  const rows = await listGridsUnder(ctx.db, j.path, {
    afterCode: typeof after === 'string' ? after : null,
    limit: opts.limit,
    withGeometry: opts.geometry,
  });
  const page = paginate(rows, opts.limit, (r) => [r.code]);
  return {
    type: 'FeatureCollection' as const,
    features: page.items.map((r) => (opts.geometry ? gridFeature(r) : { ...gridFeature(r), geometry: null })),
    nextCursor: page.nextCursor,
  };
}

export interface GridInput {
  communityId: string;
  serial?: number | undefined;
  nameZh?: string | undefined;
  nameEn?: string | undefined;
  geometry: unknown;
}

/** Validates a grid against its community and sibling grids; returns a field problem or null. */
export async function validateGrid(
  db: Transaction<DB> | Database,
  input: GridInput,
  pending: Array<{ id: string; geometry: Area }> = [],
): Promise<{ field: string; message: string } | null> {
  const community = await db
    .selectFrom('jurisdictions')
    .select(['id', 'level', 'geometry'])
    .where('id', '=', input.communityId)
    .executeTakeFirst();
  if (!community) return { field: 'communityId', message: `community ${input.communityId} does not exist` };
  if (community.level !== 'community')
    return { field: 'communityId', message: `${input.communityId} is a ${community.level}, not a community` };
  if (input.serial !== undefined) {
    const code = gridCode(input.communityId, input.serial);
    const dup = await db.selectFrom('grids').select('code').where('code', '=', code).executeTakeFirst();
    if (dup || pending.some((p) => p.id === code)) return { field: 'serial', message: `grid ${code} already exists` };
  }
  const siblings = (
    await db.selectFrom('grids').select(['code', 'geometry']).where('community_id', '=', input.communityId).execute()
  ).map((s) => ({ id: s.code, geometry: parseJson(s.geometry) as Area }));
  const cg = parseJson(community.geometry) as Area | null;
  const problem = checkChildArea(
    {
      id: input.serial ? gridCode(input.communityId, input.serial) : `new grid in ${input.communityId}`,
      geometry: input.geometry,
    },
    cg ? { id: community.id, geometry: cg } : null,
    [...siblings, ...pending],
  );
  return problem ? { field: 'geometry', message: problem } : null;
}

export async function insertGrid(trx: Transaction<DB>, code: string, input: GridInput): Promise<void> {
  const g = input.geometry as Area;
  const c = centroidOf(g);
  const serial = Number(code.slice(12));
  await trx
    .insertInto('grids')
    .values({
      code,
      community_id: input.communityId,
      serial,
      name_zh: input.nameZh ?? `第${serial}网格`,
      name_en: input.nameEn ?? `Grid ${serial}`,
      geometry: JSON.stringify(g),
      area_m2: areaM2(g),
      centroid_lat: c.lat,
      centroid_lng: c.lng,
      bbox: bboxOf(g),
    })
    .execute();
  const cells = coverCells(g);
  for (let i = 0; i < cells.length; i += 5000) {
    await trx
      .insertInto('grid_cells')
      .values(cells.slice(i, i + 5000).map((cell) => ({ cell, grid_code: code })))
      .execute();
  }
}

export async function nextSerial(db: Transaction<DB> | Database, communityId: string): Promise<number> {
  const r = await db
    .selectFrom('grids')
    .select((eb) => eb.fn.max('serial').as('m'))
    .where('community_id', '=', communityId)
    .executeTakeFirst();
  return Number(r?.m ?? 0) + 1;
}

export async function createGrid(ctx: AppContext, principal: Principal, input: GridInput) {
  const community = await findJurisdiction(ctx.db, input.communityId);
  if (!community) throw unprocessable(`body.communityId: community ${input.communityId} does not exist`);
  const decision = authorize(principal, 'grid.write', { jurisdictionPath: community.path });
  if (!decision.allow) throw forbidden(decision.reason);
  const now = ctx.clock.now();
  const code = await ctx.db.transaction().execute(async (trx) => {
    const problem = await validateGrid(trx, input);
    if (problem) {
      const msg = `body.${problem.field}: ${problem.message}`;
      if (problem.message.includes('already exists')) throw conflict(msg, { errors: [problem] });
      throw unprocessable(msg, { errors: [problem] });
    }
    const serial = input.serial ?? (await nextSerial(trx, input.communityId));
    if (serial > 999) throw unprocessable(`community ${input.communityId} already has 999 grids`);
    const code = gridCode(input.communityId, serial);
    await insertGrid(trx, code, input);
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: 'grid.create',
      subjectKind: 'grid',
      subjectId: code,
    });
    return code;
  });
  invalidateGridCache(ctx.db);
  return getGrid(ctx, code);
}

export async function assignWorkers(ctx: AppContext, principal: Principal, code: string, staffIds: string[]) {
  const grid = await findGrid(ctx.db, code);
  if (!grid) throw notFound(`No unit grid with code ${code}`);
  const decision = authorize(principal, 'grid.assign_workers', { jurisdictionPath: grid.community_path });
  if (!decision.allow) throw forbidden(decision.reason);
  const unique = [...new Set(staffIds)];
  const staff = unique.length
    ? await ctx.db.selectFrom('staff').select(['id', 'role', 'active']).where('id', 'in', unique).execute()
    : [];
  for (const id of unique) {
    const s = staff.find((x) => x.id === id);
    if (!s) throw unprocessable(`body.staffIds: no staff member ${id}`);
    if (s.role !== 'grid_worker')
      throw unprocessable(`body.staffIds: staff member ${id} is a ${s.role}, not a grid_worker`);
    if (!s.active) throw unprocessable(`body.staffIds: staff member ${id} is deactivated`);
  }
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('grid_workers').where('grid_code', '=', code).execute();
    if (unique.length)
      await trx
        .insertInto('grid_workers')
        .values(unique.map((staff_id) => ({ grid_code: code, staff_id })))
        .execute();
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: 'grid.assign_workers',
      subjectKind: 'grid',
      subjectId: code,
      detail: { staffIds: unique },
    });
  });
  return getGrid(ctx, code);
}

export function requireCoordinates(lat: number, lng: number) {
  if (lat < -90 || lat > 90) throw badRequest(`query.lat: ${lat} is outside -90..90`);
  if (lng < -180 || lng > 180) throw badRequest(`query.lng: ${lng} is outside -180..180`);
}

export { presentGrid };
