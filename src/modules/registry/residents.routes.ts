import { requireResident, requireSignedIn, requireStaff } from '../../platform/http/auth-hook.ts';
import type { RouteModule } from '../../platform/http/types.ts';
import {
  CreateResidentBody,
  IdParam,
  LookupBody,
  MeOut,
  PatchResidentBody,
  PurposeQuery,
  ResidentOut,
} from './registry.schema.ts';
import { createResident, getMe, getResident, lookupResident, updateResident } from './residents.service.ts';

export const residentRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/me',
    {
      schema: {
        tags: ['registry'],
        summary: 'My profile and my household (residents); recorded in my own access history',
        response: { 200: MeOut },
      },
    },
    async (req) => getMe(ctx, requireResident(req)),
  );
  app.get(
    '/residents/:id',
    {
      schema: {
        tags: ['registry'],
        summary: 'A resident (staff state a purpose; residents see only their own household)',
        params: IdParam,
        querystring: PurposeQuery,
        response: { 200: ResidentOut },
      },
    },
    async (req) => getResident(ctx, requireSignedIn(req), req.params.id, req.query.purpose),
  );
  app.post(
    '/residents',
    {
      schema: {
        tags: ['registry'],
        summary: 'Register a resident in a household; a national ID number is kept only as a keyed hash and a mask',
        body: CreateResidentBody,
        response: { 201: ResidentOut },
      },
    },
    async (req, reply) => reply.status(201).send(await createResident(ctx, requireSignedIn(req), req.body)),
  );
  app.patch(
    '/residents/:id',
    {
      schema: {
        tags: ['registry'],
        summary: "Change a resident's data or move them to another household",
        params: IdParam,
        body: PatchResidentBody,
        response: { 200: ResidentOut },
      },
    },
    async (req) => updateResident(ctx, requireSignedIn(req), req.params.id, req.body),
  );
  app.post(
    '/residents/lookup',
    {
      schema: {
        tags: ['registry'],
        summary: 'Find a resident by national ID number (staff with a purpose; matched by keyed hash)',
        querystring: PurposeQuery,
        body: LookupBody,
        response: { 200: ResidentOut },
      },
    },
    // Staff only: a resident must not learn whether some ID number is registered.
    async (req) => lookupResident(ctx, requireStaff(req), req.body.nationalId, req.query.purpose),
  );
};
