import { z } from 'zod';
import type { RouteModule } from '../../platform/http/types.ts';
import { transparencyReport } from './report.service.ts';

export const transparencyReportRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/transparency',
    {
      schema: {
        tags: ['transparency'],
        summary:
          'Public transparency report: statuses by color and district over time, facts by kind and source, overrides, appeals, anomaly flags, rule sets, emergencies, deletion certificates. Aggregates only; counts of 1–4 withheld.',
        security: [],
        querystring: z.object({ days: z.coerce.number().int().min(1).max(730).default(90) }),
        response: { 200: z.record(z.string(), z.unknown()) },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return (await transparencyReport(ctx, { days: req.query.days })) as unknown as Record<string, unknown>;
    },
  );
};
