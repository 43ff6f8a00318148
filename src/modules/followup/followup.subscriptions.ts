import type { AppContext } from '../../platform/context.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import { jobs } from '../../platform/jobs.ts';
import { onStatusChanged, runFollowUpDaily } from './followup.service.ts';

const subscribed = new WeakSet<EventBus>();

/** Follow-up follows the status: every colour change is relayed here from the outbox. */
export function subscribeFollowUp(ctx: AppContext): void {
  if (subscribed.has(ctx.bus)) return;
  subscribed.add(ctx.bus);
  ctx.bus.subscribe('status.changed', async (e) => {
    const { personId, to, colorChanged } = e.payload as { personId?: unknown; to?: unknown; colorChanged?: unknown };
    if (typeof personId === 'string' && typeof to === 'string' && colorChanged !== false)
      await onStatusChanged(ctx, personId, to);
  });
}

// Every 15 minutes: cheap when nothing is due, and a new day's tasks appear soon after midnight.
if (!jobs.some((j) => j.name === 'followup.daily'))
  jobs.push({ name: 'followup.daily', everyMs: 15 * 60_000, run: async (ctx) => void (await runFollowUpDaily(ctx)) });
