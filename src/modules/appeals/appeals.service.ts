import { randomUUID } from 'node:crypto';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { personScope } from '../status/person-scope.ts';
import { publishedRuleSets } from '../status/rulesets.service.ts';
import { currentStatus, recomputeStatusTx } from '../status/status.service.ts';
import { eligibleReviewers, factRows, getAppealRow } from './appeals.repository.ts';
import { presentAppeal } from './appeals.presenter.ts';

type Resident = Extract<Principal, { kind: 'resident' }>;
type Staff = Extract<Principal, { kind: 'staff' }>;

export type AppealInput =
  { subject: 'fact'; factId: string; statement: string } | { subject: 'status'; statement: string };

const parse = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);

/** Everyone who put the contested facts on the record: they may not judge their own work. */
function involvedStaff(facts: Array<{ recorded_by: string; data: unknown }>): Set<string> {
  const out = new Set<string>();
  for (const f of facts) {
    out.add(f.recorded_by);
    const d = parse(f.data) as { proposedBy?: string; approvedBy?: string };
    if (d.proposedBy) out.add(d.proposedBy);
    if (d.approvedBy) out.add(d.approvedBy);
  }
  return out;
}

/** A resident contests one fact about them, or their current red or yellow status, in their own words. */
export async function fileAppeal(ctx: AppContext, me: Resident, input: AppealInput) {
  const statement = input.statement.trim();
  if (statement.length < 10) throw badRequest('body.statement: explain what is wrong in at least 10 characters');
  const scope = await personScope(ctx.db, me.id);
  if (!scope) throw notFound('Your resident record was not found.');
  let contested: string[];
  let factId: string | null = null;
  let snapshot: Record<string, unknown> | null = null;
  if (input.subject === 'fact') {
    const fact = await ctx.db
      .selectFrom('health_facts')
      .select(['id', 'person_id', 'withdrawn_at'])
      .where('id', '=', input.factId)
      .executeTakeFirst();
    if (!fact) throw notFound(`No health fact ${input.factId}`);
    if (fact.person_id !== me.id) throw forbidden('You can appeal only facts about yourself.');
    if (fact.withdrawn_at) throw conflict(`Fact ${input.factId} was already withdrawn.`);
    factId = fact.id;
    contested = [fact.id];
  } else {
    const status = await currentStatus(ctx, me.id);
    if (status.color === 'green') throw conflict('Your status is green: there is nothing to appeal.');
    contested = [...new Set(status.reasons.flatMap((r) => r.factIds))];
    snapshot = {
      color: status.color,
      reasons: status.reasons,
      ruleSet: `${status.ruleSetId}@${status.ruleSetVersion}`,
      since: status.since,
    };
  }
  const open = await ctx.db
    .selectFrom('appeals')
    .select(['id', 'contested_fact_ids', 'subject_kind'])
    .where('person_id', '=', me.id)
    .where('state', '=', 'open')
    .execute();
  const dup = open.find((a) =>
    input.subject === 'status'
      ? a.subject_kind === 'status'
      : (parse(a.contested_fact_ids) as string[]).includes(factId as string),
  );
  if (dup) throw conflict(`Appeal ${dup.id} about this is still open.`);

  const facts = await factRows(ctx.db, contested);
  const reviewers = await eligibleReviewers(ctx.db, scope.path, involvedStaff(facts));
  const now = ctx.clock.now();
  const deadline = new Date(now.getTime() + ctx.config.APPEAL_DEADLINE_HOURS * 3600_000);
  const reviewer = reviewers[0]?.id ?? null;
  const id = randomUUID();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('appeals')
      .values({
        id,
        person_id: me.id,
        subject_kind: input.subject,
        fact_id: factId,
        contested_fact_ids: JSON.stringify(contested),
        status_snapshot: snapshot ? JSON.stringify(snapshot) : null,
        statement,
        created_at: now,
        deadline_at: deadline,
        reviewer_id: reviewer,
        assigned_at: reviewer ? now : null,
        state: 'open',
      })
      .execute();
    await appendAudit(trx, now, {
      actor: actorOf(me),
      action: 'appeal.file',
      subjectKind: 'appeal',
      subjectId: id,
      personId: me.id,
      purpose: 'self_access',
      detail: { subject: input.subject, contested, reviewer, deadline: deadline.toISOString() },
    });
    await emitEvent(trx, now, 'appeal.filed', { appealId: id, personId: me.id, reviewer, gridCode: scope.gridCode });
  });
  return presentAppeal((await getAppealRow(ctx.db, id))!, now);
}

export async function myAppeals(ctx: AppContext, me: Resident) {
  const now = ctx.clock.now();
  const rows = await ctx.db
    .selectFrom('appeals')
    .selectAll()
    .where('person_id', '=', me.id)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => presentAppeal(r, now));
}

async function loadForReviewer(ctx: AppContext, staff: Staff, id: string) {
  const a = await getAppealRow(ctx.db, id);
  if (!a) throw notFound(`No appeal ${id}`);
  const scope = await personScope(ctx.db, a.person_id);
  if (!scope) throw notFound(`No resident ${a.person_id}`);
  const d = authorize(staff, 'appeal.review', { jurisdictionPath: scope.path });
  if (!d.allow) throw forbidden(d.reason);
  const contested = parse(a.contested_fact_ids) as string[];
  const facts = await factRows(ctx.db, contested);
  if (involvedStaff(facts).has(staff.id))
    throw forbidden('You recorded (or proposed or approved) a contested fact: someone else must review this appeal.');
  if (a.reviewer_id && a.reviewer_id !== staff.id)
    throw forbidden(`This appeal is assigned to reviewer ${a.reviewer_id}.`);
  return { a, scope, facts };
}

/** Open appeals a health officer may review: assigned to them, or unassigned within their scope. */
export async function reviewQueue(ctx: AppContext, staff: Staff) {
  const d = authorize(staff, 'appeal.review');
  if (!d.allow) throw forbidden(d.reason);
  const now = ctx.clock.now();
  const rows = await ctx.db
    .selectFrom('appeals')
    .innerJoin('residents', 'residents.id', 'appeals.person_id')
    .innerJoin('households', 'households.id', 'residents.household_id')
    .innerJoin('grids', 'grids.code', 'households.grid_code')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
    .selectAll('appeals')
    .select('jurisdictions.path')
    .where('appeals.state', '=', 'open')
    .where((eb) => eb.or([eb('appeals.reviewer_id', '=', staff.id), eb('appeals.reviewer_id', 'is', null)]))
    .orderBy('appeals.deadline_at')
    .limit(500)
    .execute();
  const visible = rows.filter((r) => authorize(staff, 'appeal.review', { jurisdictionPath: r.path }).allow);
  if (visible.length)
    await ctx.db.transaction().execute(async (trx) => {
      for (const r of visible)
        await appendAudit(trx, now, {
          actor: actorOf(staff),
          action: 'appeal.list',
          subjectKind: 'appeal',
          subjectId: r.id,
          personId: r.person_id,
          purpose: 'appeal_review',
        });
    });
  return visible.map((r) => presentAppeal(r, now));
}

/** The appeal with the contested facts in full, for its reviewer (audited as a read for appeal review). */
export async function appealForReview(ctx: AppContext, staff: Staff, id: string) {
  const { a, facts } = await loadForReviewer(ctx, staff, id);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute((trx) =>
    appendAudit(trx, now, {
      actor: actorOf(staff),
      action: 'appeal.read',
      subjectKind: 'appeal',
      subjectId: id,
      personId: a.person_id,
      purpose: 'appeal_review',
    }),
  );
  return {
    ...presentAppeal(a, now),
    facts: facts.map((f) => ({
      id: f.id,
      kind: f.kind,
      occurredAt: new Date(f.occurred_at).toISOString(),
      recordedAt: new Date(f.recorded_at).toISOString(),
      recordedBy: f.recorded_by,
      recorderRole: f.recorder_role,
      provenance: parse(f.provenance) as Record<string, unknown>,
      fact: parse(f.data) as Record<string, unknown>,
      withdrawnAt: f.withdrawn_at ? new Date(f.withdrawn_at).toISOString() : null,
    })),
  };
}

/**
 * Upheld: the contested fact(s) are withdrawn and the status recomputed in the same transaction. Rejected: the reasons
 * are recorded. Either way the resident is told, and the outcome counts in the public report.
 */
export async function decideAppeal(
  ctx: AppContext,
  staff: Staff,
  id: string,
  input: { decision: 'uphold' | 'reject'; reasons: string; withdrawFactIds?: string[] | undefined },
) {
  const { a } = await loadForReviewer(ctx, staff, id);
  const reasons = input.reasons.trim();
  if (reasons.length < 20) throw badRequest('body.reasons: give the reasons in at least 20 characters');
  if (a.state !== 'open') throw conflict(`Appeal ${id} was already ${a.state}.`);
  const contested = parse(a.contested_fact_ids) as string[];
  let withdraw: string[] = [];
  if (input.decision === 'uphold') {
    if (a.subject_kind === 'fact') withdraw = contested;
    else {
      withdraw = [...new Set(input.withdrawFactIds ?? [])];
      if (withdraw.length === 0)
        throw badRequest('body.withdrawFactIds: name which of the contested facts are withdrawn');
      const foreign = withdraw.filter((f) => !contested.includes(f));
      if (foreign.length)
        throw badRequest(`body.withdrawFactIds: ${foreign.join(', ')} are not contested by this appeal`);
    }
  } else if (input.withdrawFactIds?.length)
    throw badRequest('body.withdrawFactIds: only an upheld appeal withdraws facts');
  await publishedRuleSets(ctx);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('appeals')
      .set({
        state: input.decision === 'uphold' ? 'upheld' : 'rejected',
        decided_at: now,
        decided_by: staff.id,
        decision_reasons: reasons,
        withdrawn_fact_ids: JSON.stringify(withdraw),
        reviewer_id: staff.id,
        assigned_at: a.assigned_at ?? now,
      })
      .where('id', '=', id)
      .where('state', '=', 'open')
      .returning('id')
      .execute();
    if (claimed.length === 0) throw conflict(`Appeal ${id} was decided meanwhile.`);
    if (withdraw.length) {
      await trx
        .updateTable('health_facts')
        .set({ withdrawn_at: now, withdrawn_reason: `appeal ${id} upheld: ${reasons}` })
        .where('id', 'in', withdraw)
        .where('withdrawn_at', 'is', null)
        .execute();
      for (const f of withdraw)
        await appendAudit(trx, now, {
          actor: actorOf(staff),
          action: 'fact.withdraw',
          subjectKind: 'health_fact',
          subjectId: f,
          personId: a.person_id,
          purpose: 'appeal_review',
          detail: { appeal: id },
        });
    }
    await appendAudit(trx, now, {
      actor: actorOf(staff),
      action: input.decision === 'uphold' ? 'appeal.uphold' : 'appeal.reject',
      subjectKind: 'appeal',
      subjectId: id,
      personId: a.person_id,
      purpose: 'appeal_review',
      detail: { withdrawn: withdraw },
    });
    await trx
      .insertInto('notifications')
      .values({
        id: randomUUID(),
        person_id: a.person_id,
        kind: input.decision === 'uphold' ? 'appeal_upheld' : 'appeal_rejected',
        payload: JSON.stringify({ appealId: id, reasons, withdrawnFactIds: withdraw }),
        created_at: now,
      })
      .execute();
    await emitEvent(trx, now, 'appeal.decided', {
      appealId: id,
      personId: a.person_id,
      decision: input.decision,
      withdrawn: withdraw,
    });
    if (withdraw.length) await recomputeStatusTx(trx, ctx, a.person_id, now, `appeal:${id}`);
  });
  const after = await getAppealRow(ctx.db, id);
  return { appeal: presentAppeal(after!, now), status: await currentStatus(ctx, a.person_id) };
}
