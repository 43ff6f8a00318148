import { z } from 'zod';
import type { RouteModule } from '../../platform/http/types.ts';
import { requireStaff } from '../../platform/http/auth-hook.ts';
import {
  declareEmergency,
  endEmergency,
  getEmergency,
  listEmergencies,
  renewEmergency,
} from './emergencies.service.ts';

const Emergency = z.object({
  id: z.string(),
  jurisdictionId: z.string(),
  title: z.string(),
  legalBasis: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
  declaredBy: z.string(),
  declaredAt: z.string(),
  renews: z.string().nullable(),
  inForce: z.boolean(),
  state: z.enum(['scheduled', 'in_force', 'ended', 'lapsed']),
});

export const emergencyRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/emergencies',
    {
      schema: {
        tags: ['emergencies'],
        summary: 'Every emergency declaration, past and present, with its legal basis, scope and end (public)',
        security: [],
        response: { 200: z.object({ items: z.array(Emergency) }) },
      },
    },
    async () => ({ items: await listEmergencies(ctx) }),
  );
  app.get(
    '/emergencies/:id',
    {
      schema: {
        tags: ['emergencies'],
        summary: 'One emergency declaration (public)',
        security: [],
        params: z.object({ id: z.uuid() }),
        response: { 200: Emergency },
      },
    },
    async (req) => getEmergency(ctx, req.params.id),
  );
  app.post(
    '/emergencies',
    {
      schema: {
        tags: ['emergencies'],
        summary: `Declare an emergency for a jurisdiction (admin): legal basis, scope, start and an end date at most 90 days later`,
        body: z.strictObject({
          jurisdictionId: z.string().min(1).max(20),
          title: z.string().min(3).max(200),
          legalBasis: z.string().min(1).max(4000),
          startsAt: z.iso.datetime({ offset: true }).nullable().default(null),
          endsAt: z.iso.datetime({ offset: true }),
        }),
        response: { 201: Emergency },
      },
    },
    async (req, reply) => reply.status(201).send(await declareEmergency(ctx, requireStaff(req), req.body)),
  );
  app.post(
    '/emergencies/:id/renew',
    {
      schema: {
        tags: ['emergencies'],
        summary: 'Renew an emergency before it lapses: a new declaration with its own legal basis (admin)',
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({ legalBasis: z.string().min(1).max(4000), endsAt: z.iso.datetime({ offset: true }) }),
        response: { 201: Emergency },
      },
    },
    async (req, reply) => reply.status(201).send(await renewEmergency(ctx, requireStaff(req), req.params.id, req.body)),
  );
  app.post(
    '/emergencies/:id/end',
    {
      schema: {
        tags: ['emergencies'],
        summary: 'End an emergency early (admin). Code issuance stops and the retention clock for its data starts.',
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({ reason: z.string().min(1).max(2000) }),
        response: { 200: Emergency },
      },
    },
    async (req) => endEmergency(ctx, requireStaff(req), req.params.id, req.body.reason),
  );
};
