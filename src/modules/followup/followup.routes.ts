import { z } from 'zod';
import { SYMPTOMS } from '../../core/rules/index.ts';
import { requireResident } from '../../platform/http/auth-hook.ts';
import type { RouteModule } from '../../platform/http/types.ts';
import { checkIn, myFollowUp } from './followup.service.ts';
import { subscribeFollowUp } from './followup.subscriptions.ts';

export const followupRoutes: RouteModule = (app, ctx) => {
  subscribeFollowUp(ctx);

  app.post(
    '/me/checkins',
    {
      schema: {
        tags: ['me'],
        summary:
          "Today's symptom check-in during quarantine or isolation. An empty list means no symptoms; reported symptoms " +
          'are recorded as a self-reported health fact.',
        body: z.strictObject({
          symptoms: z.array(z.enum(SYMPTOMS)).max(SYMPTOMS.length),
          temperatureC: z.number().min(30).max(45).nullable().optional(),
        }),
        response: {
          201: z.object({
            day: z.string(),
            at: z.string(),
            symptoms: z.array(z.string()),
            temperatureC: z.number().nullable(),
            factId: z.string().nullable(),
          }),
        },
      },
    },
    async (req, reply) => reply.status(201).send(await checkIn(ctx, requireResident(req), req.body)),
  );
  app.get(
    '/me/followup',
    {
      schema: {
        tags: ['me'],
        summary: 'My follow-up: active or not, since when, and my recent check-ins',
        response: { 200: z.record(z.string(), z.unknown()) },
      },
    },
    async (req) => myFollowUp(ctx, requireResident(req).id),
  );
};
