import { z } from 'zod';
import { appliedMigration } from '../database/migrator.ts';
import type { RouteModule } from './types.ts';

export const healthRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and database status',
        response: {
          200: z.object({
            status: z.literal('ok'),
            database: z.object({ kind: z.enum(['pglite', 'postgres']), migration: z.string().nullable() }),
            time: z.string(),
            version: z.string(),
          }),
        },
      },
    },
    async () => ({
      status: 'ok' as const,
      database: { kind: ctx.dbKind, migration: await appliedMigration(ctx.db) },
      time: ctx.clock.now().toISOString(),
      version: '0.1.0',
    }),
  );
};
