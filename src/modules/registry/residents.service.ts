import { randomUUID } from 'node:crypto';
import { checkNationalId } from '../../core/registry/national-id.ts';
import { hmacNationalId } from '../../core/registry/national-id.ts';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Database } from '../../platform/database/database.ts';
import {
  badRequest,
  conflict,
  forbidden,
  notFound,
  unprocessable,
  type FieldError,
} from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findHousehold } from './households.repository.ts';
import { auditPersonReads, requireAllowed, requirePurpose } from './registry.access.ts';
import { presentHousehold, presentResident } from './registry.presenter.ts';
import {
  findResident,
  findResidentIdByHmac,
  insertResidents,
  membersOf,
  registeredHmacs,
  updateResident as updateResidentRow,
  type NewResident,
} from './residents.repository.ts';
import { isUniqueViolation, normalizeNationalId, personFieldErrors, storedNationalId } from './resident-fields.ts';

const DUPLICATE_ID = 'a resident with this national ID number is already registered';

function rejectFields(errors: FieldError[]): never {
  throw unprocessable(errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}

const bodyNames = { birthDate: 'body.birthDate', phone: 'body.phone', nationalId: 'body.nationalId' };

async function residentWithHousehold(ctx: AppContext, id: string) {
  const r = await findResident(ctx.db, id);
  if (!r) throw notFound(`No resident ${id}`);
  const h = await findHousehold(ctx.db, r.household_id);
  if (!h) throw notFound(`No household ${r.household_id}`);
  return { r, h };
}

export async function getResident(ctx: AppContext, principal: Principal, id: string, purpose: unknown) {
  const stated = requirePurpose(principal, 'resident.read', purpose);
  const { r, h } = await residentWithHousehold(ctx, id);
  await requireAllowed(
    ctx,
    principal,
    'resident.read',
    { jurisdictionPath: h.community_path, householdId: h.id },
    { kind: 'resident', id: r.id, personId: r.id },
  );
  await ctx.db
    .transaction()
    .execute((trx) =>
      auditPersonReads(trx, ctx.clock.now(), principal, stated, [
        { action: 'resident.read', subjectKind: 'resident', subjectId: r.id, personId: r.id },
      ]),
    );
  return presentResident(r);
}

/** A resident's own profile and household; each member shown is recorded as a self/household access. */
export async function getMe(ctx: AppContext, principal: Extract<Principal, { kind: 'resident' }>) {
  const { r, h } = await residentWithHousehold(ctx, principal.id);
  return ctx.db.transaction().execute(async (trx) => {
    const members = await membersOf(trx, [h.id]);
    await auditPersonReads(
      trx,
      ctx.clock.now(),
      principal,
      null,
      members.map((m) => ({ action: 'resident.read', subjectKind: 'resident', subjectId: m.id, personId: m.id })),
      { via: 'me' },
    );
    return { self: presentResident(r), household: presentHousehold(h, members) };
  });
}

export interface ResidentInput {
  householdId: string;
  name: string;
  birthDate: string;
  phone?: string | null | undefined;
  nationalId?: string | null | undefined;
}

export async function createResident(ctx: AppContext, principal: Principal, input: ResidentInput) {
  const h = await findHousehold(ctx.db, input.householdId);
  if (!h) rejectFields([{ field: 'body.householdId', message: `no household ${input.householdId}` }]);
  await requireAllowed(ctx, principal, 'resident.write', { jurisdictionPath: h.community_path });
  const errors = personFieldErrors(input, ctx.clock.now(), bodyNames);
  if (errors.length) rejectFields(errors);
  const id = randomUUID();
  const row: NewResident = {
    id,
    household_id: h.id,
    name: input.name,
    birth_date: input.birthDate,
    phone: input.phone ?? null,
    national_id_hmac: null,
    national_id_masked: null,
    ...(input.nationalId ? storedNationalId(ctx.secrets.idHmacKey, input.nationalId) : {}),
  };
  await writeGuardingDuplicates(async () =>
    ctx.db.transaction().execute(async (trx) => {
      if (row.national_id_hmac && (await registeredHmacs(trx, [row.national_id_hmac])).size > 0)
        throw conflict(`body.nationalId: ${DUPLICATE_ID}`);
      await insertResidents(trx, [row]);
      await appendAudit(trx, ctx.clock.now(), {
        actor: actorOf(principal),
        action: 'resident.create',
        subjectKind: 'resident',
        subjectId: id,
        personId: id,
        detail: { householdId: h.id },
      });
    }),
  );
  return presentResident((await findResident(ctx.db, id))!);
}

export interface ResidentPatch {
  householdId?: string | undefined;
  name?: string | undefined;
  birthDate?: string | undefined;
  phone?: string | null | undefined;
  nationalId?: string | null | undefined;
}

export async function updateResident(ctx: AppContext, principal: Principal, id: string, patch: ResidentPatch) {
  const fields = Object.keys(patch).filter((k) => patch[k as keyof ResidentPatch] !== undefined);
  if (fields.length === 0) throw badRequest('body: nothing to change');
  const { r, h } = await residentWithHousehold(ctx, id);
  await requireAllowed(ctx, principal, 'resident.write', { jurisdictionPath: h.community_path });
  if (patch.householdId !== undefined && patch.householdId !== h.id) {
    const target = await findHousehold(ctx.db, patch.householdId);
    if (!target) rejectFields([{ field: 'body.householdId', message: `no household ${patch.householdId}` }]);
    await requireAllowed(ctx, principal, 'resident.write', { jurisdictionPath: target.community_path });
  }
  // The stored birth date is the reference when only the ID number changes.
  const errors = personFieldErrors(
    {
      birthDate: patch.birthDate ?? (patch.nationalId ? r.birth_date : undefined),
      phone: patch.phone,
      nationalId: patch.nationalId,
    },
    ctx.clock.now(),
    bodyNames,
  );
  if (errors.length) rejectFields(errors);
  const changes: Partial<Omit<NewResident, 'id'>> = {};
  if (patch.householdId !== undefined) changes.household_id = patch.householdId;
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.birthDate !== undefined) changes.birth_date = patch.birthDate;
  if (patch.phone !== undefined) changes.phone = patch.phone;
  if (patch.nationalId === null) Object.assign(changes, { national_id_hmac: null, national_id_masked: null });
  else if (patch.nationalId !== undefined)
    Object.assign(changes, storedNationalId(ctx.secrets.idHmacKey, patch.nationalId));
  await writeGuardingDuplicates(() =>
    ctx.db.transaction().execute(async (trx) => {
      if (changes.national_id_hmac) {
        const holder = await findResidentIdByHmac(trx, changes.national_id_hmac);
        if (holder && holder.id !== id) throw conflict(`body.nationalId: ${DUPLICATE_ID}`);
      }
      await updateResidentRow(trx, id, changes);
      // Field names only: the audit log must not become a second copy of personal data.
      await appendAudit(trx, ctx.clock.now(), {
        actor: actorOf(principal),
        action: 'resident.update',
        subjectKind: 'resident',
        subjectId: id,
        personId: id,
        detail: { fields, ...(changes.household_id ? { fromHousehold: h.id, toHousehold: changes.household_id } : {}) },
      });
    }),
  );
  return presentResident((await findResident(ctx.db, id))!);
}

/** A concurrent insert of the same ID number loses on the unique index; report it like any duplicate. */
async function writeGuardingDuplicates(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`body.nationalId: ${DUPLICATE_ID}`);
    throw err;
  }
}

/**
 * Finds a resident by national ID number (matched by its keyed HMAC). For other services
 * (labs, tracing): the caller authorizes and audits the read. A malformed number is a 422.
 */
export async function findResidentByNationalId(ctx: AppContext, nationalId: string, db: Database = ctx.db) {
  const id = normalizeNationalId(nationalId);
  const problem = checkNationalId(id);
  if (problem) throw unprocessable(`nationalId: the national ID number ${problem}`);
  const hit = await findResidentIdByHmac(db, hmacNationalId(ctx.secrets.idHmacKey, id));
  if (!hit) return null;
  const h = await findHousehold(db, hit.household_id);
  return {
    id: hit.id,
    householdId: hit.household_id,
    gridCode: h?.grid_code ?? null,
    jurisdictionPath: h?.community_path ?? null,
  };
}

export async function lookupResident(ctx: AppContext, principal: Principal, nationalId: string, purpose: unknown) {
  const stated = requirePurpose(principal, 'resident.read', purpose);
  // Roles that may not read residents at all are refused before the lookup: a 404 would tell them who is registered.
  const role = authorize(principal, 'resident.read');
  if (!role.allow) throw forbidden(role.reason);
  const hit = await findResidentByNationalId(ctx, nationalId);
  if (!hit) {
    // Misses are recorded too: repeated blind lookups are exactly what an auditor wants to see.
    await ctx.db.transaction().execute((trx) =>
      appendAudit(trx, ctx.clock.now(), {
        actor: actorOf(principal),
        action: 'resident.lookup',
        subjectKind: 'resident',
        purpose: stated,
        detail: { found: false },
      }),
    );
    throw notFound('No resident is registered with this national ID number.');
  }
  await requireAllowed(
    ctx,
    principal,
    'resident.read',
    { jurisdictionPath: hit.jurisdictionPath, householdId: hit.householdId },
    { kind: 'resident', id: hit.id, personId: hit.id },
  );
  const r = await findResident(ctx.db, hit.id);
  if (!r) throw notFound('No resident is registered with this national ID number.');
  await ctx.db
    .transaction()
    .execute((trx) =>
      auditPersonReads(
        trx,
        ctx.clock.now(),
        principal,
        stated,
        [{ action: 'resident.read', subjectKind: 'resident', subjectId: r.id, personId: r.id }],
        { via: 'national_id_lookup' },
      ),
    );
  return presentResident(r);
}
