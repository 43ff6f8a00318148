import { z } from 'zod';
import type { RouteModule } from '../../platform/http/types.ts';
import { requireResident, requireStaff } from '../../platform/http/auth-hook.ts';
import { appealForReview, decideAppeal, fileAppeal, myAppeals, reviewQueue } from './appeals.service.ts';

const Any = z.record(z.string(), z.unknown());

export const appealRoutes: RouteModule = (app, ctx) => {
  app.post(
    '/me/appeals',
    {
      schema: {
        tags: ['me', 'appeals'],
        summary:
          'Contest a health fact about me, or my current red or yellow status, with a statement. A health officer who did not record it reviews it by the deadline.',
        body: z.discriminatedUnion('subject', [
          z.strictObject({
            subject: z.literal('fact'),
            factId: z.string().min(1).max(200),
            statement: z.string().min(1).max(4000),
          }),
          z.strictObject({ subject: z.literal('status'), statement: z.string().min(1).max(4000) }),
        ]),
        response: { 201: Any },
      },
    },
    async (req, reply) => reply.status(201).send(await fileAppeal(ctx, requireResident(req), req.body)),
  );
  app.get(
    '/me/appeals',
    {
      schema: {
        tags: ['me', 'appeals'],
        summary: 'My appeals, their reviewers, deadlines and outcomes',
        response: { 200: z.object({ items: z.array(Any) }) },
      },
    },
    async (req) => ({ items: await myAppeals(ctx, requireResident(req)) }),
  );
  app.get(
    '/appeals',
    {
      schema: {
        tags: ['appeals'],
        summary: 'Open appeals assigned to me or unassigned in my scope (health officer; audited as appeal review)',
        response: { 200: z.object({ items: z.array(Any) }) },
      },
    },
    async (req) => ({ items: await reviewQueue(ctx, requireStaff(req)) }),
  );
  app.get(
    '/appeals/:id',
    {
      schema: {
        tags: ['appeals'],
        summary: 'An appeal with the contested facts, for its reviewer (audited as appeal review)',
        params: z.object({ id: z.uuid() }),
        response: { 200: Any },
      },
    },
    async (req) => appealForReview(ctx, requireStaff(req), req.params.id),
  );
  app.post(
    '/appeals/:id/decision',
    {
      schema: {
        tags: ['appeals'],
        summary:
          'Uphold (the contested facts are withdrawn and the status recomputed) or reject (with reasons) an appeal. The reviewer must not have recorded the facts.',
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({
          decision: z.enum(['uphold', 'reject']),
          reasons: z.string().min(1).max(4000),
          withdrawFactIds: z.array(z.string().min(1).max(200)).max(100).optional(),
        }),
        response: { 200: z.object({ appeal: Any, status: Any }) },
      },
    },
    async (req) =>
      (await decideAppeal(ctx, requireStaff(req), req.params.id, req.body)) as unknown as {
        appeal: Record<string, unknown>;
        status: Record<string, unknown>;
      },
  );
};
