import { escalate } from '../../core/workflow/index.ts';
import type { AppContext } from '../../platform/context.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import type { Job } from '../../platform/jobs.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { loadWorkflow } from './categories.service.ts';
import { columnsAfter, nextEscalationAt } from './incident-columns.ts';
import { incidentEventPayload } from './incident-events.ts';
import { columnsOf, insertEvent, lockIncident, updateIncident } from './incidents.repository.ts';

export interface OverdueScan {
  /** Incidents that escalated one or more levels in this scan. */
  escalated: number;
  /** Of those, the ones that had just become overdue. */
  newlyOverdue: number;
}

/**
 * Finds incidents whose next escalation threshold has passed on the injected clock and records the escalation
 * (督办) on their timelines, one transaction per incident. Emits `incident.overdue` the first time a clock runs
 * out and `incident.escalated` for every new level, both carrying the path the command-center feed filters on.
 */
export async function runOverdueScan(ctx: AppContext, opts: { limit?: number } = {}): Promise<OverdueScan> {
  const { config } = await loadWorkflow(ctx);
  const now = ctx.clock.now();
  const due = await ctx.db
    .selectFrom('incidents')
    .select('id')
    .where('next_escalation_at', '<', now)
    .orderBy('next_escalation_at')
    .limit(opts.limit ?? 1000)
    .execute();
  const scan: OverdueScan = { escalated: 0, newlyOverdue: 0 };
  for (const { id } of due) {
    await ctx.db.transaction().execute(async (trx) => {
      const row = await lockIncident(trx, id);
      if (!row) return;
      const result = escalate(row.state, now.getTime(), config);
      if (!result || !result.ok) {
        // Nothing new is due (another process escalated it, or the calendar changed): re-arm the scanner.
        await trx
          .updateTable('incidents')
          .set({ next_escalation_at: nextEscalationAt(row.state, config) })
          .where('id', '=', id)
          .execute();
        return;
      }
      const { next, event } = result;
      await updateIncident(trx, id, columnsAfter(columnsOf(row), row.state, next, event, config), next);
      await insertEvent(trx, event);
      const escalation = event.escalation;
      await appendAudit(trx, now, {
        actor: { kind: 'system', id: 'incident-escalation' },
        action: 'incident.escalated',
        subjectKind: 'incident',
        subjectId: id,
        detail: { seq: event.seq, stage: next.stage, reason: event.reason, escalation },
      });
      const payload = incidentEventPayload(next, event);
      if ((escalation?.fromLevel ?? 0) === 0) {
        await emitEvent(trx, now, 'incident.overdue', payload, id);
        scan.newlyOverdue++;
      }
      await emitEvent(trx, now, 'incident.escalated', payload, id);
      scan.escalated++;
    });
  }
  return scan;
}

export const overdueJob: Job = {
  name: 'incidents.overdue',
  everyMs: 60_000,
  run: async (ctx) => {
    await runOverdueScan(ctx);
  },
};
