import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { authorize, inScope } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import { campaignProgress, isContact } from '../../core/workflow/index.ts';
import type { HouseholdProgress, VisitOutcome } from '../../core/workflow/index.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { badRequest, forbidden, notFound, unprocessable } from '../../platform/http/problem.ts';
import { decodeCursor, paginate } from '../../platform/http/pagination.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findJurisdiction } from '../jurisdictions/jurisdictions.repository.ts';
import type { TaskRow } from '../tasks/tasks.repository.ts';
import {
  campaignHouseholds,
  campaignVisits,
  findCampaign,
  insertCampaign,
  insertCampaignTasks,
  insertVisit,
  setHouseholdCount,
  type CampaignRow,
} from './campaigns.repository.ts';

function presentCampaign(c: CampaignRow, now: Date) {
  return {
    id: c.id,
    name: c.name,
    jurisdiction: { id: c.jurisdiction_id, path: c.path, name: { 'zh-CN': c.name_zh, en: c.name_en } },
    dueAt: new Date(c.due_at).toISOString(),
    past: new Date(c.due_at) < now,
    households: c.households,
    createdAt: new Date(c.created_at).toISOString(),
    createdBy: c.created_by,
  };
}

/**
 * Starts a door-to-door campaign: one visit task for every household in the jurisdiction, assigned to the
 * grids' workers. An empty scope is refused rather than creating a campaign nobody can work on.
 */
export async function createCampaign(
  ctx: AppContext,
  principal: Principal,
  body: { name: string; jurisdictionId: string; dueAt: string },
) {
  const j = await findJurisdiction(ctx.db, body.jurisdictionId);
  if (!j) throw unprocessable(`body.jurisdictionId: no jurisdiction with code ${body.jurisdictionId}`);
  const decision = authorize(principal, 'campaign.manage', { jurisdictionPath: j.path });
  if (!decision.allow) throw forbidden(decision.reason);
  const now = ctx.clock.now();
  const dueAt = new Date(body.dueAt);
  if (!(dueAt > now))
    throw unprocessable(`body.dueAt: ${dueAt.toISOString()} is not in the future (now ${now.toISOString()})`);
  const id = randomUUID();
  const by = principal.kind === 'staff' ? principal.id : 'system';
  await ctx.db.transaction().execute(async (trx) => {
    await insertCampaign(trx, { id, name: body.name, jurisdictionId: j.id, dueAt, createdAt: now, createdBy: by });
    const n = await insertCampaignTasks(trx, { id, path: j.path, dueAt, createdAt: now, createdBy: by });
    if (n === 0) throw unprocessable(`body.jurisdictionId: jurisdiction ${j.id} has no registered households`);
    await setHouseholdCount(trx, id, n);
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: 'campaign.create',
      subjectKind: 'campaign',
      subjectId: id,
      detail: { name: body.name, jurisdictionId: j.id, dueAt: dueAt.toISOString(), households: n },
    });
    await emitEvent(
      trx,
      now,
      'campaign.created',
      { campaignId: id, name: body.name, path: j.path, households: n, dueAt: dueAt.toISOString() },
      id,
    );
  });
  return presentCampaign((await findCampaign(ctx.db, id)) as CampaignRow, now);
}

async function loadCampaign(ctx: AppContext, principal: Principal, id: string): Promise<CampaignRow> {
  const c = await findCampaign(ctx.db, id);
  if (!c) throw notFound(`No campaign ${id}`);
  const decision = authorize(principal, 'campaign.manage', { jurisdictionPath: c.path });
  if (!decision.allow) throw forbidden(decision.reason);
  return c;
}

async function progressOf(ctx: AppContext, c: CampaignRow) {
  const households = await campaignHouseholds(ctx.db, c.id);
  const visits = await campaignVisits(ctx.db, c.id);
  const progress = campaignProgress(
    households.map((h) => ({ id: h.household_id, gridCode: h.grid_code, jurisdictionPath: h.path })),
    visits.map((v) => ({
      householdId: v.household_id,
      outcome: v.outcome,
      at: new Date(v.at).getTime(),
      workerId: v.worker_id,
    })),
  );
  return { progress, tasks: new Map(households.map((h) => [h.household_id, h])) };
}

export async function getCampaign(ctx: AppContext, principal: Principal, id: string) {
  return presentCampaign(await loadCampaign(ctx, principal, id), ctx.clock.now());
}

/** Coverage overall, per grid and per jurisdiction (the campaign's and those below it). */
export async function campaignCoverage(ctx: AppContext, principal: Principal, id: string) {
  const c = await loadCampaign(ctx, principal, id);
  const { progress } = await progressOf(ctx, c);
  return {
    campaign: presentCampaign(c, ctx.clock.now()),
    overall: progress.overall,
    byGrid: progress.byGrid,
    byJurisdiction: progress.byJurisdiction.filter((j) => inScope(c.path, j.jurisdictionPath)),
    followUp: progress.followUp.length,
  };
}

function presentHousehold(p: HouseholdProgress, task: { task_id: string; assignee_id: string | null } | undefined) {
  return {
    householdId: p.householdId,
    gridCode: p.gridCode,
    jurisdictionPath: p.jurisdictionPath,
    status: p.status,
    attempts: p.attempts,
    lastVisitAt: p.lastVisitAt === null ? null : new Date(p.lastVisitAt).toISOString(),
    taskId: task?.task_id ?? null,
    assigneeId: task?.assignee_id ?? null,
  };
}

/**
 * Households nobody has spoken to yet ("no dead ends"), by grid. Addresses are not listed: the assigned worker
 * sees them through their task and the registry, where the read is audited with its purpose.
 */
export async function unreachedHouseholds(
  ctx: AppContext,
  principal: Principal,
  id: string,
  q: { gridCode?: string | undefined; list?: 'unreached' | 'follow_up'; cursor?: string | undefined; limit: number },
) {
  const c = await loadCampaign(ctx, principal, id);
  const { progress, tasks } = await progressOf(ctx, c);
  const cursor = decodeCursor(q.cursor);
  if (cursor && (typeof cursor[0] !== 'string' || typeof cursor[1] !== 'string'))
    throw badRequest('query.cursor: not a cursor this API issued');
  const after = cursor ? `${cursor[0]}\u0000${cursor[1]}` : null;
  const source = q.list === 'follow_up' ? progress.followUp : progress.unreached;
  const rows = source
    .filter((p) => q.gridCode === undefined || p.gridCode === q.gridCode)
    .filter((p) => after === null || `${p.gridCode}\u0000${p.householdId}` > after)
    .slice(0, q.limit + 1);
  const page = paginate(rows, q.limit, (p) => [p.gridCode, p.householdId]);
  return {
    total: source.filter((p) => q.gridCode === undefined || p.gridCode === q.gridCode).length,
    items: page.items.map((p) => presentHousehold(p, tasks.get(p.householdId))),
    nextCursor: page.nextCursor,
  };
}

/**
 * Records a campaign visit from a completed visit form, inside the task's transaction. Returns whether the task
 * is finished: a visit where nobody was home keeps it open, so the household stays on the worker's list.
 */
export async function recordCampaignVisit(
  trx: Transaction<DB>,
  task: TaskRow,
  value: Record<string, unknown>,
  at: Date,
): Promise<boolean> {
  if (!task.campaign_id || !task.assignee_id) throw new Error(`task ${task.id} is not an assigned campaign visit`);
  const outcome = value.outcome as VisitOutcome;
  await insertVisit(trx, {
    id: randomUUID(),
    campaignId: task.campaign_id,
    householdId: task.subject_id,
    taskId: task.id,
    outcome,
    at,
    workerId: task.assignee_id,
    note: typeof value.note === 'string' ? value.note : null,
  });
  await emitEvent(
    trx,
    at,
    'campaign.visit',
    { campaignId: task.campaign_id, gridCode: task.grid_code, path: task.jurisdiction_path, outcome },
    task.campaign_id,
  );
  return isContact(outcome);
}

export async function listCampaigns(ctx: AppContext, principal: Principal) {
  if (principal.kind !== 'staff') throw forbidden('Campaigns are managed by officers.');
  const decision = authorize(principal, 'campaign.manage', { jurisdictionPath: principal.scopePath });
  if (!decision.allow) throw forbidden(decision.reason);
  const rows = await ctx.db
    .selectFrom('campaigns')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'campaigns.jurisdiction_id')
    .select([
      'campaigns.id',
      'campaigns.name',
      'campaigns.jurisdiction_id',
      'campaigns.due_at',
      'campaigns.households',
      'campaigns.created_at',
      'campaigns.created_by',
      'jurisdictions.path',
      'jurisdictions.name_zh',
      'jurisdictions.name_en',
    ])
    .where((eb) =>
      eb.or([
        eb('jurisdictions.path', '=', principal.scopePath),
        eb('jurisdictions.path', 'like', `${principal.scopePath}.%`),
      ]),
    )
    .orderBy('campaigns.created_at', 'desc')
    .limit(500)
    .execute();
  const now = ctx.clock.now();
  return { items: rows.map((r) => presentCampaign(r, now)) };
}
