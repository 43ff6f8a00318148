import { z } from 'zod';
import type { RouteModule } from '../../platform/http/types.ts';
import { requireStaff } from '../../platform/http/auth-hook.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import { listFlags, resolveFlag, scanOnDemand } from './anomalies.service.ts';

const Any = z.record(z.string(), z.unknown());

export const anomalyRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/anomalies',
    {
      schema: {
        tags: ['anomalies'],
        summary: 'Anomaly flags, newest first, each naming its evidence (auditor)',
        querystring: PageQuery.extend({
          state: z.enum(['open', 'resolved']).optional(),
          detector: z
            .enum(['unsupported-status', 'exposure-burst', 'override-burst', 'recorder-scope', 'ruleset-mass-flip'])
            .optional(),
        }),
        response: { 200: z.object({ items: z.array(Any), nextCursor: z.string().nullable() }) },
      },
    },
    async (req) => listFlags(ctx, requireStaff(req), req.query),
  );
  app.post(
    '/anomalies/:id/resolve',
    {
      schema: {
        tags: ['anomalies'],
        summary: 'Resolve a flag with a note saying what was found and done (auditor)',
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({ note: z.string().min(1).max(4000) }),
        response: { 200: Any },
      },
    },
    async (req) => resolveFlag(ctx, requireStaff(req), req.params.id, req.body.note),
  );
  app.post(
    '/anomalies/scan',
    {
      schema: {
        tags: ['anomalies'],
        summary: 'Run every detector now over current statuses and the last window of activity (auditor)',
        response: {
          200: z.object({ raised: z.number(), updated: z.number(), checked: z.record(z.string(), z.number()) }),
        },
      },
    },
    async (req) => scanOnDemand(ctx, requireStaff(req)),
  );
};
