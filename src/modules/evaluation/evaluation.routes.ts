import { z } from 'zod';
import { requireSignedIn } from '../../platform/http/auth-hook.ts';
import type { RouteModule } from '../../platform/http/types.ts';
import { evaluationCsv } from './evaluation.csv.ts';
import { EVALUATION_GROUPINGS } from './evaluation.queries.ts';
import { evaluation } from './evaluation.service.ts';

const Instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' });
const Metrics = z.object({
  reported: z.number(),
  rejected: z.number(),
  filed: z.number(),
  dueForClosure: z.number(),
  closed: z.number(),
  closedOnTime: z.number(),
  open: z.number(),
  parked: z.number(),
  overdue: z.number(),
  handled: z.number(),
  reworked: z.number(),
  closureRate: z.number().nullable(),
  onTimeClosureRate: z.number().nullable(),
  reworkRate: z.number().nullable(),
  averageHandlingMs: z.number().nullable(),
  averageClosingMs: z.number().nullable(),
});
const Label = z.object({ 'zh-CN': z.string(), en: z.string() });

export const evaluationRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/evaluation',
    {
      schema: {
        tags: ['evaluation'],
        summary:
          'Closure rate, on-time closure rate, average handling time and rework rate over a period, per grid, worker, department, jurisdiction (every level) or category (officers, within their jurisdiction). format=csv downloads it.',
        querystring: z.object({
          from: Instant,
          to: Instant,
          asOf: Instant.optional(),
          groupBy: z.enum(EVALUATION_GROUPINGS).default('none'),
          jurisdictionId: z.string().min(1).max(20).optional(),
          format: z.enum(['json', 'csv']).default('json'),
        }),
        response: {
          // The CSV download is text; the union keeps the JSON shape documented.
          200: z.union([
            z.object({
              period: z.object({ from: z.string(), to: z.string(), asOf: z.string() }),
              scope: z.string(),
              groupBy: z.string(),
              total: Metrics,
              groups: z.array(z.object({ key: z.string().nullable(), label: Label.nullable(), metrics: Metrics })),
            }),
            z.string().describe('CSV (format=csv)'),
          ]),
        },
      },
    },
    async (req, reply) => {
      const result = await evaluation(ctx, requireSignedIn(req), req.query);
      if (req.query.format === 'json') return result;
      const name = `evaluation-${req.query.groupBy}-${result.period.from.slice(0, 10)}-${result.period.to.slice(0, 10)}.csv`;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .serializer((p: unknown) => p as string)
        .send(evaluationCsv(result));
    },
  );
};
