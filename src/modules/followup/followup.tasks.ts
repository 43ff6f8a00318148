import type { Transaction } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import { createTask } from '../tasks/tasks.service.ts';

/** The one thing follow-up needs from the task engine: a quarantine follow-up task for a resident's grid worker. */
export async function followUpTask(
  trx: Transaction<DB>,
  ctx: AppContext,
  input: { personId: string; gridCode: string; dueAt: Date; note: string; at: Date },
): Promise<string> {
  const task = await createTask(trx, ctx, {
    kind: 'quarantine_follow_up',
    subject: { kind: 'resident', id: input.personId },
    gridCode: input.gridCode,
    dueAt: input.dueAt,
    note: input.note,
    actor: { kind: 'system', id: 'followup' },
    at: input.at,
  });
  return task.id;
}
