import { z } from 'zod';
import { requireSignedIn } from '../../platform/http/auth-hook.ts';
import type { RouteModule } from '../../platform/http/types.ts';
import { CreateStaffBody, IdParam, PatchStaffBody, StaffOut, StaffQuery } from './registry.schema.ts';
import { createStaff, listStaff, updateStaff } from './staff.service.ts';

export const staffRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/staff',
    {
      schema: {
        tags: ['registry'],
        summary: 'Staff accounts scoped within your jurisdiction (officers, admins, auditors; cursor-paginated)',
        querystring: StaffQuery,
        response: { 200: z.object({ items: z.array(StaffOut), nextCursor: z.string().nullable() }) },
      },
    },
    async (req) => listStaff(ctx, requireSignedIn(req), req.query),
  );
  app.post(
    '/staff',
    {
      schema: {
        tags: ['registry'],
        summary: 'Create a staff account (admin; the scope must lie within yours)',
        body: CreateStaffBody,
        response: { 201: StaffOut },
      },
    },
    async (req, reply) => reply.status(201).send(await createStaff(ctx, requireSignedIn(req), req.body)),
  );
  app.patch(
    '/staff/:id',
    {
      schema: {
        tags: ['registry'],
        summary: 'Change role or scope, or deactivate a staff account (admin; audited)',
        params: IdParam,
        body: PatchStaffBody,
        response: { 200: StaffOut },
      },
    },
    async (req) => updateStaff(ctx, requireSignedIn(req), req.params.id, req.body),
  );
};
