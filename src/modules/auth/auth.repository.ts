import type { Database } from '../../platform/database/database.ts';
import type { Principal, StaffRole } from '../../core/policy/roles.ts';

export async function findStaffByUsername(db: Database, username: string) {
  return db
    .selectFrom('staff')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'staff.scope_jurisdiction_id')
    .select([
      'staff.id',
      'staff.username',
      'staff.display_name',
      'staff.role',
      'staff.password_hash',
      'staff.active',
      'staff.scope_jurisdiction_id',
      'jurisdictions.path as scope_path',
    ])
    .where('staff.username', '=', username)
    .executeTakeFirst();
}

export async function findResidentByPhone(db: Database, phone: string) {
  return db
    .selectFrom('residents')
    .select(['id', 'household_id', 'password_hash'])
    .where('phone', '=', phone)
    .where('password_hash', 'is not', null)
    .executeTakeFirst();
}

/** Resolves a bearer token hash to a principal: a session (staff or resident) or a device token. */
export async function principalForTokenHash(db: Database, hash: string, now: Date): Promise<Principal | null> {
  const session = await db
    .selectFrom('sessions')
    .select(['principal_kind', 'principal_id', 'expires_at'])
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  if (session) {
    if (new Date(session.expires_at) <= now) return null;
    if (session.principal_kind === 'staff') {
      const s = await db
        .selectFrom('staff')
        .innerJoin('jurisdictions', 'jurisdictions.id', 'staff.scope_jurisdiction_id')
        .select(['staff.id', 'staff.role', 'staff.active', 'staff.scope_jurisdiction_id', 'jurisdictions.path'])
        .where('staff.id', '=', session.principal_id)
        .executeTakeFirst();
      if (!s || !s.active) return null;
      return {
        kind: 'staff',
        id: s.id,
        role: s.role as StaffRole,
        scopeId: s.scope_jurisdiction_id,
        scopePath: s.path,
      };
    }
    const r = await db
      .selectFrom('residents')
      .select(['id', 'household_id'])
      .where('id', '=', session.principal_id)
      .executeTakeFirst();
    return r ? { kind: 'resident', id: r.id, householdId: r.household_id } : null;
  }
  const t = await db
    .selectFrom('api_tokens')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'api_tokens.scope_jurisdiction_id')
    .select([
      'api_tokens.id',
      'api_tokens.kind',
      'api_tokens.revoked_at',
      'api_tokens.place_id',
      'api_tokens.scope_jurisdiction_id',
      'jurisdictions.path',
    ])
    .where('api_tokens.token_hash', '=', hash)
    .executeTakeFirst();
  if (!t || t.revoked_at) return null;
  return {
    kind: 'device',
    id: t.id,
    deviceKind: t.kind,
    scopeId: t.scope_jurisdiction_id,
    scopePath: t.path,
    placeId: t.place_id,
  };
}
