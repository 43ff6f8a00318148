import type { AppContext } from './context.ts';
import { overdueJob } from '../modules/incidents/overdue.ts';

export interface Job {
  name: string;
  everyMs: number;
  run(ctx: AppContext): Promise<void>;
}

/** Periodic background jobs (schedulers, retention, escalation). Modules add theirs to `jobs`. */
export const jobs: Job[] = [];
jobs.push(overdueJob);

export function startBackgroundJobs(ctx: AppContext) {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  for (const job of jobs) {
    const t = setInterval(() => {
      const p = job
        .run(ctx)
        .catch((err: unknown) => ctx.logger.error({ err, job: job.name }, 'background job failed'))
        .finally(() => running.delete(p));
      running.add(p);
    }, job.everyMs);
    t.unref();
    timers.push(t);
  }
  return {
    async stop() {
      for (const t of timers) clearInterval(t);
      await Promise.all(running);
    },
  };
}
