import { z } from 'zod';
import { requireSignedIn } from '../../platform/http/auth-hook.ts';
import type { RouteModule } from '../../platform/http/types.ts';
import { createHousehold, getHousehold, listGridHouseholds } from './households.service.ts';
import {
  CreateHouseholdBody,
  GridCodeParam,
  HouseholdOut,
  HouseholdPageQuery,
  IdParam,
  PurposeQuery,
} from './registry.schema.ts';

export const householdRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/households/:id',
    {
      schema: {
        tags: ['registry'],
        summary: 'A household with its members (staff state a purpose; residents see only their own)',
        params: IdParam,
        querystring: PurposeQuery,
        response: { 200: HouseholdOut },
      },
    },
    async (req) => getHousehold(ctx, requireSignedIn(req), req.params.id, req.query.purpose),
  );
  app.get(
    '/grids/:code/households',
    {
      schema: {
        tags: ['registry'],
        summary: 'Households of a unit grid with their members (staff with a purpose; cursor-paginated)',
        params: GridCodeParam,
        querystring: HouseholdPageQuery,
        response: { 200: z.object({ items: z.array(HouseholdOut), nextCursor: z.string().nullable() }) },
      },
    },
    async (req) => listGridHouseholds(ctx, requireSignedIn(req), req.params.code, req.query),
  );
  app.post(
    '/households',
    {
      schema: {
        tags: ['registry'],
        summary: 'Register a household; its unit grid is found from the location',
        body: CreateHouseholdBody,
        response: { 201: HouseholdOut },
      },
    },
    async (req, reply) => reply.status(201).send(await createHousehold(ctx, requireSignedIn(req), req.body)),
  );
};
