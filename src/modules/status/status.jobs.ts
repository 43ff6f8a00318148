import { jobs } from '../../platform/jobs.ts';
import { runStatusScheduler } from './status.service.ts';

// Statuses whose period ends, override expires or rule set changes are re-evaluated within a minute.
jobs.push({ name: 'status.scheduler', everyMs: 60_000, run: async (ctx) => void (await runStatusScheduler(ctx)) });
