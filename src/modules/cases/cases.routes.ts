import { z } from 'zod';
import { authorize } from '../../core/policy/policy.ts';
import { ACCESS_PURPOSES } from '../../core/policy/purposes.ts';
import type { RouteModule } from '../../platform/http/types.ts';
import { requireResident, requireSignedIn, requireStaff } from '../../platform/http/auth-hook.ts';
import { forbidden, notFound } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { getCase, listCases, updateCase } from './cases.service.ts';
import { decideExposures, listExposures, myExposures } from './exposures.service.ts';
import { transmissionGraph } from './graph.service.ts';
import { ReviewSettingsSchema, reviewSettings, storeReviewSettings } from './review-settings.ts';
import { designateRiskArea, listRiskAreas, revokeRiskArea } from './risk-areas.service.ts';
import { subscribeTracing } from './tracing.subscriptions.ts';
import { traceCase } from './tracing.service.ts';

const Any = z.record(z.string(), z.unknown());
const Purpose = z.enum(ACCESS_PURPOSES, { message: `purpose must be one of: ${ACCESS_PURPOSES.join(', ')}` });
const Instant = z.iso.datetime({ offset: true });

export const caseRoutes: RouteModule = (app, ctx) => {
  subscribeTracing(ctx);

  app.get(
    '/cases',
    {
      schema: {
        tags: ['tracing'],
        summary:
          'Cases in my jurisdiction, newest first, with home grid and contacts found by review state (health ' +
          'officers; each person audited)',
        querystring: z.object({
          purpose: Purpose,
          state: z.enum(['open', 'closed']).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: { 200: z.object({ items: z.array(Any) }) },
      },
    },
    async (req) => ({
      items: (await listCases(ctx, requireStaff(req), req.query, req.query.purpose)) as unknown as Array<
        Record<string, unknown>
      >,
    }),
  );
  app.get(
    '/cases/:id',
    {
      schema: {
        tags: ['tracing'],
        summary: 'A case: its person, infectious period, results and tracing state (health officers; audited)',
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ purpose: Purpose }),
        response: { 200: Any },
      },
    },
    async (req) => getCase(ctx, requireStaff(req), req.params.id, req.query.purpose),
  );
  app.patch(
    '/cases/:id',
    {
      schema: {
        tags: ['tracing'],
        summary: 'Set the symptom onset from the case interview (moves the infectious period and traces again)',
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({ onsetAt: Instant.nullable() }),
        response: { 200: Any },
      },
    },
    async (req) => updateCase(ctx, requireStaff(req), req.params.id, { onsetAt: req.body.onsetAt }),
  );
  app.post(
    '/cases/:id/close',
    {
      schema: {
        tags: ['tracing'],
        summary: 'Close a case (its status follows the rules, not this)',
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({ note: z.string().trim().min(3).max(2000) }),
        response: { 200: Any },
      },
    },
    async (req) => updateCase(ctx, requireStaff(req), req.params.id, { close: { note: req.body.note } }),
  );
  app.post(
    '/cases/:id/trace',
    {
      schema: {
        tags: ['tracing'],
        summary: 'Run the exposure search for a case now and report what it found',
        params: z.object({ id: z.uuid() }),
        response: { 200: Any },
      },
    },
    async (req) => {
      const staff = requireStaff(req);
      await getCase(ctx, staff, req.params.id, 'tracing');
      const report = await traceCase(ctx, req.params.id);
      if (!report) throw notFound(`case ${req.params.id} is not open, or is being traced right now`);
      return report as unknown as Record<string, unknown>;
    },
  );
  app.get(
    '/cases/:id/graph',
    {
      schema: {
        tags: ['tracing'],
        summary: "One case's contacts as a graph: nodes, edges with place and time, clusters by place (audited)",
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ purpose: Purpose }),
        response: { 200: Any },
      },
    },
    async (req) => transmissionGraph(ctx, requireStaff(req), { caseId: req.params.id }, req.query.purpose),
  );
  app.get(
    '/outbreaks/:id/graph',
    {
      schema: {
        tags: ['tracing'],
        summary:
          'The transmission graph of an outbreak: cases and contacts, edges with place and time, clusters by place',
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ purpose: Purpose }),
        response: { 200: Any },
      },
    },
    async (req) => transmissionGraph(ctx, requireStaff(req), { outbreakId: req.params.id }, req.query.purpose),
  );

  app.get(
    '/exposures',
    {
      schema: {
        tags: ['tracing'],
        summary:
          "Exposures in my jurisdiction: a case's, or those pending review (health officers; each person audited)",
        querystring: z.object({
          purpose: Purpose,
          caseId: z.uuid().optional(),
          state: z.enum(['pending', 'confirmed', 'dismissed']).optional(),
          limit: z.coerce.number().int().min(1).max(5000).default(500),
        }),
        response: { 200: z.object({ items: z.array(Any) }) },
      },
    },
    async (req) => ({
      items: (await listExposures(ctx, requireStaff(req), req.query, req.query.purpose)) as unknown as Array<
        Record<string, unknown>
      >,
    }),
  );
  app.post(
    '/exposures/decisions',
    {
      schema: {
        tags: ['tracing'],
        summary:
          'Confirm exposures (they become facts and statuses follow) or dismiss them with a reason (a fact already ' +
          'recorded is withdrawn)',
        body: z.strictObject({
          ids: z.array(z.uuid()).min(1).max(5000),
          decision: z.enum(['confirm', 'dismiss']),
          note: z.string().max(2000).default(''),
        }),
        response: { 200: Any },
      },
    },
    async (req) => decideExposures(ctx, requireStaff(req), req.body),
  );
  app.get(
    '/me/exposures',
    {
      schema: {
        tags: ['me'],
        summary: 'Why I am a contact: each exposure with the place and time, in zh-CN and English',
        response: { 200: z.object({ items: z.array(Any) }) },
      },
    },
    async (req) => ({
      items: (await myExposures(ctx, requireResident(req).id)) as unknown as Array<Record<string, unknown>>,
    }),
  );

  app.get(
    '/tracing/settings',
    {
      schema: {
        tags: ['tracing'],
        summary: 'Whether exposures take effect automatically or wait for review above N contacts per case',
        response: { 200: ReviewSettingsSchema },
      },
    },
    async (req) => {
      requireStaff(req);
      return reviewSettings(ctx.db);
    },
  );
  app.put(
    '/tracing/settings',
    {
      schema: {
        tags: ['tracing'],
        summary: 'Set the review mode (health officers with city scope)',
        body: ReviewSettingsSchema,
        response: { 200: ReviewSettingsSchema },
      },
    },
    async (req) => {
      const staff = requireStaff(req);
      const d = authorize(staff, 'case.manage');
      if (!d.allow) throw forbidden(d.reason);
      if (staff.scopePath.split('.').length > 2)
        throw forbidden('the review mode applies city-wide: only a city-level health officer may change it');
      const now = ctx.clock.now();
      await ctx.db.transaction().execute(async (trx) => {
        await storeReviewSettings(trx, req.body);
        await appendAudit(trx, now, {
          actor: actorOf(staff),
          action: 'tracing.settings',
          subjectKind: 'settings',
          subjectId: 'tracing.review',
          detail: req.body,
        });
      });
      return req.body;
    },
  );

  app.get(
    '/risk-areas',
    {
      schema: {
        tags: ['tracing'],
        summary: 'Designated risk places and areas in force (public), with their risk window and expiry',
        security: [],
        querystring: z.object({ includeInactive: z.enum(['true', 'false']).default('false') }),
        response: { 200: z.object({ items: z.array(Any) }) },
      },
    },
    async (req) => ({
      items: await listRiskAreas(ctx, {
        includeInactive: req.query.includeInactive === 'true',
        staff: req.principal.kind === 'staff' && authorize(req.principal, 'case.read').allow,
      }),
    }),
  );
  app.post(
    '/risk-areas',
    {
      schema: {
        tags: ['tracing'],
        summary:
          'Designate a place, grid or jurisdiction as a risk area for a time window, citing the cases (health officers). ' +
          'Visitors in the window get a risk-place exposure.',
        body: z.strictObject({
          areaKind: z.enum(['place', 'grid', 'jurisdiction']),
          areaId: z.string().min(1).max(64),
          from: Instant,
          until: Instant,
          expiresAt: Instant.optional(),
          caseIds: z.array(z.uuid()).min(1).max(1000),
          note: z.string().trim().min(3).max(2000),
        }),
        response: { 201: Any },
      },
    },
    async (req, reply) => reply.status(201).send(await designateRiskArea(ctx, requireSignedIn(req), req.body)),
  );
  app.post(
    '/risk-areas/:id/revoke',
    {
      schema: {
        tags: ['tracing'],
        summary: 'End a designation early, with a reason',
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({ note: z.string().min(5).max(2000) }),
        response: { 200: Any },
      },
    },
    async (req) => revokeRiskArea(ctx, requireStaff(req), req.params.id, req.body.note),
  );
};
