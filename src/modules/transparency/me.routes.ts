import { z } from 'zod';
import type { RouteModule } from '../../platform/http/types.ts';
import { requireResident } from '../../platform/http/auth-hook.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import { accessLog } from './access-log.ts';
import { myTransparency } from './me-transparency.service.ts';

const Any = z.record(z.string(), z.unknown());

export const meTransparencyRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/me/access-log',
    {
      schema: {
        tags: ['me'],
        summary:
          'Who read or changed my data — kind, role, jurisdiction and staff id — when, and for what stated purpose (newest first)',
        querystring: PageQuery,
        response: { 200: z.object({ items: z.array(Any), nextCursor: z.string().nullable() }) },
      },
    },
    async (req) => accessLog(ctx, requireResident(req).id, req.query),
  );
  app.get(
    '/me/transparency',
    {
      schema: {
        tags: ['me'],
        summary:
          'Everything about me in one place: status and reasons, status changes with rule-set versions, facts and their sources, overrides, appeals, access log',
        response: { 200: Any },
      },
    },
    async (req) => (await myTransparency(ctx, requireResident(req).id)) as unknown as Record<string, unknown>,
  );
};
