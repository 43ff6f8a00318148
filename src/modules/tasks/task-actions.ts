import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { conflict, notFound, unprocessable } from '../../platform/http/problem.ts';
import { recordCampaignVisit } from '../campaigns/campaigns.service.ts';
import { applyIncidentAction } from '../incidents/incident-actions.service.ts';
import { checkResult } from './task-forms.ts';
import type { TaskView } from './tasks.presenter.ts';
import { findTask, type TaskRow } from './tasks.repository.ts';
import { acceptTask, completeTask, getTask, reassignTask } from './tasks.service.ts';

/**
 * The task endpoints for every kind. An incident's handling task is a view of the incident's workflow, so working
 * on it goes through the state machine (accept → accept, complete → feedback, reassign → reassign) and the task
 * follows; campaign visits record the visit; other kinds are plain tasks.
 */

async function load(ctx: AppContext, id: string): Promise<TaskRow> {
  const t = await findTask(ctx.db, id);
  if (!t) throw notFound(`No task ${id}`);
  if (t.status === 'completed') throw conflict(`task ${id} is already completed`);
  if (t.status === 'cancelled') throw conflict(`task ${id} was cancelled`);
  return t;
}

export async function acceptAnyTask(ctx: AppContext, principal: Principal, id: string): Promise<TaskView> {
  const t = await load(ctx, id);
  if (t.kind !== 'incident_handling') return acceptTask(ctx, principal, id);
  await applyIncidentAction(ctx, principal, t.subject_id, { type: 'accept' });
  return getTask(ctx, principal, id);
}

export async function completeAnyTask(
  ctx: AppContext,
  principal: Principal,
  id: string,
  result: unknown,
): Promise<TaskView> {
  const t = await load(ctx, id);
  if (t.kind === 'campaign_visit') return completeTask(ctx, principal, id, result, recordCampaignVisit);
  if (t.kind !== 'incident_handling') return completeTask(ctx, principal, id, result);
  const checked = checkResult('incident_feedback', result);
  if (!checked.ok)
    throw unprocessable(checked.errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors: checked.errors });
  await applyIncidentAction(ctx, principal, t.subject_id, { type: 'feedback', reason: String(checked.value.result) });
  return getTask(ctx, principal, id);
}

export async function reassignAnyTask(
  ctx: AppContext,
  principal: Principal,
  id: string,
  body: { assigneeId?: string | undefined; reason: string },
): Promise<TaskView> {
  const t = await load(ctx, id);
  if (t.kind !== 'incident_handling') return reassignTask(ctx, principal, id, body);
  await applyIncidentAction(ctx, principal, t.subject_id, {
    type: 'reassign',
    reason: body.reason,
    assigneeId: body.assigneeId,
  });
  return getTask(ctx, principal, id);
}
