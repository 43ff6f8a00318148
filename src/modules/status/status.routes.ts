import { z } from 'zod';
import { authorize } from '../../core/policy/policy.ts';
import { ACCESS_PURPOSES } from '../../core/policy/purposes.ts';
import { OVERRIDE_REASONS } from '../../core/rules/index.ts';
import type { RouteModule } from '../../platform/http/types.ts';
import { requireResident, requireSignedIn, requireStaff } from '../../platform/http/auth-hook.ts';
import { badRequest, forbidden, notFound } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { recordFact } from './facts.service.ts';
import { factsOf } from './facts.repository.ts';
import { decideOverride, pendingOverrides, presentOverride, proposeOverride } from './overrides.service.ts';
import { personScope } from './person-scope.ts';
import { getRuleSet, publishedRuleSets, publishRuleSet } from './rulesets.service.ts';
import { currentStatus } from './status.service.ts';
import './status.jobs.ts';
import { ruleSetJsonSchema } from '../../core/rules/index.ts';

/** The one fixed list of purposes (core/policy/purposes.ts), shared with the registry, tracing and incidents. */
export const READ_PURPOSES = ACCESS_PURPOSES;
const Purpose = z.enum(READ_PURPOSES, { message: `purpose must be one of: ${READ_PURPOSES.join(', ')}` });
const Any = z.record(z.string(), z.unknown());

function presentFactRow(r: {
  id: string;
  kind: string;
  occurred_at: Date | string;
  recorded_at: Date | string;
  recorded_by: string;
  recorder_role: string | null;
  provenance: unknown;
  data: unknown;
  withdrawn_at: Date | string | null;
  withdrawn_reason: string | null;
}) {
  const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  return {
    id: r.id,
    kind: r.kind,
    occurredAt: new Date(r.occurred_at).toISOString(),
    recordedAt: new Date(r.recorded_at).toISOString(),
    recordedBy: r.recorded_by,
    recorderRole: r.recorder_role,
    provenance: parse(r.provenance) as Record<string, unknown>,
    fact: parse(r.data) as Record<string, unknown>,
    withdrawnAt: r.withdrawn_at ? new Date(r.withdrawn_at).toISOString() : null,
    withdrawnReason: r.withdrawn_reason,
  };
}

export const statusRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/rulesets',
    {
      schema: {
        tags: ['rules'],
        summary: 'Every published rule set, all versions (public)',
        security: [],
        response: { 200: z.object({ items: z.array(Any) }) },
      },
    },
    async () => ({ items: (await publishedRuleSets(ctx)) as unknown as Array<Record<string, unknown>> }),
  );
  app.get(
    '/rulesets/schema',
    {
      schema: {
        tags: ['rules'],
        summary: 'The JSON Schema of rule-set documents',
        security: [],
        response: { 200: Any },
      },
    },
    async () => ruleSetJsonSchema() as Record<string, unknown>,
  );
  app.get(
    '/rulesets/:id/:version',
    {
      schema: {
        tags: ['rules'],
        summary: 'One published rule-set version',
        security: [],
        params: z.object({ id: z.string().max(100), version: z.coerce.number().int().min(1) }),
        response: { 200: Any },
      },
    },
    async (req) => (await getRuleSet(ctx, req.params.id, req.params.version)) as unknown as Record<string, unknown>,
  );
  app.post(
    '/rulesets',
    {
      schema: {
        tags: ['rules'],
        summary: 'Publish a rule set (health officer). It is validated, versioned and never retroactive.',
        body: Any,
        response: { 201: Any },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send((await publishRuleSet(ctx, req.principal, req.body)) as unknown as Record<string, unknown>),
  );

  app.post(
    '/facts',
    {
      schema: {
        tags: ['facts'],
        summary:
          'Record a health fact (test result, vaccination, exposure, symptom report, risk-area arrival, isolation completed). There is no way to set a color.',
        body: z.looseObject({ personId: z.uuid(), kind: z.string() }),
        response: { 201: z.object({ fact: Any, status: Any }) },
      },
    },
    async (req, reply) => {
      const r = await recordFact(ctx, requireSignedIn(req), req.body);
      return reply.status(201).send({
        fact: r.fact as unknown as Record<string, unknown>,
        status: r.status as unknown as Record<string, unknown>,
      });
    },
  );

  app.get(
    '/residents/:id/status',
    {
      schema: {
        tags: ['status'],
        summary: "A resident's status with its reasons (staff; states a purpose; audited)",
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ purpose: Purpose }),
        response: { 200: Any },
      },
    },
    async (req) => {
      const staff = requireStaff(req);
      const scope = await personScope(ctx.db, req.params.id);
      if (!scope) throw notFound(`No resident ${req.params.id}`);
      const d = authorize(staff, 'status.read', { jurisdictionPath: scope.path });
      if (!d.allow) throw forbidden(d.reason);
      const status = await currentStatus(ctx, req.params.id);
      const now = ctx.clock.now();
      await ctx.db.transaction().execute((trx) =>
        appendAudit(trx, now, {
          actor: actorOf(staff),
          action: 'status.read',
          subjectKind: 'resident',
          subjectId: req.params.id,
          personId: req.params.id,
          purpose: req.query.purpose,
        }),
      );
      return status as unknown as Record<string, unknown>;
    },
  );
  app.get(
    '/residents/:id/facts',
    {
      schema: {
        tags: ['facts'],
        summary: "A resident's health facts with their provenance (staff; states a purpose; audited)",
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ purpose: Purpose }),
        response: { 200: z.object({ items: z.array(Any) }) },
      },
    },
    async (req) => {
      const staff = requireStaff(req);
      const scope = await personScope(ctx.db, req.params.id);
      if (!scope) throw notFound(`No resident ${req.params.id}`);
      const d = authorize(staff, 'status.read', { jurisdictionPath: scope.path });
      if (!d.allow) throw forbidden(d.reason);
      const rows = await factsOf(ctx.db, req.params.id);
      const now = ctx.clock.now();
      await ctx.db.transaction().execute((trx) =>
        appendAudit(trx, now, {
          actor: actorOf(staff),
          action: 'facts.read',
          subjectKind: 'resident',
          subjectId: req.params.id,
          personId: req.params.id,
          purpose: req.query.purpose,
        }),
      );
      return { items: rows.map(presentFactRow) };
    },
  );

  app.get(
    '/me/status',
    { schema: { tags: ['me'], summary: 'My status and why', response: { 200: Any } } },
    async (req) => (await currentStatus(ctx, requireResident(req).id)) as unknown as Record<string, unknown>,
  );
  app.get(
    '/me/status/history',
    {
      schema: {
        tags: ['me'],
        summary: 'Every change of my status, with its reasons and rule-set version',
        response: { 200: z.object({ items: z.array(Any) }) },
      },
    },
    async (req) => {
      const me = requireResident(req);
      const rows = await ctx.db
        .selectFrom('status_history')
        .selectAll()
        .where('person_id', '=', me.id)
        .orderBy('id', 'desc')
        .limit(500)
        .execute();
      const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
      return {
        items: rows.map((r) => ({
          color: r.color,
          vaccinated: r.vaccinated,
          since: r.since ? new Date(r.since).toISOString() : null,
          changedAt: new Date(r.changed_at).toISOString(),
          reasons: parse(r.reasons),
          clears: parse(r.clears),
          summary: parse(r.summary),
          ruleSet: `${r.ruleset_id}@${r.ruleset_version}`,
          cause: r.cause,
        })),
      };
    },
  );
  app.get(
    '/me/facts',
    {
      schema: {
        tags: ['me'],
        summary: 'Every health fact about me and its source',
        response: { 200: z.object({ items: z.array(Any) }) },
      },
    },
    async (req) => ({ items: (await factsOf(ctx.db, requireResident(req).id)).map(presentFactRow) }),
  );
  app.get(
    '/me/notifications',
    { schema: { tags: ['me'], summary: 'My notifications', response: { 200: z.object({ items: z.array(Any) }) } } },
    async (req) => {
      const rows = await ctx.db
        .selectFrom('notifications')
        .selectAll()
        .where('person_id', '=', requireResident(req).id)
        .orderBy('created_at', 'desc')
        .limit(200)
        .execute();
      return {
        items: rows.map((n) => ({
          id: n.id,
          kind: n.kind,
          payload: typeof n.payload === 'string' ? JSON.parse(n.payload) : n.payload,
          createdAt: new Date(n.created_at).toISOString(),
          readAt: n.read_at ? new Date(n.read_at).toISOString() : null,
        })),
      };
    },
  );
  app.get(
    '/me/overrides',
    {
      schema: {
        tags: ['me'],
        summary: 'Overrides concerning me',
        response: { 200: z.object({ items: z.array(Any) }) },
      },
    },
    async (req) => ({
      items: (
        await ctx.db
          .selectFrom('overrides')
          .selectAll()
          .where('person_id', '=', requireResident(req).id)
          .orderBy('proposed_at', 'desc')
          .execute()
      ).map(presentOverride),
    }),
  );
  app.post(
    '/me/symptoms',
    {
      schema: {
        tags: ['me'],
        summary: 'Daily symptom check-in (self-reported fact)',
        body: z.strictObject({
          symptoms: z.array(z.string()).min(1).max(11),
          onsetAt: z.iso.datetime({ offset: true }).nullable().default(null),
        }),
        response: { 201: z.object({ fact: Any, status: Any }) },
      },
    },
    async (req, reply) => {
      const me = requireResident(req);
      const now = ctx.clock.now().toISOString();
      const r = await recordFact(ctx, me, {
        personId: me.id,
        kind: 'symptom_report',
        occurredAt: now,
        symptoms: req.body.symptoms,
        onsetAt: req.body.onsetAt,
        provenance: { source: 'self_reported' },
      });
      return reply.status(201).send({
        fact: r.fact as unknown as Record<string, unknown>,
        status: r.status as unknown as Record<string, unknown>,
      });
    },
  );

  app.post(
    '/overrides',
    {
      schema: {
        tags: ['overrides'],
        summary: 'Propose a two-person override (health officer). A second officer must approve it.',
        body: z.strictObject({
          personId: z.uuid(),
          target: z.enum(['green', 'yellow', 'red', 'clear']),
          reasonCode: z.enum(OVERRIDE_REASONS),
          reason: z.string().min(1).max(1000),
          expiresAt: z.iso.datetime({ offset: true }).nullable(),
        }),
        response: { 201: Any },
      },
    },
    async (req, reply) => reply.status(201).send(await proposeOverride(ctx, req.principal, req.body)),
  );
  app.get(
    '/overrides/pending',
    {
      schema: {
        tags: ['overrides'],
        summary: 'Overrides awaiting a second person in my scope',
        response: { 200: z.object({ items: z.array(Any) }) },
      },
    },
    async (req) => ({ items: await pendingOverrides(ctx, req.principal) }),
  );
  app.post(
    '/overrides/:id/decision',
    {
      schema: {
        tags: ['overrides'],
        summary: 'Approve or reject an override (must be a different officer from the proposer)',
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({ decision: z.enum(['approve', 'reject']), note: z.string().min(1).max(1000) }),
        response: { 200: Any },
      },
    },
    async (req) => {
      if (req.body.note.trim().length === 0) throw badRequest('body.note: explain the decision');
      return decideOverride(ctx, req.principal, req.params.id, req.body);
    },
  );
};
