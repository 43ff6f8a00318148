import { z } from 'zod';
import type { RouteModule } from '../../platform/http/types.ts';
import { requireResident, requireSignedIn } from '../../platform/http/auth-hook.ts';
import { PageQuery, pageSchema } from '../../platform/http/pagination.ts';
import { Problem } from '../../platform/http/problem.ts';
import { placeCheckIns, placeCode, placePoster } from './place-codes.service.ts';
import { ingestScans, MAX_SCAN_BATCH, myScans, ScanItemSchema } from './scans.service.ts';
import './scans.jobs.ts';

const ItemResult = z.object({
  index: z.number().int(),
  clientId: z.string().nullable(),
  status: z.enum(['accepted', 'duplicate', 'rejected']),
  scanId: z.string().nullable(),
  error: z.object({ code: z.string(), field: z.string(), message: z.string() }).nullable(),
});
const Report = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  items: z.array(ItemResult),
});

export const scanRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/places/:id/code',
    {
      schema: {
        tags: ['scans'],
        summary: "A freshly signed place code (TSP1) for a place's poster (its officers, admins or its venue operator)",
        params: z.object({ id: z.uuid() }),
        response: {
          200: z.object({
            placeId: z.string(),
            code: z.string(),
            issuer: z.string(),
            kid: z.string(),
            issuedAt: z.string(),
            expiresAt: z.string(),
          }),
        },
      },
    },
    async (req) => placeCode(ctx, requireSignedIn(req), req.params.id),
  );
  app.get(
    '/places/:id/poster.svg',
    {
      schema: {
        tags: ['scans'],
        summary:
          'A printable A4 poster (SVG) with the QR place code, the name in zh-CN and English and the jurisdiction',
        params: z.object({ id: z.uuid() }),
        produces: ['image/svg+xml'],
      },
    },
    async (req, reply) => {
      const { svg } = await placePoster(ctx, requireSignedIn(req), req.params.id);
      return reply
        .type('image/svg+xml; charset=utf-8')
        .header('content-disposition', `inline; filename="place-${req.params.id}.svg"`)
        .send(svg);
    },
  );
  app.get(
    '/places/:id/check-ins',
    {
      schema: {
        tags: ['scans'],
        summary:
          'How many check-ins a place recorded on a UTC day, today by default: a count, never who (its officers, admins or its venue operator)',
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ day: z.iso.date().optional() }),
        response: { 200: z.object({ placeId: z.string(), day: z.string(), count: z.number().int() }) },
      },
    },
    async (req) => placeCheckIns(ctx, requireSignedIn(req), req.params.id, req.query.day),
  );

  app.post(
    '/scans',
    {
      schema: {
        tags: ['scans'],
        summary:
          `Record one scan, or a batch of up to ${MAX_SCAN_BATCH} as {"scans": [...]}. Residents send place codes they ` +
          "scanned; checkpoint device tokens send residents' codes. Each item has a client-generated id: a retry is " +
          'reported as a duplicate and never stored twice. Every item gets its own verdict; valid items are kept.',
        body: z.looseObject({
          scans: z.array(z.unknown()).min(1).max(MAX_SCAN_BATCH).optional().describe('A batch of scan items'),
          clientId: ScanItemSchema.shape.clientId.optional(),
        }),
        response: { 200: Report, 201: Report },
      },
    },
    async (req, reply) => {
      const principal = requireSignedIn(req);
      const batch = req.body.scans;
      const report = await ingestScans(ctx, principal, batch ?? [req.body]);
      if (batch) return reply.status(200).send(report);
      const only = report.items[0]!;
      if (only.status === 'rejected')
        throw new Problem(422, 'Scan rejected', `${only.error!.field}: ${only.error!.message}`, {
          code: only.error!.code,
          errors: [{ field: only.error!.field, message: only.error!.message }],
        });
      return reply.status(only.status === 'accepted' ? 201 : 200).send(report);
    },
  );

  app.get(
    '/me/scans',
    {
      schema: {
        tags: ['me'],
        summary: 'My scans, newest first (kept only for the retention period)',
        querystring: PageQuery,
        response: {
          200: pageSchema(
            z.object({
              id: z.string(),
              scannedAt: z.string(),
              direction: z.enum(['place_code', 'person_code']),
              place: z.object({
                id: z.string(),
                nameZh: z.string().nullable(),
                nameEn: z.string().nullable(),
                category: z.string().nullable(),
              }),
            }),
          ),
        },
      },
    },
    async (req) => myScans(ctx, requireResident(req).id, req.query),
  );
};
