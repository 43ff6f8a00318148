import { z } from 'zod';
import type { RouteModule } from '../../platform/http/types.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import { CodeParam, Geometry, Names } from '../jurisdictions/jurisdictions.schema.ts';
import { assignWorkers, createGrid, getGrid, listGrids, locateGrid } from './grids.service.ts';

const GridCode = z.string().regex(/^\d{15}$/, 'must be a 15-digit unit-grid code');

const GridProps = z.object({
  code: z.string(),
  communityId: z.string(),
  serial: z.number(),
  name: Names,
  areaM2: z.number(),
  centroid: z.object({ lat: z.number(), lng: z.number() }),
  bbox: z.array(z.number()),
  workers: z.array(z.object({ id: z.string(), displayName: z.string() })).optional(),
});
const GridFeature = z.object({ type: z.literal('Feature'), id: z.string(), geometry: Geometry, properties: GridProps });

export const gridRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/grids/locate',
    {
      schema: {
        tags: ['grids'],
        summary: 'Which unit grid contains this point? (H3 index lookup, then exact polygon test)',
        querystring: z.object({
          lat: z.coerce.number().min(-90, 'latitude must be ≥ -90').max(90, 'latitude must be ≤ 90'),
          lng: z.coerce.number().min(-180, 'longitude must be ≥ -180').max(180, 'longitude must be ≤ 180'),
        }),
        response: { 200: GridFeature },
      },
    },
    async (req) => locateGrid(ctx, req.query.lat, req.query.lng),
  );
  app.get(
    '/grids/:code',
    {
      schema: {
        tags: ['grids'],
        summary: 'A unit grid by its 15-digit code, with its workers',
        params: z.object({ code: GridCode }),
        response: { 200: GridFeature },
      },
    },
    async (req) => getGrid(ctx, req.params.code),
  );
  app.get(
    '/jurisdictions/:id/grids',
    {
      schema: {
        tags: ['grids'],
        summary: 'Unit grids in a jurisdiction subtree as a GeoJSON FeatureCollection (cursor-paginated)',
        params: CodeParam,
        querystring: PageQuery.extend({
          geometry: z
            .enum(['true', 'false'])
            .default('true')
            .transform((v) => v === 'true'),
        }),
        response: {
          200: z.object({
            type: z.literal('FeatureCollection'),
            features: z.array(GridFeature),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    async (req) => listGrids(ctx, req.params.id, req.query),
  );
  app.post(
    '/grids',
    {
      schema: {
        tags: ['grids'],
        summary: 'Create a unit grid in a community (admin); serial defaults to the next free one',
        body: z.strictObject({
          communityId: z.string().regex(/^\d{12}$/, 'must be a 12-digit community code'),
          serial: z.number().int().min(1).max(999).optional(),
          nameZh: z.string().min(1).max(100).optional(),
          nameEn: z.string().min(1).max(200).optional(),
          geometry: z.record(z.string(), z.unknown()),
        }),
        response: { 201: GridFeature },
      },
    },
    async (req, reply) => reply.status(201).send(await createGrid(ctx, req.principal, req.body)),
  );
  app.put(
    '/grids/:code/workers',
    {
      schema: {
        tags: ['grids'],
        summary: 'Set the grid workers of a unit grid (community officer or above)',
        params: z.object({ code: GridCode }),
        body: z.strictObject({ staffIds: z.array(z.uuid()).max(50) }),
        response: { 200: GridFeature },
      },
    },
    async (req) => assignWorkers(ctx, req.principal, req.params.code, req.body.staffIds),
  );
};
