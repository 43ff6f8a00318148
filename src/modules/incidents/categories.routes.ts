import { z } from 'zod';
import { requireSignedIn } from '../../platform/http/auth-hook.ts';
import type { RouteModule } from '../../platform/http/types.ts';
import { currentCalendar, currentCategoryTree, replaceCalendar, replaceCategoryTree } from './categories.service.ts';

const Any = z.record(z.string(), z.unknown());
const TreeOut = z.object({ version: z.number(), tree: Any });

export const categoryRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/incident-categories',
    {
      schema: {
        tags: ['incidents'],
        summary: 'The incident category tree in force: codes, names, time limits per phase, handling department',
        security: [],
        response: { 200: TreeOut },
      },
    },
    async () => {
      const { version, tree } = await currentCategoryTree(ctx);
      return { version, tree: tree as unknown as Record<string, unknown> };
    },
  );
  app.put(
    '/incident-categories',
    {
      schema: {
        tags: ['incidents'],
        summary:
          'Replace the category tree (admin). Its version must be the next one; every problem is reported with its path; categories with incidents can be retired (active: false) but not removed.',
        body: Any,
        response: { 200: TreeOut },
      },
    },
    async (req) => {
      const { version, tree } = await replaceCategoryTree(ctx, requireSignedIn(req), req.body);
      return { version, tree: tree as unknown as Record<string, unknown> };
    },
  );
  app.get(
    '/incident-calendar',
    {
      schema: {
        tags: ['incidents'],
        summary: 'The office calendar working-time limits count in (urgent limits run 24/7)',
        security: [],
        response: { 200: Any },
      },
    },
    async () => (await currentCalendar(ctx)) as unknown as Record<string, unknown>,
  );
  app.put(
    '/incident-calendar',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Set the office calendar: working weekdays, periods, UTC offset, holidays and make-up days (admin)',
        body: Any,
        response: { 200: Any },
      },
    },
    async (req) => (await replaceCalendar(ctx, requireSignedIn(req), req.body)) as unknown as Record<string, unknown>,
  );
};
