import { Readable } from 'node:stream';
import { z } from 'zod';
import type { RouteModule } from '../../platform/http/types.ts';
import { requireStaff } from '../../platform/http/auth-hook.ts';
import {
  decideExport,
  downloadExport,
  getRequest,
  listRequests,
  PERSONAL_EXPORT_KINDS,
  requestExport,
  requireExportViewer,
} from './export-approvals.service.ts';

const Any = z.record(z.string(), z.unknown());

export const exportApprovalRoutes: RouteModule = (app, ctx) => {
  app.post(
    '/exports/requests',
    {
      schema: {
        tags: ['exports'],
        summary:
          'Request a bulk export of personal data (admin). A different administrator or an auditor must approve it; then it can be downloaded once.',
        body: z.strictObject({
          kind: z.enum(PERSONAL_EXPORT_KINDS),
          jurisdictionId: z.string().min(1).max(20).nullable().default(null),
          reason: z.string().min(1).max(2000),
        }),
        response: { 201: Any },
      },
    },
    async (req, reply) => reply.status(201).send(await requestExport(ctx, requireStaff(req), req.body)),
  );
  app.get(
    '/exports/requests',
    {
      schema: {
        tags: ['exports'],
        summary: 'Export requests and their state (administrators and auditors)',
        response: { 200: z.object({ items: z.array(Any) }) },
      },
    },
    async (req) => ({ items: await listRequests(ctx, requireStaff(req)) }),
  );
  app.post(
    '/exports/requests/:id/decision',
    {
      schema: {
        tags: ['exports'],
        summary: 'Approve or reject an export request (a different administrator, or an auditor)',
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({ decision: z.enum(['approve', 'reject']), note: z.string().min(1).max(2000) }),
        response: { 200: Any },
      },
    },
    async (req) => decideExport(ctx, requireStaff(req), req.params.id, req.body),
  );
  app.get(
    '/exports/requests/:id/download',
    {
      schema: {
        tags: ['exports'],
        summary:
          'Download an approved export, once (the requester only). CSV in the import format; masked ID numbers only.',
        params: z.object({ id: z.uuid() }),
      },
    },
    async (req, reply) => {
      const exp = await downloadExport(ctx, requireStaff(req), req.params.id);
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${exp.kind}-${req.params.id}.csv"`)
        .header('x-record-count', String(exp.count));
      return reply.send(Readable.from(exp.chunks));
    },
  );
  app.get(
    '/exports/requests/:id',
    {
      schema: {
        tags: ['exports'],
        summary: 'One export request (administrators and auditors)',
        params: z.object({ id: z.uuid() }),
        response: { 200: Any },
      },
    },
    async (req) => {
      requireExportViewer(requireStaff(req));
      return getRequest(ctx, req.params.id);
    },
  );
};
