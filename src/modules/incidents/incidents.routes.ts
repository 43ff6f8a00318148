import { z } from 'zod';
import { requireSignedIn } from '../../platform/http/auth-hook.ts';
import type { RouteModule } from '../../platform/http/types.ts';
import { applyIncidentAction } from './incident-actions.service.ts';
import {
  ActionBody,
  IdParam,
  IncidentOut,
  IncidentSummary,
  ListQuery,
  ReportBody,
  ReportOut,
  ReportQuery,
} from './incidents.schema.ts';
import { fileReport, getIncidentView, getPhoto, listIncidents } from './incidents.service.ts';
import { MAX_PHOTO_BYTES, MAX_PHOTOS } from './photos.ts';

// Four base64 photos of the largest size plus the rest of the report.
const REPORT_BODY_LIMIT = Math.ceil((MAX_PHOTOS * MAX_PHOTO_BYTES * 4) / 3) + 256 * 1024;

export const incidentRoutes: RouteModule = (app, ctx) => {
  app.post(
    '/incidents',
    {
      bodyLimit: REPORT_BODY_LIMIT,
      schema: {
        tags: ['incidents'],
        summary:
          'Report an incident (residents, grid workers, officers). The point is routed to its unit grid. A report within 50 m of an open incident of the same category gets 409 with the candidates: attach with ?duplicateOf=<id> or file anyway with ?allowDuplicate=true.',
        body: ReportBody,
        querystring: ReportQuery,
        response: { 200: ReportOut, 201: ReportOut },
      },
    },
    async (req, reply) => {
      const principal = requireSignedIn(req);
      const outcome = await fileReport(ctx, principal, req.body, {
        allowDuplicate: req.query.allowDuplicate,
        duplicateOf: req.query.duplicateOf,
      });
      const incident =
        outcome.kind === 'created' || principal.kind === 'staff'
          ? await getIncidentView(ctx, principal, outcome.id)
          : null;
      return reply
        .status(outcome.kind === 'created' ? 201 : 200)
        .send({ outcome: outcome.kind, incidentId: outcome.id, incident });
    },
  );
  app.get(
    '/incidents',
    {
      schema: {
        tags: ['incidents'],
        summary:
          'Incidents newest first: staff within their jurisdiction (filter by grid, jurisdiction, stage, overdue); residents their own reports',
        querystring: ListQuery,
        response: { 200: z.object({ items: z.array(IncidentSummary), nextCursor: z.string().nullable() }) },
      },
    },
    async (req) => listIncidents(ctx, requireSignedIn(req), req.query),
  );
  app.get(
    '/incidents/:id',
    {
      schema: {
        tags: ['incidents'],
        summary:
          "An incident with its timeline (who, when, why). Staff who state a purpose also see the reporter's contact preference; that read is audited.",
        params: IdParam,
        querystring: z.object({ purpose: z.string().max(50).optional() }),
        response: { 200: IncidentOut },
      },
    },
    async (req) => getIncidentView(ctx, requireSignedIn(req), req.params.id, req.query.purpose),
  );
  app.post(
    '/incidents/:id/actions',
    {
      bodyLimit: REPORT_BODY_LIMIT,
      schema: {
        tags: ['incidents'],
        summary:
          'Take one workflow step (file, reject, dispatch, accept, feedback, return, request/approve/deny extension, park, escalate (督办: the next jurisdiction level up supervises; the clock keeps running), resume, rework, close, evaluate). The state machine refuses forbidden steps with a precise reason and changes nothing.',
        params: IdParam,
        body: ActionBody,
        response: { 200: IncidentOut },
      },
    },
    async (req) => applyIncidentAction(ctx, requireSignedIn(req), req.params.id, req.body),
  );
  app.get(
    '/incidents/:id/photos/:n',
    {
      schema: {
        tags: ['incidents'],
        summary: 'A photo of an incident (staff in scope and the reporter)',
        params: IdParam.extend({ n: z.coerce.number().int().min(1).max(100) }),
      },
    },
    async (req, reply) => {
      const photo = await getPhoto(ctx, requireSignedIn(req), req.params.id, req.params.n);
      return reply
        .header('content-type', photo.contentType)
        .header('cache-control', 'private, max-age=3600')
        .header('x-content-type-options', 'nosniff')
        .header('etag', `"${photo.sha256}"`)
        .send(photo.data);
    },
  );
};
