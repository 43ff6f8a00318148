import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireSignedIn } from '../../platform/http/auth-hook.ts';
import { Problem, unprocessable } from '../../platform/http/problem.ts';
import type { RouteModule } from '../../platform/http/types.ts';
import { GEOJSON_KINDS, IMPORT_KINDS } from './import-report.ts';
import { runImport } from './import.service.ts';

const MAX_IMPORT_BYTES = 200 * 1024 * 1024;

export const ImportReportOut = z.object({
  kind: z.enum(IMPORT_KINDS),
  dryRun: z.boolean(),
  ok: z.boolean(),
  rows: z.number(),
  rejectedRows: z.number(),
  inserted: z.number(),
  rejections: z.array(
    z.object({
      line: z.number().optional().describe('CSV line number, the header being line 1'),
      feature: z.number().optional().describe('Index of the GeoJSON feature (0-based)'),
      field: z.string(),
      reason: z.string(),
    }),
  ),
  truncated: z.boolean(),
  ms: z.number(),
});

export const importRoutes: RouteModule = async (app, ctx) => {
  // File-body parsers live in this child context, so the rest of the API keeps taking JSON only.
  await app.register(async (child) => {
    const zapp = child.withTypeProvider<ZodTypeProvider>();
    zapp.addContentTypeParser(
      ['text/csv', 'application/geo+json'],
      { parseAs: 'string', bodyLimit: MAX_IMPORT_BYTES },
      (_req, body, done) => done(null, body),
    );
    zapp.post(
      '/imports/:kind',
      {
        schema: {
          tags: ['imports'],
          summary:
            'Import a file (admin): GeoJSON (application/geo+json) for jurisdictions and grids, CSV (text/csv) for households, residents and places. All rows or nothing; a rejected file gets 422 with every rejected row.',
          consumes: ['text/csv', 'application/geo+json'],
          params: z.object({ kind: z.enum(IMPORT_KINDS) }),
          querystring: z.object({
            dryRun: z
              .enum(['true', 'false'])
              .default('false')
              .transform((v) => v === 'true')
              .describe('Validate only; write nothing'),
          }),
          body: z.string().describe('The file'),
          response: { 200: ImportReportOut },
        },
      },
      async (req) => {
        const principal = requireSignedIn(req);
        const kind = req.params.kind;
        const expected = GEOJSON_KINDS.includes(kind) ? 'application/geo+json' : 'text/csv';
        const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
        if (type !== expected)
          throw new Problem(
            415,
            'Unsupported Media Type',
            `${kind} imports take ${expected}, not ${type || 'no content type'}`,
          );
        const report = await runImport(ctx, { kind, source: { text: req.body }, principal, dryRun: req.query.dryRun });
        if (!report.ok)
          throw unprocessable(`${report.rejectedRows} of ${report.rows} rows rejected; nothing was imported`, {
            ...report,
          });
        return report;
      },
    );
  });
};
