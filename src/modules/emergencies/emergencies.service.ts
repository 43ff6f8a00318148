import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import { inForce, type DeclarationPeriod } from '../../core/retention/policy.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Database } from '../../platform/database/database.ts';
import type { DB } from '../../platform/database/schema.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit, type AuditActor } from '../audit/audit.repository.ts';
import { allDeclarations, periodOf, type EmergencyRow } from './emergencies.repository.ts';

/** A declaration lasts at most this long: an emergency must be renewed, on the record, to go on. */
export const MAX_DECLARATION_DAYS = 90;
const DAY = 24 * 3600_000;

export interface DeclarationInput {
  jurisdictionId: string;
  title: string;
  legalBasis: string;
  startsAt: string | null;
  endsAt: string;
}

const cache = new WeakMap<Database, Promise<Array<EmergencyRow & { path: string }>>>();

async function declarations(ctx: AppContext) {
  let p = cache.get(ctx.db);
  if (!p) {
    p = allDeclarations(ctx.db);
    cache.set(ctx.db, p);
    p.catch(() => cache.delete(ctx.db));
    // Declarations change rarely; a short cache keeps the code endpoint from querying them on every request.
    setTimeout(() => cache.delete(ctx.db), 5_000).unref();
  }
  return p;
}

function invalidate(ctx: AppContext) {
  cache.delete(ctx.db);
}

export async function declarationPeriods(ctx: AppContext): Promise<DeclarationPeriod[]> {
  return (await declarations(ctx)).map(periodOf);
}

/**
 * Null when an emergency declared for `path` (or a jurisdiction above it) is in force now; otherwise why not.
 * Health codes, scans and tracing call this before doing anything.
 */
export async function emergencyGate(ctx: AppContext, path: string, at = ctx.clock.now()): Promise<string | null> {
  const rows = await declarations(ctx);
  const hit = inForce(rows.map(periodOf), path, at);
  if (hit) return null;
  const last = rows
    .map(periodOf)
    .filter((d) => path === d.path || path.startsWith(`${d.path}.`))
    .sort((a, b) => b.endsAt.getTime() - a.endsAt.getTime())[0];
  return last && last.endsAt <= at
    ? `No emergency is in force here: the last declaration ended at ${last.endsAt.toISOString()}. Health codes, scans and tracing run only under a declared emergency.`
    : 'No emergency has been declared for this jurisdiction. Health codes, scans and tracing run only under a declared emergency.';
}

function validate(input: DeclarationInput, now: Date) {
  const startsAt = input.startsAt ? new Date(input.startsAt) : now;
  const endsAt = new Date(input.endsAt);
  if (input.legalBasis.trim().length < 20)
    throw badRequest('body.legalBasis: cite the legal instrument (law, article, decree) in at least 20 characters');
  if (!(endsAt > startsAt)) throw badRequest('body.endsAt: must be after the start');
  if (endsAt <= now) throw badRequest('body.endsAt: must be in the future');
  if (endsAt.getTime() - startsAt.getTime() > MAX_DECLARATION_DAYS * DAY)
    throw badRequest(`body.endsAt: a declaration lasts at most ${MAX_DECLARATION_DAYS} days; renew it to continue`);
  return { startsAt, endsAt };
}

/** Inserts a declaration inside the caller's transaction (the demo seed declares one for its city). */
export async function insertDeclarationTx(
  trx: Transaction<DB>,
  at: Date,
  actor: AuditActor,
  input: { jurisdictionId: string; title: string; legalBasis: string; startsAt: Date; endsAt: Date; renewsId?: string },
): Promise<string> {
  const id = randomUUID();
  await trx
    .insertInto('emergencies')
    .values({
      id,
      jurisdiction_id: input.jurisdictionId,
      title: input.title,
      legal_basis: input.legalBasis,
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      declared_by: actor.id ?? actor.kind,
      declared_at: at,
      renews_id: input.renewsId ?? null,
    })
    .execute();
  await appendAudit(trx, at, {
    actor,
    action: input.renewsId ? 'emergency.renew' : 'emergency.declare',
    subjectKind: 'emergency',
    subjectId: id,
    detail: {
      jurisdiction: input.jurisdictionId,
      startsAt: input.startsAt.toISOString(),
      endsAt: input.endsAt.toISOString(),
      renews: input.renewsId ?? null,
    },
  });
  await emitEvent(trx, at, 'emergency.declared', {
    id,
    jurisdiction: input.jurisdictionId,
    startsAt: input.startsAt.toISOString(),
    endsAt: input.endsAt.toISOString(),
  });
  return id;
}

async function scopeOf(ctx: AppContext, jurisdictionId: string) {
  const j = await ctx.db
    .selectFrom('jurisdictions')
    .select(['id', 'path'])
    .where('id', '=', jurisdictionId)
    .executeTakeFirst();
  if (!j) throw badRequest(`body.jurisdictionId: no jurisdiction ${jurisdictionId}`);
  return j;
}

export async function declareEmergency(ctx: AppContext, principal: Principal, input: DeclarationInput) {
  const j = await scopeOf(ctx, input.jurisdictionId);
  const d = authorize(principal, 'emergency.declare', { jurisdictionPath: j.path });
  if (!d.allow) throw forbidden(d.reason);
  const now = ctx.clock.now();
  const { startsAt, endsAt } = validate(input, now);
  const overlapping = (await declarations(ctx))
    .filter((r) => r.path === j.path)
    .map(periodOf)
    .find((p) => p.startsAt < endsAt && startsAt < p.endsAt);
  if (overlapping)
    throw conflict(
      `An emergency for ${j.id} already covers ${overlapping.startsAt.toISOString()} – ${overlapping.endsAt.toISOString()}: renew it instead.`,
    );
  const id = await ctx.db
    .transaction()
    .execute((trx) =>
      insertDeclarationTx(trx, now, actorOf(principal), { ...input, jurisdictionId: j.id, startsAt, endsAt }),
    );
  invalidate(ctx);
  return getEmergency(ctx, id);
}

/** A renewal is a new declaration, with its own legal basis, that starts where the current one ends. */
export async function renewEmergency(
  ctx: AppContext,
  principal: Principal,
  id: string,
  input: { legalBasis: string; endsAt: string },
) {
  const current = (await declarations(ctx)).find((r) => r.id === id);
  if (!current) throw notFound(`No emergency declaration ${id}`);
  const d = authorize(principal, 'emergency.declare', { jurisdictionPath: current.path });
  if (!d.allow) throw forbidden(d.reason);
  const now = ctx.clock.now();
  const period = periodOf(current);
  if (current.terminated_at) throw conflict(`Declaration ${id} was ended early; declare a new emergency instead.`);
  if (period.endsAt <= now) throw conflict(`Declaration ${id} already lapsed; declare a new emergency instead.`);
  const already = (await declarations(ctx)).find((r) => r.renews_id === id);
  if (already) throw conflict(`Declaration ${id} was already renewed by ${already.id}.`);
  const { startsAt, endsAt } = validate(
    {
      jurisdictionId: current.jurisdiction_id,
      title: current.title,
      legalBasis: input.legalBasis,
      startsAt: period.endsAt.toISOString(),
      endsAt: input.endsAt,
    },
    now,
  );
  const newId = await ctx.db.transaction().execute((trx) =>
    insertDeclarationTx(trx, now, actorOf(principal), {
      jurisdictionId: current.jurisdiction_id,
      title: current.title,
      legalBasis: input.legalBasis,
      startsAt,
      endsAt,
      renewsId: id,
    }),
  );
  invalidate(ctx);
  return getEmergency(ctx, newId);
}

/** Ends an emergency before its end date (and any renewal already queued after it). */
export async function endEmergency(ctx: AppContext, principal: Principal, id: string, reason: string) {
  const rows = await declarations(ctx);
  const current = rows.find((r) => r.id === id);
  if (!current) throw notFound(`No emergency declaration ${id}`);
  const d = authorize(principal, 'emergency.declare', { jurisdictionPath: current.path });
  if (!d.allow) throw forbidden(d.reason);
  const now = ctx.clock.now();
  if (current.terminated_at || periodOf(current).endsAt <= now) throw conflict(`Declaration ${id} is not in force.`);
  if (reason.trim().length < 10) throw badRequest('body.reason: say why the emergency ends (at least 10 characters)');
  const chain = [id];
  for (let next = rows.find((r) => r.renews_id === id); next; next = rows.find((r) => r.renews_id === next?.id))
    chain.push(next.id);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('emergencies')
      .set({
        terminated_at: now,
        terminated_by: principal.kind === 'staff' ? principal.id : 'system',
        termination_reason: reason,
      })
      .where('id', 'in', chain)
      .execute();
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: 'emergency.end',
      subjectKind: 'emergency',
      subjectId: id,
      detail: { jurisdiction: current.jurisdiction_id, reason, renewalsEnded: chain.slice(1) },
    });
    await emitEvent(trx, now, 'emergency.ended', { id, jurisdiction: current.jurisdiction_id, at: now.toISOString() });
  });
  invalidate(ctx);
  return getEmergency(ctx, id);
}

export function presentEmergency(r: EmergencyRow & { path: string }, now: Date) {
  const p = periodOf(r);
  return {
    id: r.id,
    jurisdictionId: r.jurisdiction_id,
    title: r.title,
    legalBasis: r.legal_basis,
    startsAt: p.startsAt.toISOString(),
    endsAt: new Date(r.ends_at).toISOString(),
    endedAt: r.terminated_at ? new Date(r.terminated_at).toISOString() : null,
    endReason: r.termination_reason,
    declaredBy: r.declared_by,
    declaredAt: new Date(r.declared_at).toISOString(),
    renews: r.renews_id,
    inForce: p.startsAt <= now && now < p.endsAt,
    state: (now < p.startsAt ? 'scheduled' : now < p.endsAt ? 'in_force' : r.terminated_at ? 'ended' : 'lapsed') as
      'scheduled' | 'in_force' | 'ended' | 'lapsed',
  };
}

export async function listEmergencies(ctx: AppContext) {
  const now = ctx.clock.now();
  return (await allDeclarations(ctx.db)).reverse().map((r) => presentEmergency(r, now));
}

export async function getEmergency(ctx: AppContext, id: string) {
  const r = (await allDeclarations(ctx.db)).find((x) => x.id === id);
  if (!r) throw notFound(`No emergency declaration ${id}`);
  return presentEmergency(r, ctx.clock.now());
}

/**
 * Job: records, once, every declaration that lapsed without renewal. The lapse itself needs no action (the gate reads
 * the end date), but it belongs in the audit log and on the bus, where retention and the report pick it up.
 */
export async function recordLapses(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const rows = await allDeclarations(ctx.db);
  const recorded = new Set(
    (await ctx.db.selectFrom('audit_log').select('subject_id').where('action', '=', 'emergency.lapse').execute()).map(
      (r) => r.subject_id,
    ),
  );
  let n = 0;
  for (const r of rows) {
    if (r.terminated_at || new Date(r.ends_at) > now || recorded.has(r.id)) continue;
    if (rows.some((o) => o.renews_id === r.id)) continue;
    await ctx.db.transaction().execute(async (trx) => {
      await appendAudit(trx, now, {
        actor: { kind: 'system', id: 'emergencies' },
        action: 'emergency.lapse',
        subjectKind: 'emergency',
        subjectId: r.id,
        detail: { jurisdiction: r.jurisdiction_id, endedAt: new Date(r.ends_at).toISOString() },
      });
      await emitEvent(trx, now, 'emergency.ended', {
        id: r.id,
        jurisdiction: r.jurisdiction_id,
        at: new Date(r.ends_at).toISOString(),
        lapsed: true,
      });
    });
    n++;
  }
  if (n) invalidate(ctx);
  return n;
}
