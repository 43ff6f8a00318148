import { randomUUID } from 'node:crypto';
import { inScope } from '../../core/policy/policy.ts';
import type { Principal, StaffRole } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { decodeCursor, paginate } from '../../platform/http/pagination.ts';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { hashPassword } from '../auth/passwords.ts';
import { findJurisdiction } from '../jurisdictions/jurisdictions.repository.ts';
import { requireAllowed } from './registry.access.ts';
import { presentStaff } from './registry.presenter.ts';
import { isUniqueViolation } from './resident-fields.ts';
import {
  endSessionsOf,
  findStaff,
  gridAssignmentsOf,
  insertStaff,
  listStaffUnder,
  removeGridAssignments,
  updateStaff as updateStaffRow,
  usernameTaken,
} from './staff.repository.ts';

async function scopeOf(ctx: AppContext, jurisdictionId: string, field: string) {
  const j = await findJurisdiction(ctx.db, jurisdictionId);
  if (!j) {
    const message = `jurisdiction ${jurisdictionId} does not exist`;
    throw unprocessable(`${field}: ${message}`, { errors: [{ field, message }] });
  }
  return j;
}

export async function listStaff(
  ctx: AppContext,
  principal: Principal,
  opts: {
    cursor?: string | undefined;
    limit: number;
    jurisdiction?: string | undefined;
    role?: StaffRole | undefined;
    active?: boolean | undefined;
  },
) {
  if (principal.kind !== 'staff') throw forbidden('This endpoint is for staff accounts.');
  const root = opts.jurisdiction
    ? (await scopeOf(ctx, opts.jurisdiction, 'query.jurisdiction')).path
    : principal.scopePath;
  await requireAllowed(ctx, principal, 'staff.read', { jurisdictionPath: root });
  const after = decodeCursor(opts.cursor)?.[0];
  const rows = await listStaffUnder(ctx.db, root, {
    afterUsername: typeof after === 'string' ? after : null,
    limit: opts.limit,
    role: opts.role,
    active: opts.active,
  });
  const page = paginate(rows, opts.limit, (r) => [r.username]);
  return { items: page.items.map(presentStaff), nextCursor: page.nextCursor };
}

export interface StaffInput {
  username: string;
  displayName: string;
  role: StaffRole;
  scopeJurisdictionId: string;
  password: string;
}

export async function createStaff(ctx: AppContext, principal: Principal, input: StaffInput) {
  const scope = await scopeOf(ctx, input.scopeJurisdictionId, 'body.scopeJurisdictionId');
  await requireAllowed(ctx, principal, 'staff.write', { jurisdictionPath: scope.path });
  if (await usernameTaken(ctx.db, input.username)) throw conflict(`body.username: ${input.username} is already taken`);
  const passwordHash = await hashPassword(input.password);
  const id = randomUUID();
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertStaff(trx, {
        id,
        username: input.username,
        display_name: input.displayName,
        role: input.role,
        scope_jurisdiction_id: scope.id,
        password_hash: passwordHash,
      });
      await appendAudit(trx, ctx.clock.now(), {
        actor: actorOf(principal),
        action: 'staff.create',
        subjectKind: 'staff',
        subjectId: id,
        detail: { username: input.username, role: input.role, scope: scope.id },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`body.username: ${input.username} is already taken`);
    throw err;
  }
  return presentStaff((await findStaff(ctx.db, id))!);
}

export interface StaffPatch {
  displayName?: string | undefined;
  role?: StaffRole | undefined;
  scopeJurisdictionId?: string | undefined;
  active?: boolean | undefined;
}

export async function updateStaff(ctx: AppContext, principal: Principal, id: string, patch: StaffPatch) {
  const fields = Object.keys(patch).filter((k) => patch[k as keyof StaffPatch] !== undefined);
  if (fields.length === 0) throw badRequest('body: nothing to change');
  const target = await findStaff(ctx.db, id);
  if (!target) throw notFound(`No staff member ${id}`);
  await requireAllowed(ctx, principal, 'staff.write', { jurisdictionPath: target.scope_path });
  const newScope =
    patch.scopeJurisdictionId !== undefined && patch.scopeJurisdictionId !== target.scope_jurisdiction_id
      ? await scopeOf(ctx, patch.scopeJurisdictionId, 'body.scopeJurisdictionId')
      : null;
  if (newScope) await requireAllowed(ctx, principal, 'staff.write', { jurisdictionPath: newScope.path });
  // Nobody widens, narrows or switches off their own account: that takes a second administrator.
  if (principal.kind === 'staff' && principal.id === id && fields.some((f) => f !== 'displayName'))
    throw forbidden('you cannot change your own role, scope or active state; ask another administrator');

  const changes: { display_name?: string; role?: string; scope_jurisdiction_id?: string; active?: boolean } = {};
  const diff: Record<string, { from: unknown; to: unknown }> = {};
  const set = <K extends keyof typeof changes>(
    key: K,
    from: (typeof changes)[K],
    to: (typeof changes)[K] | undefined,
  ) => {
    if (to === undefined || to === from) return;
    changes[key] = to;
    diff[key] = { from, to };
  };
  set('display_name', target.display_name, patch.displayName);
  set('role', target.role, patch.role);
  set('scope_jurisdiction_id', target.scope_jurisdiction_id, newScope?.id);
  set('active', target.active, patch.active);

  const role = changes.role ?? target.role;
  const active = changes.active ?? target.active;
  const scopePath = newScope?.path ?? target.scope_path;
  await ctx.db.transaction().execute(async (trx) => {
    // Grid assignments follow the account: none for a non-worker or inactive account, none outside its scope.
    const assignments = await gridAssignmentsOf(trx, id);
    const dropped = assignments
      .filter((a) => role !== 'grid_worker' || !active || !inScope(scopePath, a.path))
      .map((a) => a.grid_code);
    if (Object.keys(changes).length) await updateStaffRow(trx, id, changes);
    await removeGridAssignments(trx, id, dropped);
    if (changes.active === false) await endSessionsOf(trx, id);
    await appendAudit(trx, ctx.clock.now(), {
      actor: actorOf(principal),
      action: changes.active === false ? 'staff.deactivate' : 'staff.update',
      subjectKind: 'staff',
      subjectId: id,
      detail: { changes: diff, ...(dropped.length ? { removedFromGrids: dropped } : {}) },
    });
  });
  return presentStaff((await findStaff(ctx.db, id))!);
}
