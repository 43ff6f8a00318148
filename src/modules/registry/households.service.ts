import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Principal } from '../../core/policy/roles.ts';
import type { AccessPurpose } from '../../core/policy/purposes.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import { decodeCursor, paginate } from '../../platform/http/pagination.ts';
import { notFound, unprocessable } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findGrid } from '../grids/grids.repository.ts';
import { locateGridCode } from '../grids/grids.service.ts';
import { auditPersonReads, requireAllowed, requirePurpose } from './registry.access.ts';
import { presentHousehold } from './registry.presenter.ts';
import { findHousehold, insertHousehold, listHouseholdsInGrid, type HouseholdRow } from './households.repository.ts';
import { membersOf, type ResidentRow } from './residents.repository.ts';

/** Audits a read of households: one entry per member, or one for the household when it has none. */
async function auditHouseholdReads(
  trx: Transaction<DB>,
  at: Date,
  principal: Principal,
  purpose: AccessPurpose | null,
  households: HouseholdRow[],
  members: ResidentRow[],
) {
  type Read = { action: string; subjectKind: string; subjectId: string; personId: string | null };
  const reads = households.flatMap((h): Read[] => {
    const own = members.filter((m) => m.household_id === h.id);
    if (own.length === 0)
      return [{ action: 'household.read', subjectKind: 'household', subjectId: h.id, personId: null }];
    return own.map((m) => ({ action: 'resident.read', subjectKind: 'resident', subjectId: m.id, personId: m.id }));
  });
  await auditPersonReads(trx, at, principal, purpose, reads, { via: 'household' });
}

export async function getHousehold(ctx: AppContext, principal: Principal, id: string, purpose: unknown) {
  const stated = requirePurpose(principal, 'household.read', purpose);
  const h = await findHousehold(ctx.db, id);
  if (!h) throw notFound(`No household ${id}`);
  await requireAllowed(
    ctx,
    principal,
    'household.read',
    { jurisdictionPath: h.community_path, householdId: h.id },
    { kind: 'household', id: h.id },
  );
  return ctx.db.transaction().execute(async (trx) => {
    const members = await membersOf(trx, [h.id]);
    await auditHouseholdReads(trx, ctx.clock.now(), principal, stated, [h], members);
    return presentHousehold(h, members);
  });
}

export async function listGridHouseholds(
  ctx: AppContext,
  principal: Principal,
  gridCode: string,
  opts: { cursor?: string | undefined; limit: number; purpose?: unknown },
) {
  const stated = requirePurpose(principal, 'household.read', opts.purpose);
  const grid = await findGrid(ctx.db, gridCode);
  if (!grid) throw notFound(`No unit grid with code ${gridCode}`);
  await requireAllowed(
    ctx,
    principal,
    'household.read',
    { jurisdictionPath: grid.community_path },
    { kind: 'grid', id: gridCode },
  );
  const after = decodeCursor(opts.cursor)?.[0];
  return ctx.db.transaction().execute(async (trx) => {
    const rows = await listHouseholdsInGrid(trx, gridCode, typeof after === 'string' ? after : null, opts.limit);
    const page = paginate(rows, opts.limit, (r) => [r.id]);
    const members = await membersOf(
      trx,
      page.items.map((h) => h.id),
    );
    await auditHouseholdReads(trx, ctx.clock.now(), principal, stated, page.items, members);
    return {
      items: page.items.map((h) =>
        presentHousehold(
          h,
          members.filter((m) => m.household_id === h.id),
        ),
      ),
      nextCursor: page.nextCursor,
    };
  });
}

export interface HouseholdInput {
  address: string;
  lat: number;
  lng: number;
}

export async function createHousehold(ctx: AppContext, principal: Principal, input: HouseholdInput) {
  const gridCode = await locateGridCode(ctx.db, input.lat, input.lng);
  if (!gridCode)
    throw unprocessable(`body.lat/lng: the point (${input.lat}, ${input.lng}) lies outside every unit grid`, {
      errors: [{ field: 'body.lat', message: `the point (${input.lat}, ${input.lng}) lies outside every unit grid` }],
    });
  const grid = await findGrid(ctx.db, gridCode);
  if (!grid) throw notFound(`No unit grid with code ${gridCode}`);
  await requireAllowed(ctx, principal, 'household.write', { jurisdictionPath: grid.community_path });
  const id = randomUUID();
  await ctx.db.transaction().execute(async (trx) => {
    await insertHousehold(trx, { id, grid_code: gridCode, address: input.address, lat: input.lat, lng: input.lng });
    await appendAudit(trx, ctx.clock.now(), {
      actor: actorOf(principal),
      action: 'household.create',
      subjectKind: 'household',
      subjectId: id,
      detail: { gridCode },
    });
  });
  const h = await findHousehold(ctx.db, id);
  if (!h) throw notFound(`No household ${id}`);
  return presentHousehold(h, []);
}
