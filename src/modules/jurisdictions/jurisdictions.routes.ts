import { z } from 'zod';
import type { RouteModule } from '../../platform/http/types.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import {
  CodeParam,
  CreateJurisdictionBody,
  JurisdictionCollection,
  JurisdictionFeature,
  JurisdictionSummary,
  TreeNode,
} from './jurisdictions.schema.ts';
import { createJurisdiction, getChildren, getJurisdiction, getRoots, getTree } from './jurisdictions.service.ts';

export const jurisdictionRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/jurisdictions',
    {
      schema: {
        tags: ['jurisdictions'],
        summary: 'Top-level jurisdictions',
        response: { 200: z.object({ items: z.array(JurisdictionSummary) }) },
      },
    },
    async () => ({ items: await getRoots(ctx) }),
  );
  app.get(
    '/jurisdictions/tree',
    {
      schema: {
        tags: ['jurisdictions'],
        summary: 'The administrative tree (without geometry) from a root, to a depth',
        querystring: z.object({
          root: CodeParam.shape.id.optional(),
          depth: z.coerce.number().int().min(0).max(4).default(2),
        }),
        response: { 200: z.object({ items: z.array(TreeNode) }) },
      },
    },
    async (req) => ({ items: await getTree(ctx, req.query.root, req.query.depth) }),
  );
  app.get(
    '/jurisdictions/:id',
    {
      schema: {
        tags: ['jurisdictions'],
        summary: 'One jurisdiction as a GeoJSON Feature with its breadcrumb',
        params: CodeParam,
        response: { 200: JurisdictionFeature },
      },
    },
    async (req) => getJurisdiction(ctx, req.params.id),
  );
  app.get(
    '/jurisdictions/:id/children',
    {
      schema: {
        tags: ['jurisdictions'],
        summary: "A jurisdiction's children as a GeoJSON FeatureCollection (cursor-paginated)",
        params: CodeParam,
        querystring: PageQuery.extend({
          geometry: z
            .enum(['true', 'false'])
            .default('true')
            .transform((v) => v === 'true'),
        }),
        response: { 200: JurisdictionCollection },
      },
    },
    async (req) =>
      getChildren(ctx, req.params.id, {
        cursor: req.query.cursor,
        limit: req.query.limit,
        geometry: req.query.geometry,
      }),
  );
  app.post(
    '/jurisdictions',
    {
      schema: {
        tags: ['jurisdictions'],
        summary: 'Create a jurisdiction (admin). The polygon must lie in its parent and not overlap a sibling.',
        body: CreateJurisdictionBody,
        response: { 201: JurisdictionFeature },
      },
    },
    async (req, reply) => reply.status(201).send(await createJurisdiction(ctx, req.principal, req.body)),
  );
};
