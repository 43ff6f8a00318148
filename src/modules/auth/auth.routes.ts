import { z } from 'zod';
import type { RouteModule } from '../../platform/http/types.ts';
import { requireSignedIn } from '../../platform/http/auth-hook.ts';
import { issueApiToken, signInResident, signInStaff, signOut } from './auth.service.ts';

const SessionOut = z.object({
  token: z.string(),
  expiresAt: z.string(),
  principal: z.record(z.string(), z.unknown()),
});

export const authRoutes: RouteModule = (app, ctx) => {
  app.post(
    '/auth/staff/sign-in',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in as a staff member',
        body: z.strictObject({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }),
        response: { 200: SessionOut },
      },
    },
    async (req) => signInStaff(ctx, req.body.username, req.body.password),
  );
  app.post(
    '/auth/resident/sign-in',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in as a resident',
        body: z.strictObject({
          phone: z.string().regex(/^\+?[0-9]{6,15}$/, 'must be a phone number of 6 to 15 digits'),
          password: z.string().min(1).max(200),
        }),
        response: { 200: SessionOut },
      },
    },
    async (req) => signInResident(ctx, req.body.phone, req.body.password),
  );
  app.post(
    '/auth/sign-out',
    { schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null() } } },
    async (req, reply) => {
      requireSignedIn(req);
      if (req.tokenHash) await signOut(ctx, req.tokenHash);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/auth/me',
    {
      schema: { tags: ['auth'], summary: 'Who am I', response: { 200: z.record(z.string(), z.unknown()) } },
    },
    async (req) => ({ ...requireSignedIn(req) }),
  );
  app.post(
    '/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Issue an API token for a device, lab or verifier (admin). The token is shown once.',
        body: z.strictObject({
          kind: z.enum(['device', 'lab', 'verifier']),
          name: z.string().min(1).max(200),
          scopeJurisdictionId: z.string().min(1).max(20),
          placeId: z.uuid().optional(),
        }),
        response: {
          201: z.object({
            id: z.string(),
            token: z.string(),
            kind: z.string(),
            name: z.string(),
            scopeJurisdictionId: z.string(),
          }),
        },
      },
    },
    async (req, reply) => reply.status(201).send(await issueApiToken(ctx, requireSignedIn(req), req.body)),
  );
};
