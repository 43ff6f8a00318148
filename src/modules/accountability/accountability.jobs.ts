import type { AppContext } from '../../platform/context.ts';
import { jobs, type Job } from '../../platform/jobs.ts';
import { scanNow } from '../anomalies/detection.ts';
import { createCheckpoint } from '../audit/checkpoints.service.ts';
import { sealAuditChain } from '../audit/sealer.ts';
import { recordLapses } from '../emergencies/emergencies.service.ts';
import { runPurge } from '../retention/purge.service.ts';
import { snapshotStatusCounts } from '../transparency/status-counts.ts';

let registered = false;

/** Runs `fn` at most once per `intervalMs` of wall time, however often the job timer ticks. */
function every(intervalMs: (ctx: AppContext) => number, fn: (ctx: AppContext) => Promise<unknown>) {
  let last = 0;
  return async (ctx: AppContext) => {
    const now = Date.now();
    if (now - last < intervalMs(ctx)) return;
    last = now;
    await fn(ctx);
  };
}

/** Background jobs of the accountability module, added once to the platform's job list. */
export function registerAccountabilityJobs(): void {
  if (registered) return;
  registered = true;
  const list: Job[] = [
    // Committed audit entries are linked into the hash chain within a quarter second.
    { name: 'audit-seal', everyMs: 250, run: async (ctx) => void (await sealAuditChain(ctx)) },
    {
      name: 'audit-checkpoint',
      everyMs: 5_000,
      run: every((ctx) => ctx.config.AUDIT_CHECKPOINT_INTERVAL_SECONDS * 1000, createCheckpoint),
    },
    { name: 'emergency-lapses', everyMs: 60_000, run: async (ctx) => void (await recordLapses(ctx)) },
    // Continuous detection watches the event stream; this sweep catches what it could not (a process was down).
    {
      name: 'anomaly-sweep',
      everyMs: 60_000,
      run: every(
        () => 15 * 60_000,
        (ctx) => scanNow(ctx),
      ),
    },
    { name: 'status-daily-counts', everyMs: 60_000, run: every(() => 3600_000, snapshotStatusCounts) },
    {
      name: 'retention-purge',
      everyMs: 60_000,
      run: every(
        () => 24 * 3600_000,
        (ctx) => runPurge(ctx, { dryRun: false, trigger: 'schedule', actor: { kind: 'system', id: 'retention' } }),
      ),
    },
  ];
  jobs.push(...list);
}
