import { randomUUID } from 'node:crypto';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { OVERRIDE_REASONS } from '../../core/rules/index.ts';
import { parseFact } from '../../core/rules/index.ts';
import type { AppContext } from '../../platform/context.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { insertFact } from './facts.repository.ts';
import { personScope } from './person-scope.ts';
import { recomputeStatusTx } from './status.service.ts';
import { publishedRuleSets } from './rulesets.service.ts';

const MAX_OVERRIDE_DAYS = 30;

export interface OverrideProposal {
  personId: string;
  target: 'green' | 'yellow' | 'red' | 'clear';
  reasonCode: (typeof OVERRIDE_REASONS)[number];
  reason: string;
  expiresAt: string | null;
}

/** Step one of two: a health officer proposes a correction with a written reason. Nothing changes yet. */
export async function proposeOverride(ctx: AppContext, principal: Principal, input: OverrideProposal) {
  if (principal.kind !== 'staff') throw forbidden('Only staff members may propose overrides.');
  const now = ctx.clock.now();
  const scope = await personScope(ctx.db, input.personId);
  if (!scope) throw notFound(`No resident ${input.personId}`);
  const decision = authorize(principal, 'override.propose', { jurisdictionPath: scope.path });
  if (!decision.allow) throw forbidden(decision.reason);
  if (input.reason.trim().length < 20)
    throw badRequest('body.reason: write at least 20 characters explaining the medical or data reason');
  let expiresAt: Date;
  if (input.target === 'clear') {
    if (input.expiresAt !== null) throw badRequest("body.expiresAt: a 'clear' override has no expiry (send null)");
    expiresAt = new Date(now.getTime() + MAX_OVERRIDE_DAYS * 86400_000);
  } else {
    if (!input.expiresAt) throw badRequest('body.expiresAt: an override must expire');
    expiresAt = new Date(input.expiresAt);
    if (!(expiresAt > now)) throw badRequest('body.expiresAt: must be in the future');
    if (expiresAt.getTime() - now.getTime() > MAX_OVERRIDE_DAYS * 86400_000)
      throw badRequest(`body.expiresAt: an override lasts at most ${MAX_OVERRIDE_DAYS} days`);
  }
  const id = randomUUID();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('overrides')
      .values({
        id,
        person_id: input.personId,
        target: input.target,
        reason_code: input.reasonCode,
        reason: input.reason.trim(),
        expires_at: expiresAt,
        proposed_by: principal.id,
        proposed_at: now,
      })
      .execute();
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: 'override.propose',
      subjectKind: 'override',
      subjectId: id,
      personId: input.personId,
      purpose: 'tracing',
      detail: { target: input.target, reasonCode: input.reasonCode },
    });
    await trx
      .insertInto('notifications')
      .values({
        id: randomUUID(),
        person_id: input.personId,
        kind: 'override_proposed',
        payload: JSON.stringify({
          overrideId: id,
          target: input.target,
          reason: input.reason.trim(),
          proposedBy: principal.id,
        }),
        created_at: now,
      })
      .execute();
    await emitEvent(trx, now, 'override.proposed', {
      overrideId: id,
      personId: input.personId,
      proposedBy: principal.id,
      target: input.target,
      gridCode: scope.gridCode,
    });
  });
  return getOverride(ctx, id);
}

/** Step two: a different officer approves (the override becomes a fact and the status follows) or rejects it. */
export async function decideOverride(
  ctx: AppContext,
  principal: Principal,
  id: string,
  input: { decision: 'approve' | 'reject'; note: string },
) {
  if (principal.kind !== 'staff') throw forbidden('Only staff members may decide overrides.');
  const now = ctx.clock.now();
  await publishedRuleSets(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    const o = await trx.selectFrom('overrides').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!o) throw notFound(`No override ${id}`);
    if (o.decision) throw conflict(`Override ${id} was already ${o.decision}.`);
    const scope = await personScope(trx, o.person_id);
    if (!scope) throw notFound(`No resident ${o.person_id}`);
    const decision = authorize(principal, 'override.decide', { jurisdictionPath: scope.path });
    if (!decision.allow) throw forbidden(decision.reason);
    if (o.proposed_by === principal.id)
      throw forbidden('An override needs two different people: you proposed this one, so someone else must decide it.');
    if (input.decision === 'approve' && new Date(o.expires_at) <= now)
      throw unprocessable(`Override ${id} expired before it was approved; propose it again.`);
    let factId: string | null = null;
    if (input.decision === 'approve') {
      const parsed = parseFact({
        id: `fact:${randomUUID()}`,
        personId: o.person_id,
        kind: 'override',
        occurredAt: now.toISOString(),
        recordedAt: now.toISOString(),
        recordedBy: principal.id,
        target: o.target,
        expiresAt: o.target === 'clear' ? null : new Date(o.expires_at).toISOString(),
        reasonCode: o.reason_code,
        note: o.reason,
        proposedBy: o.proposed_by,
        approvedBy: principal.id,
        provenance: { source: 'officer', officerId: principal.id },
      });
      if (!parsed.ok) throw unprocessable(parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
      factId = parsed.fact.id;
      await insertFact(trx, parsed.fact, { role: principal.role, scope: principal.scopeId });
    }
    await trx
      .updateTable('overrides')
      .set({
        decided_by: principal.id,
        decided_at: now,
        decision: input.decision === 'approve' ? 'approved' : 'rejected',
        decision_note: input.note,
        fact_id: factId,
      })
      .where('id', '=', id)
      .execute();
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: input.decision === 'approve' ? 'override.approve' : 'override.reject',
      subjectKind: 'override',
      subjectId: id,
      personId: o.person_id,
      purpose: 'tracing',
      detail: { factId, proposedBy: o.proposed_by },
    });
    await trx
      .insertInto('notifications')
      .values({
        id: randomUUID(),
        person_id: o.person_id,
        kind: input.decision === 'approve' ? 'override_approved' : 'override_rejected',
        payload: JSON.stringify({
          overrideId: id,
          target: o.target,
          reason: o.reason,
          note: input.note,
          decidedBy: principal.id,
        }),
        created_at: now,
      })
      .execute();
    await emitEvent(trx, now, input.decision === 'approve' ? 'override.approved' : 'override.rejected', {
      overrideId: id,
      personId: o.person_id,
      proposedBy: o.proposed_by,
      decidedBy: principal.id,
      target: o.target,
      gridCode: scope.gridCode,
    });
    if (factId) await recomputeStatusTx(trx, ctx, o.person_id, now, `override:${id}`);
    return presentOverride({
      ...o,
      decided_by: principal.id,
      decided_at: now,
      decision: input.decision === 'approve' ? 'approved' : 'rejected',
      decision_note: input.note,
      fact_id: factId,
    });
  });
}

export async function getOverride(ctx: AppContext, id: string) {
  const o = await ctx.db.selectFrom('overrides').selectAll().where('id', '=', id).executeTakeFirst();
  if (!o) throw notFound(`No override ${id}`);
  return presentOverride(o);
}

/** Overrides awaiting a second person, within the viewer's scope. */
export async function pendingOverrides(ctx: AppContext, principal: Principal) {
  if (principal.kind !== 'staff') throw forbidden('Only staff members see pending overrides.');
  const rows = await ctx.db
    .selectFrom('overrides')
    .innerJoin('residents', 'residents.id', 'overrides.person_id')
    .innerJoin('households', 'households.id', 'residents.household_id')
    .innerJoin('grids', 'grids.code', 'households.grid_code')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
    .selectAll('overrides')
    .select('jurisdictions.path')
    .where('overrides.decision', 'is', null)
    .orderBy('overrides.proposed_at')
    .limit(500)
    .execute();
  return rows
    .filter((r) => authorize(principal, 'override.decide', { jurisdictionPath: r.path }).allow)
    .map(presentOverride);
}

export function presentOverride(o: {
  id: string;
  person_id: string;
  target: string;
  reason_code: string;
  reason: string;
  expires_at: Date | string;
  proposed_by: string;
  proposed_at: Date | string;
  decided_by: string | null;
  decided_at: Date | string | null;
  decision: string | null;
  decision_note: string | null;
  fact_id: string | null;
}) {
  return {
    id: o.id,
    personId: o.person_id,
    target: o.target,
    reasonCode: o.reason_code,
    reason: o.reason,
    expiresAt: new Date(o.expires_at).toISOString(),
    proposedBy: o.proposed_by,
    proposedAt: new Date(o.proposed_at).toISOString(),
    decidedBy: o.decided_by,
    decidedAt: o.decided_at ? new Date(o.decided_at).toISOString() : null,
    decision: o.decision,
    decisionNote: o.decision_note,
    factId: o.fact_id,
  };
}
