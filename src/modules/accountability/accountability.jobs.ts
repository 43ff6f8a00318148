import { jobs, type Job } from '../../platform/jobs.ts';
import { createCheckpoint } from '../audit/checkpoints.service.ts';
import { recordLapses } from '../emergencies/emergencies.service.ts';

let registered = false;

/** Background jobs of the accountability module, added once to the platform's job list. */
export function registerAccountabilityJobs(): void {
  if (registered) return;
  registered = true;
  const list: Job[] = [
    {
      name: 'audit-checkpoint',
      // The interval comes from config at run time; the timer ticks every 5 s and the job decides whether it is due.
      everyMs: 5_000,
      run: (() => {
        let last = 0;
        return async (ctx) => {
          const now = Date.now();
          if (now - last < ctx.config.AUDIT_CHECKPOINT_INTERVAL_SECONDS * 1000) return;
          last = now;
          await createCheckpoint(ctx);
        };
      })(),
    },
    { name: 'emergency-lapses', everyMs: 60_000, run: async (ctx) => void (await recordLapses(ctx)) },
  ];
  jobs.push(...list);
}
