import type { AppContext } from '../../platform/context.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import { jobs } from '../../platform/jobs.ts';
import { sweepActiveRiskAreas } from './risk-areas.service.ts';
import { runPendingTracing, traceCase } from './tracing.service.ts';

const subscribed = new WeakSet<EventBus>();

/**
 * Tracing reacts to the outbox: a case opened (or asking to be traced again) is traced as soon as the event is relayed.
 * The job below is the safety net for events lost to a crash between commit and relay.
 */
export function subscribeTracing(ctx: AppContext): void {
  if (subscribed.has(ctx.bus)) return;
  subscribed.add(ctx.bus);
  const trace = async (payload: Record<string, unknown>) => {
    if (typeof payload.caseId === 'string') await traceCase(ctx, payload.caseId);
  };
  ctx.bus.subscribe('case.opened', (e) => trace(e.payload));
  ctx.bus.subscribe('case.trace_requested', (e) => trace(e.payload));
}

if (!jobs.some((j) => j.name === 'tracing.pending'))
  jobs.push(
    { name: 'tracing.pending', everyMs: 60_000, run: async (ctx) => void (await runPendingTracing(ctx)) },
    { name: 'tracing.risk_areas', everyMs: 15 * 60_000, run: async (ctx) => void (await sweepActiveRiskAreas(ctx)) },
  );
