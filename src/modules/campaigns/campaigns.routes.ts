import { z } from 'zod';
import { requireSignedIn } from '../../platform/http/auth-hook.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import type { RouteModule } from '../../platform/http/types.ts';
import {
  campaignCoverage,
  createCampaign,
  getCampaign,
  listCampaigns,
  unreachedHouseholds,
} from './campaigns.service.ts';

const IdParam = z.object({ id: z.uuid('must be a campaign id (uuid)') });
const Localized = z.object({ 'zh-CN': z.string(), en: z.string() });
const CampaignOut = z.object({
  id: z.string(),
  name: z.string(),
  jurisdiction: z.object({ id: z.string(), path: z.string(), name: Localized }),
  dueAt: z.string(),
  past: z.boolean(),
  households: z.number(),
  createdAt: z.string(),
  createdBy: z.string(),
});
const Coverage = z.object({
  households: z.number(),
  reached: z.number(),
  unreached: z.number(),
  unvisited: z.number(),
  nobodyHome: z.number(),
  refused: z.number(),
  needsHelp: z.number(),
  coverage: z.number().nullable(),
});

export const campaignRoutes: RouteModule = (app, ctx) => {
  app.post(
    '/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          'Start a door-to-door campaign: a visit task for every household in the jurisdiction, dealt to the grid workers (officers)',
        body: z.strictObject({
          name: z.string().trim().min(2).max(200),
          jurisdictionId: z.string().min(1).max(20),
          dueAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' }),
        }),
        response: { 201: CampaignOut },
      },
    },
    async (req, reply) => reply.status(201).send(await createCampaign(ctx, requireSignedIn(req), req.body)),
  );
  app.get(
    '/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Campaigns in your jurisdiction, newest first (officers)',
        response: { 200: z.object({ items: z.array(CampaignOut) }) },
      },
    },
    async (req) => listCampaigns(ctx, requireSignedIn(req)),
  );
  app.get(
    '/campaigns/:id',
    { schema: { tags: ['campaigns'], summary: 'A campaign', params: IdParam, response: { 200: CampaignOut } } },
    async (req) => getCampaign(ctx, requireSignedIn(req), req.params.id),
  );
  app.get(
    '/campaigns/:id/coverage',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          'Coverage: households reached (spoken to) overall, per grid and per jurisdiction; nobody-home visits leave a household unreached',
        params: IdParam,
        response: {
          200: z.object({
            campaign: CampaignOut,
            overall: Coverage,
            byGrid: z.array(z.object({ gridCode: z.string(), coverage: Coverage })),
            byJurisdiction: z.array(z.object({ jurisdictionPath: z.string(), coverage: Coverage })),
            followUp: z.number(),
          }),
        },
      },
    },
    async (req) => campaignCoverage(ctx, requireSignedIn(req), req.params.id),
  );
  app.get(
    '/campaigns/:id/unreached',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          'Households not reached yet, by grid ("no dead ends"); list=follow_up gives reached households that refused or need help',
        params: IdParam,
        querystring: PageQuery.extend({
          gridCode: z
            .string()
            .regex(/^\d{15}$/, 'must be a 15-digit unit-grid code')
            .optional(),
          list: z.enum(['unreached', 'follow_up']).default('unreached'),
        }),
        response: {
          200: z.object({
            total: z.number(),
            items: z.array(
              z.object({
                householdId: z.string(),
                gridCode: z.string(),
                jurisdictionPath: z.string(),
                status: z.string(),
                attempts: z.number(),
                lastVisitAt: z.string().nullable(),
                taskId: z.string().nullable(),
                assigneeId: z.string().nullable(),
              }),
            ),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    async (req) => unreachedHouseholds(ctx, requireSignedIn(req), req.params.id, req.query),
  );
};
