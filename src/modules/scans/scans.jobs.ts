import { jobs } from '../../platform/jobs.ts';
import { runScanRetention } from './partitions.ts';

// Hourly: partitions are created days ahead and the retention cut-off moves one day a day, so an hour is plenty.
if (!jobs.some((j) => j.name === 'scans.retention'))
  jobs.push({
    name: 'scans.retention',
    everyMs: 3600_000,
    run: async (ctx) => {
      const r = await runScanRetention(ctx);
      if (r.dropped.length || r.created.length)
        ctx.logger.info({ created: r.created, dropped: r.dropped }, 'scan partitions maintained');
    },
  });
