import { z } from 'zod';
import type { RouteModule } from '../../platform/http/types.ts';
import { requireStaff } from '../../platform/http/auth-hook.ts';
import { gridStats } from './grid-stats.service.ts';
import { areaStats, listMetrics, statusTimeline } from './stats.service.ts';

const Code = z.string().regex(/^\d{6}(\d{3}){0,2}$/, 'must be a 6-, 9- or 12-digit jurisdiction code');
const Label = z.object({ 'zh-CN': z.string(), en: z.string() });
const MetricList = z
  .string()
  .min(1)
  .max(300)
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

export const statsRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/stats/metrics',
    {
      schema: {
        tags: ['stats'],
        summary: 'Metrics the command-center map can colour by',
        response: {
          200: z.object({ items: z.array(z.object({ id: z.string(), label: Label, combine: z.string() })) }),
        },
      },
    },
    async (req) => {
      requireStaff(req);
      return { items: listMetrics() };
    },
  );
  app.get(
    '/stats/areas',
    {
      schema: {
        tags: ['stats'],
        summary: 'Aggregate figures for each child area of a jurisdiction (or each grid of a community); counts only',
        querystring: z.object({
          parent: Code,
          metrics: z
            .string()
            .min(1)
            .max(300)
            .transform((s) =>
              s
                .split(',')
                .map((x) => x.trim())
                .filter(Boolean),
            ),
        }),
        response: {
          200: z.object({
            parentId: z.string(),
            level: z.string(),
            metrics: z.array(z.object({ id: z.string(), label: Label })),
            items: z.array(z.object({ id: z.string(), grids: z.number(), values: z.record(z.string(), z.number()) })),
          }),
        },
      },
    },
    async (req) => areaStats(ctx, requireStaff(req), req.query.parent, req.query.metrics),
  );
  app.get(
    '/stats/grids',
    {
      schema: {
        tags: ['stats'],
        summary:
          'Figures per unit grid under a jurisdiction (the map zoomed in, asked per area in view); only grids with a non-zero figure are listed, the others have 0; counts only',
        querystring: z.object({ parent: Code, metrics: MetricList }),
        response: {
          200: z.object({
            parentId: z.string(),
            metrics: z.array(z.object({ id: z.string(), label: Label })),
            items: z.array(z.object({ code: z.string(), values: z.record(z.string(), z.number()) })),
          }),
        },
      },
    },
    async (req) => gridStats(ctx, requireStaff(req), req.query.parent, req.query.metrics),
  );
  app.get(
    '/stats/status-timeline',
    {
      schema: {
        tags: ['stats'],
        summary: 'Status changes per day in a jurisdiction (counts)',
        querystring: z.object({ jurisdiction: Code, days: z.coerce.number().int().min(1).max(365).default(30) }),
        response: {
          200: z.object({
            jurisdictionId: z.string(),
            from: z.string(),
            to: z.string(),
            days: z.array(z.object({ day: z.string(), red: z.number(), yellow: z.number(), green: z.number() })),
          }),
        },
      },
    },
    async (req) => statusTimeline(ctx, requireStaff(req), req.query.jurisdiction, req.query.days),
  );
};
