import { z } from 'zod';
import type { RouteModule } from '../../platform/http/types.ts';
import { requireResident } from '../../platform/http/auth-hook.ts';
import { activeSigningKey } from '../keys/keys.service.ts';
import { addDccCertificate, importTrustList, myCode, ownTrustList, verify } from './codes.service.ts';
import { spkiDer } from '../../core/codes/keys.ts';
import { authorize } from '../../core/policy/policy.ts';
import { forbidden } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { rotateSigningKey } from '../keys/keys.service.ts';
import { importForeignCertificate } from './foreign-certificate.service.ts';
import { invalidateTrustStore } from './codes.service.ts';

const Any = z.record(z.string(), z.unknown());

export const codeRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/me/code',
    {
      schema: {
        tags: ['codes'],
        summary: 'My current signed health code (TSR1, valid 3 minutes) with the explanation of its color',
        response: { 200: Any },
      },
    },
    async (req) => (await myCode(ctx, requireResident(req).id)) as unknown as Record<string, unknown>,
  );
  app.post(
    '/verify',
    {
      schema: {
        tags: ['codes'],
        summary:
          'Verify a TSR1 code or an EU DCC (HC1) certificate. Shows validity, color or type, issuer and expiry — not identity.',
        security: [],
        body: z.strictObject({ code: z.string().min(1).max(8192), identityCheck: z.boolean().default(false) }),
        response: { 200: Any },
      },
    },
    async (req) =>
      (await verify(ctx, req.principal, req.body.code, req.body.identityCheck)) as unknown as Record<string, unknown>,
  );
  app.get(
    '/trust-list',
    {
      schema: {
        tags: ['codes'],
        summary: 'Our signed trust list of code-signing keys, for offline verifiers (cacheable)',
        security: [],
        response: { 200: Any },
      },
    },
    async (_req, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return (await ownTrustList(ctx)) as unknown as Record<string, unknown>;
    },
  );
  app.get(
    '/trust-list/anchor',
    {
      schema: {
        tags: ['codes'],
        summary: 'The public key that signs our trust list (pin it out of band before importing our list)',
        security: [],
        response: {
          200: z.object({ jurisdiction: z.string(), alg: z.string(), kid: z.string(), publicKey: z.string() }),
        },
      },
    },
    async () => {
      const list = await ownTrustList(ctx);
      const key = await activeSigningKey(ctx, list.trustList.issuer, 'trust_list');
      return {
        jurisdiction: list.trustList.issuer,
        alg: key.alg,
        kid: key.kidB64,
        publicKey: spkiDer(key.publicKey).toString('base64'),
      };
    },
  );
  app.post(
    '/trust-list/import',
    {
      schema: {
        tags: ['codes'],
        summary: "Import another jurisdiction's signed trust list, checked against its pinned anchor key (admin)",
        body: z.strictObject({
          trustList: Any,
          anchor: z.strictObject({ alg: z.enum(['ES256', 'EdDSA']), publicKey: z.string().min(1) }),
        }),
        response: { 200: z.object({ issuer: z.string(), version: z.number(), keys: z.number() }) },
      },
    },
    async (req) => importTrustList(ctx, req.principal, req.body),
  );
  app.post(
    '/facts/foreign-certificate',
    {
      schema: {
        tags: ['facts'],
        summary:
          'Import a verified EU DCC (HC1) as a vaccination or test-result fact for a resident (health officer; the date of birth must match; audited)',
        body: z.strictObject({ personId: z.uuid(), code: z.string().min(4).max(8192) }),
        response: { 201: z.object({ fact: Any, status: Any }) },
      },
    },
    async (req, reply) => {
      const r = await importForeignCertificate(ctx, req.principal, req.body);
      return reply.status(201).send({
        fact: r.fact as unknown as Record<string, unknown>,
        status: r.status as unknown as Record<string, unknown>,
      });
    },
  );
  app.post(
    '/keys/rotate',
    {
      schema: {
        tags: ['codes'],
        summary:
          "Rotate a jurisdiction's signing key (admin). The old key keeps verifying the codes it signed until they expire.",
        body: z.strictObject({
          jurisdictionId: z.string().regex(/^\d{6}$/, 'must be a 6-digit city or county code'),
          purpose: z.enum(['code', 'trust_list', 'audit']),
        }),
        response: { 200: z.object({ kid: z.string(), jurisdictionId: z.string(), purpose: z.string() }) },
      },
    },
    async (req) => {
      const j = await ctx.db
        .selectFrom('jurisdictions')
        .select('path')
        .where('id', '=', req.body.jurisdictionId)
        .executeTakeFirst();
      const d = authorize(req.principal, 'key.rotate', { jurisdictionPath: j?.path ?? req.body.jurisdictionId });
      if (!d.allow) throw forbidden(d.reason);
      const key = await rotateSigningKey(ctx, req.body.jurisdictionId, req.body.purpose, actorOf(req.principal));
      invalidateTrustStore(ctx);
      return { kid: key.kidB64, jurisdictionId: req.body.jurisdictionId, purpose: req.body.purpose };
    },
  );
  app.post(
    '/trust-list/dcc-certificates',
    {
      schema: {
        tags: ['codes'],
        summary: 'Add an EU DCC document-signer certificate (PEM or base64 DER) as a trust anchor (admin)',
        body: z.strictObject({ certificate: z.string().min(1).max(20000) }),
        response: { 201: Any },
      },
    },
    async (req, reply) => reply.status(201).send(await addDccCertificate(ctx, req.principal, req.body.certificate)),
  );
};
