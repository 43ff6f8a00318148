import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { IncidentState, TimelineEvent } from '../../core/workflow/index.ts';
import type { DB } from '../../platform/database/schema.ts';
import { emitTaskEvent, eventTaskOf } from './tasks.presenter.ts';
import { findTask, insertTask, openIncidentTask, updateTask, type TaskRow } from './tasks.repository.ts';

/**
 * Keeps an incident's handling task in step with its workflow: the state machine decides, the task mirrors it so
 * the worker's list shows every incident they hold. One task per dispatch cycle: dispatch, resume and rework open
 * one; feedback completes it; return and park cancel it; reassignment and extensions update it.
 */
export async function syncIncidentTask(
  trx: Transaction<DB>,
  incident: { id: string; gridCode: string; communityId: string },
  after: IncidentState,
  event: TimelineEvent,
): Promise<string | null> {
  const at = new Date(event.at);
  const current = await openIncidentTask(trx, incident.id);
  const open = async (status: 'open' | 'accepted') => {
    if (current) await close(current, 'cancelled', { superseded: true });
    if (!after.assignee || !after.sla) return null;
    const id = randomUUID();
    await insertTask(trx, {
      id,
      kind: 'incident_handling',
      subjectKind: 'incident',
      subjectId: incident.id,
      gridCode: incident.gridCode,
      communityId: incident.communityId,
      campaignId: null,
      form: 'incident_feedback',
      status,
      assigneeId: after.assignee.id,
      dueAt: new Date(after.sla.dueAt),
      note: null,
      createdAt: at,
      createdBy: event.actor.id,
      acceptedAt: status === 'accepted' ? at : null,
    });
    await emitTaskEvent(trx, at, 'task.created', eventTaskOf((await findTask(trx, id)) as TaskRow));
    return id;
  };
  const close = async (t: TaskRow, status: 'completed' | 'cancelled', result: Record<string, unknown>) => {
    await updateTask(trx, t.id, {
      status,
      result: JSON.stringify(result),
      completed_at: at,
      completed_by: status === 'completed' ? event.actor.id : null,
    });
    await emitTaskEvent(trx, at, status === 'completed' ? 'task.completed' : 'task.cancelled', {
      ...eventTaskOf(t),
      status,
    });
    return t.id;
  };

  switch (event.type) {
    case 'dispatch':
      return open('open');
    case 'resume':
    case 'rework':
      return open(after.stage === 'handling' ? 'accepted' : 'open');
    case 'reassign': {
      if (!current) return open('open');
      const assigneeId = after.assignee?.id ?? null;
      await updateTask(trx, current.id, { assignee_id: assigneeId, status: 'open', accepted_at: null });
      await emitTaskEvent(trx, at, 'task.reassigned', { ...eventTaskOf(current), status: 'open', assigneeId });
      return current.id;
    }
    case 'accept':
      if (!current) return null;
      await updateTask(trx, current.id, { status: 'accepted', accepted_at: at });
      await emitTaskEvent(trx, at, 'task.accepted', { ...eventTaskOf(current), status: 'accepted' });
      return current.id;
    case 'feedback':
      return current ? close(current, 'completed', { result: event.reason }) : null;
    case 'return':
      return current ? close(current, 'cancelled', { returned: event.reason }) : null;
    case 'park':
      return current ? close(current, 'cancelled', { parked: event.reason }) : null;
    case 'approve_extension':
      if (!current || !after.sla) return null;
      await updateTask(trx, current.id, { due_at: new Date(after.sla.dueAt) });
      return current.id;
    default:
      return current?.id ?? null;
  }
}
