import type { Transaction } from 'kysely';
import type { DB } from '../../platform/database/schema.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import type { TaskRow } from './tasks.repository.ts';

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

export function presentTask(t: TaskRow, now: Date) {
  const open = t.status === 'open' || t.status === 'accepted';
  return {
    id: t.id,
    kind: t.kind,
    subject: { kind: t.subject_kind, id: t.subject_id },
    gridCode: t.grid_code,
    jurisdictionPath: t.jurisdiction_path,
    campaignId: t.campaign_id,
    form: t.form,
    status: t.status,
    assigneeId: t.assignee_id,
    dueAt: new Date(t.due_at).toISOString(),
    overdue: open && new Date(t.due_at) < now,
    attempts: t.attempts,
    note: t.note,
    result: (typeof t.result === 'string' ? JSON.parse(t.result) : t.result) as Record<string, unknown> | null,
    createdAt: new Date(t.created_at).toISOString(),
    acceptedAt: iso(t.accepted_at),
    completedAt: iso(t.completed_at),
  };
}
export type TaskView = ReturnType<typeof presentTask>;

/**
 * Announces a task change to the command-center feed. Only incident subjects are named: a household or resident
 * id would tell the feed who is being visited or followed up.
 */
export async function emitTaskEvent(
  trx: Transaction<DB>,
  at: Date,
  topic: 'task.created' | 'task.accepted' | 'task.completed' | 'task.reassigned' | 'task.cancelled' | 'task.visited',
  t: {
    id: string;
    kind: string;
    status: string;
    gridCode: string;
    path: string;
    assigneeId: string | null;
    dueAt: Date;
    campaignId: string | null;
    subjectKind: string;
    subjectId: string;
  },
): Promise<void> {
  await emitEvent(
    trx,
    at,
    topic,
    {
      taskId: t.id,
      kind: t.kind,
      status: t.status,
      gridCode: t.gridCode,
      path: t.path,
      assigneeId: t.assigneeId,
      dueAt: t.dueAt.toISOString(),
      campaignId: t.campaignId,
      incidentId: t.subjectKind === 'incident' ? t.subjectId : null,
    },
    t.id,
  );
}

export function eventTaskOf(t: TaskRow) {
  return {
    id: t.id,
    kind: t.kind,
    status: t.status,
    gridCode: t.grid_code,
    path: t.jurisdiction_path,
    assigneeId: t.assignee_id,
    dueAt: new Date(t.due_at),
    campaignId: t.campaign_id,
    subjectKind: t.subject_kind,
    subjectId: t.subject_id,
  };
}
