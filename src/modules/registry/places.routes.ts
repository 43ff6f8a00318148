import { z } from 'zod';
import { PageQuery } from '../../platform/http/pagination.ts';
import { requireSignedIn } from '../../platform/http/auth-hook.ts';
import type { RouteModule } from '../../platform/http/types.ts';
import { createPlace, getPlace, listGridPlaces, listOperatedPlaces, updatePlace } from './places.service.ts';
import { CreatePlaceBody, GridCodeParam, IdParam, PatchPlaceBody, PlaceOut } from './registry.schema.ts';

export const placeRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/places/operated',
    {
      schema: {
        tags: ['registry'],
        summary: 'The places the signed-in staff member operates (a venue operator: their own venues; others: none)',
        response: { 200: z.object({ items: z.array(PlaceOut) }) },
      },
    },
    async (req) => listOperatedPlaces(ctx, requireSignedIn(req)),
  );
  app.get(
    '/places/:id',
    {
      schema: {
        tags: ['registry'],
        summary: 'A venue or sentinel (public)',
        params: IdParam,
        response: { 200: PlaceOut },
      },
    },
    async (req) => getPlace(ctx, req.principal, req.params.id),
  );
  app.get(
    '/grids/:code/places',
    {
      schema: {
        tags: ['registry'],
        summary: 'Places in a unit grid (public; cursor-paginated)',
        params: GridCodeParam,
        querystring: PageQuery,
        response: { 200: z.object({ items: z.array(PlaceOut), nextCursor: z.string().nullable() }) },
      },
    },
    async (req) => listGridPlaces(ctx, req.principal, req.params.code, req.query),
  );
  app.post(
    '/places',
    {
      schema: {
        tags: ['registry'],
        summary: 'Register a place (officers, admin); its unit grid is found from the location',
        body: CreatePlaceBody,
        response: { 201: PlaceOut },
      },
    },
    async (req, reply) => reply.status(201).send(await createPlace(ctx, requireSignedIn(req), req.body)),
  );
  app.patch(
    '/places/:id',
    {
      schema: {
        tags: ['registry'],
        summary: 'Change a place (its operator, or officers and admins in scope)',
        params: IdParam,
        body: PatchPlaceBody,
        response: { 200: PlaceOut },
      },
    },
    async (req) => updatePlace(ctx, requireSignedIn(req), req.params.id, req.body),
  );
};
