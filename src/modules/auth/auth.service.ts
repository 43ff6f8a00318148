import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../platform/context.ts';
import { forbidden, notFound, unauthorized } from '../../platform/http/problem.ts';
import { authorize } from '../../core/policy/policy.ts';
import type { DeviceKind, Principal } from '../../core/policy/roles.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { actorOf } from '../audit/actor.ts';
import { findResidentByPhone, findStaffByUsername } from './auth.repository.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { newToken } from './tokens.ts';

const SESSION_HOURS = 12;
// A real hash to compare against when the account does not exist, so timing does not reveal usernames.
let dummyHash: Promise<string> | null = null;

export async function signInStaff(ctx: AppContext, username: string, password: string) {
  const staff = await findStaffByUsername(ctx.db, username);
  dummyHash ??= hashPassword('not-a-real-password');
  const ok = await verifyPassword(staff?.password_hash ?? (await dummyHash), password);
  if (!staff || !ok || !staff.active) throw unauthorized('Unknown username or wrong password.');
  const now = ctx.clock.now();
  const { token, hash } = newToken('ses');
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({
        token_hash: hash,
        principal_kind: 'staff',
        principal_id: staff.id,
        created_at: now,
        expires_at: expiresAt,
      })
      .execute();
    await appendAudit(trx, now, {
      actor: { kind: 'staff', id: staff.id, role: staff.role, scope: staff.scope_jurisdiction_id },
      action: 'auth.sign_in',
      subjectKind: 'staff',
      subjectId: staff.id,
    });
  });
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    principal: {
      kind: 'staff' as const,
      id: staff.id,
      username: staff.username,
      displayName: staff.display_name,
      role: staff.role,
      scopeId: staff.scope_jurisdiction_id,
    },
  };
}

export async function signInResident(ctx: AppContext, phone: string, password: string) {
  const resident = await findResidentByPhone(ctx.db, phone);
  dummyHash ??= hashPassword('not-a-real-password');
  const ok = await verifyPassword(resident?.password_hash ?? (await dummyHash), password);
  if (!resident || !ok) throw unauthorized('Unknown phone number or wrong password.');
  const now = ctx.clock.now();
  const { token, hash } = newToken('ses');
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({
        token_hash: hash,
        principal_kind: 'resident',
        principal_id: resident.id,
        created_at: now,
        expires_at: expiresAt,
      })
      .execute();
    await appendAudit(trx, now, {
      actor: { kind: 'resident', id: resident.id },
      action: 'auth.sign_in',
      subjectKind: 'resident',
      subjectId: resident.id,
      personId: resident.id,
    });
  });
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    principal: { kind: 'resident' as const, id: resident.id, householdId: resident.household_id },
  };
}

export async function signOut(ctx: AppContext, tokenHashValue: string): Promise<void> {
  await ctx.db.deleteFrom('sessions').where('token_hash', '=', tokenHashValue).execute();
}

export async function issueApiToken(
  ctx: AppContext,
  principal: Principal,
  input: { kind: DeviceKind; name: string; scopeJurisdictionId: string; placeId?: string | null | undefined },
) {
  const scope = await ctx.db
    .selectFrom('jurisdictions')
    .select(['id', 'path'])
    .where('id', '=', input.scopeJurisdictionId)
    .executeTakeFirst();
  if (!scope) throw notFound(`body.scopeJurisdictionId: no jurisdiction ${input.scopeJurisdictionId}`);
  const decision = authorize(principal, 'token.issue', { jurisdictionPath: scope.path });
  if (!decision.allow) throw forbidden(decision.reason);
  if (input.placeId) {
    const place = await ctx.db.selectFrom('places').select('id').where('id', '=', input.placeId).executeTakeFirst();
    if (!place) throw notFound(`body.placeId: no place ${input.placeId}`);
  }
  const now = ctx.clock.now();
  const prefix = input.kind === 'device' ? 'dev' : input.kind === 'lab' ? 'lab' : 'ver';
  const { token, hash } = newToken(prefix);
  const id = randomUUID();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('api_tokens')
      .values({
        id,
        token_hash: hash,
        kind: input.kind,
        name: input.name,
        scope_jurisdiction_id: scope.id,
        place_id: input.placeId ?? null,
        created_by: principal.kind === 'staff' ? principal.id : null,
        created_at: now,
      })
      .execute();
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: 'token.issue',
      subjectKind: 'api_token',
      subjectId: id,
      detail: { kind: input.kind, scope: scope.id },
    });
  });
  return { id, token, kind: input.kind, name: input.name, scopeJurisdictionId: scope.id };
}
