import { randomUUID } from 'node:crypto';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { PlaceCategory, PlaceKind } from '../../core/registry/place-categories.ts';
import type { AppContext } from '../../platform/context.ts';
import { decodeCursor, paginate } from '../../platform/http/pagination.ts';
import { badRequest, forbidden, notFound, unprocessable } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findGrid } from '../grids/grids.repository.ts';
import { locateGridCode } from '../grids/grids.service.ts';
import { requireAllowed } from './registry.access.ts';
import { presentPlace } from './registry.presenter.ts';
import {
  findPlace,
  insertPlaces,
  listPlacesInGrid,
  listPlacesOperatedBy,
  updatePlace as updatePlaceRow,
  type NewPlace,
} from './places.repository.ts';

const isStaff = (p: Principal) => p.kind === 'staff';

export async function getPlace(ctx: AppContext, principal: Principal, id: string) {
  const p = await findPlace(ctx.db, id);
  if (!p) throw notFound(`No place ${id}`);
  return presentPlace(p, isStaff(principal));
}

export async function listGridPlaces(
  ctx: AppContext,
  principal: Principal,
  gridCode: string,
  opts: { cursor?: string | undefined; limit: number },
) {
  const grid = await findGrid(ctx.db, gridCode);
  if (!grid) throw notFound(`No unit grid with code ${gridCode}`);
  const after = decodeCursor(opts.cursor)?.[0];
  const rows = await listPlacesInGrid(ctx.db, gridCode, typeof after === 'string' ? after : null, opts.limit);
  const page = paginate(rows, opts.limit, (r) => [r.id]);
  return { items: page.items.map((p) => presentPlace(p, isStaff(principal))), nextCursor: page.nextCursor };
}

/** The places a staff member operates (a venue operator's own venues); other staff operate none. */
export async function listOperatedPlaces(ctx: AppContext, principal: Principal) {
  if (principal.kind !== 'staff') throw forbidden('Only staff members operate places.');
  const rows = await listPlacesOperatedBy(ctx.db, principal.id);
  return { items: rows.map((p) => presentPlace(p, true)) };
}

/** The grid containing the point and its community path, or a 422 naming the point. */
async function gridAt(ctx: AppContext, lat: number, lng: number) {
  const code = await locateGridCode(ctx.db, lat, lng);
  const grid = code ? await findGrid(ctx.db, code) : undefined;
  if (!grid) {
    const message = `the point (${lat}, ${lng}) lies outside every unit grid`;
    throw unprocessable(`body.lat/lng: ${message}`, { errors: [{ field: 'body.lat', message }] });
  }
  return grid;
}

async function requireOperator(ctx: AppContext, operatorId: string) {
  const s = await ctx.db
    .selectFrom('staff')
    .select(['id', 'role', 'active'])
    .where('id', '=', operatorId)
    .executeTakeFirst();
  const message = !s
    ? `no staff member ${operatorId}`
    : s.role !== 'venue_operator'
      ? `staff member ${operatorId} is a ${s.role}, not a venue_operator`
      : !s.active
        ? `staff member ${operatorId} is deactivated`
        : null;
  if (message) throw unprocessable(`body.operatorId: ${message}`, { errors: [{ field: 'body.operatorId', message }] });
}

export interface PlaceInput {
  kind: PlaceKind;
  category: PlaceCategory;
  nameZh: string;
  nameEn: string;
  lat: number;
  lng: number;
  operatorId?: string | null | undefined;
}

export async function createPlace(ctx: AppContext, principal: Principal, input: PlaceInput) {
  const grid = await gridAt(ctx, input.lat, input.lng);
  // No operatorId in the target: registering a new place is an officer's act, not a venue operator's.
  await requireAllowed(ctx, principal, 'place.write', { jurisdictionPath: grid.community_path });
  if (input.operatorId) await requireOperator(ctx, input.operatorId);
  const row: NewPlace = {
    id: randomUUID(),
    kind: input.kind,
    category: input.category,
    name_zh: input.nameZh,
    name_en: input.nameEn,
    lat: input.lat,
    lng: input.lng,
    grid_code: grid.code,
    operator_staff_id: input.operatorId ?? null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await insertPlaces(trx, [row]);
    await appendAudit(trx, ctx.clock.now(), {
      actor: actorOf(principal),
      action: 'place.create',
      subjectKind: 'place',
      subjectId: row.id,
      detail: { gridCode: grid.code, kind: row.kind, category: row.category },
    });
  });
  return getPlace(ctx, principal, row.id);
}

export type PlacePatch = Partial<PlaceInput>;

export async function updatePlace(ctx: AppContext, principal: Principal, id: string, patch: PlacePatch) {
  const fields = Object.keys(patch).filter((k) => patch[k as keyof PlacePatch] !== undefined);
  if (fields.length === 0) throw badRequest('body: nothing to change');
  if ((patch.lat === undefined) !== (patch.lng === undefined))
    throw badRequest('body: lat and lng change together', {
      errors: [{ field: patch.lat === undefined ? 'body.lat' : 'body.lng', message: 'lat and lng change together' }],
    });
  const place = await findPlace(ctx.db, id);
  if (!place) throw notFound(`No place ${id}`);
  await requireAllowed(ctx, principal, 'place.write', {
    jurisdictionPath: place.community_path,
    operatorId: place.operator_staff_id,
  });
  // An operator may describe and move their own place, but only officers decide who operates it.
  const asOfficer = authorize(principal, 'place.write', { jurisdictionPath: place.community_path }).allow;
  if (!asOfficer && patch.operatorId !== undefined)
    throw forbidden('only community, subdistrict or district officers and admins may change who operates a place');
  const changes: Partial<Omit<NewPlace, 'id'>> = {};
  if (patch.lat !== undefined && patch.lng !== undefined) {
    const grid = await gridAt(ctx, patch.lat, patch.lng);
    if (grid.code !== place.grid_code && asOfficer)
      await requireAllowed(ctx, principal, 'place.write', { jurisdictionPath: grid.community_path });
    Object.assign(changes, { lat: patch.lat, lng: patch.lng, grid_code: grid.code });
  }
  if (patch.operatorId) await requireOperator(ctx, patch.operatorId);
  if (patch.operatorId !== undefined) changes.operator_staff_id = patch.operatorId;
  if (patch.kind !== undefined) changes.kind = patch.kind;
  if (patch.category !== undefined) changes.category = patch.category;
  if (patch.nameZh !== undefined) changes.name_zh = patch.nameZh;
  if (patch.nameEn !== undefined) changes.name_en = patch.nameEn;
  await ctx.db.transaction().execute(async (trx) => {
    await updatePlaceRow(trx, id, changes);
    await appendAudit(trx, ctx.clock.now(), {
      actor: actorOf(principal),
      action: 'place.update',
      subjectKind: 'place',
      subjectId: id,
      detail: { fields, ...(changes.grid_code ? { gridCode: changes.grid_code } : {}) },
    });
  });
  return getPlace(ctx, principal, id);
}
