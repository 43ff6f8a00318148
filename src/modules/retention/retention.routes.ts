import { z } from 'zod';
import { RETENTION_CATEGORIES } from '../../core/retention/policy.ts';
import { authorize } from '../../core/policy/policy.ts';
import type { RouteModule } from '../../platform/http/types.ts';
import { requireResident, requireStaff } from '../../platform/http/auth-hook.ts';
import { forbidden } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { auditSigningKey } from '../audit/audit-keys.ts';
import {
  countersignCertificate,
  getCertificate,
  listCertificates,
  verifyPresentedCertificate,
} from './certificates.service.ts';
import { retentionDays, runPurge } from './purge.service.ts';
import { exportMyData, requestDeletion, TRACING_LOOKBACK_DAYS } from './resident-data.service.ts';

const Any = z.record(z.string(), z.unknown());

export const retentionRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/retention/policy',
    {
      schema: {
        tags: ['retention'],
        summary: 'How long each category of data is kept, and how long after an emergency ends (public)',
        security: [],
        response: { 200: Any },
      },
    },
    async () => ({
      retentionDays: retentionDays(ctx.config),
      afterEmergencyEndsDays: ctx.config.RETENTION_AFTER_EMERGENCY_DAYS,
      residentDeletionKeepsDays: TRACING_LOOKBACK_DAYS,
    }),
  );
  app.post(
    '/retention/purge',
    {
      schema: {
        tags: ['retention'],
        summary:
          'Purge what is past its retention period now (admin). Records an open case still needs are kept and reported; with strict, the purge is refused instead.',
        body: z.strictObject({
          dryRun: z.boolean().default(true),
          categories: z.array(z.enum(RETENTION_CATEGORIES)).min(1).optional(),
          strict: z.boolean().default(false),
        }),
        response: { 200: Any },
      },
    },
    async (req) => {
      const staff = requireStaff(req);
      const d = authorize(staff, 'retention.purge');
      if (!d.allow) throw forbidden(d.reason);
      return (await runPurge(ctx, {
        dryRun: req.body.dryRun,
        categories: req.body.categories,
        strict: req.body.strict,
        trigger: `staff:${staff.id}`,
        actor: actorOf(staff),
      })) as unknown as Record<string, unknown>;
    },
  );
  app.get(
    '/retention/certificates',
    {
      schema: {
        tags: ['retention'],
        summary:
          'Deletion certificates, newest first (public): category, count, time range, Merkle root, countersigned',
        security: [],
        response: { 200: z.object({ items: z.array(Any) }) },
      },
    },
    async () => ({ items: await listCertificates(ctx) }),
  );
  app.get(
    '/retention/certificates/:id',
    {
      schema: {
        tags: ['retention'],
        summary: 'One signed deletion certificate, with its countersignature when there is one (public)',
        security: [],
        params: z.object({ id: z.string().min(1).max(100) }),
        response: { 200: Any },
      },
    },
    async (req) => (await getCertificate(ctx, req.params.id)) as unknown as Record<string, unknown>,
  );
  app.post(
    '/retention/certificates/:id/countersign',
    {
      schema: {
        tags: ['retention'],
        summary:
          'Countersign a deletion certificate after checking it (auditor; once; not the person who ran the purge)',
        params: z.object({ id: z.string().min(1).max(100) }),
        response: { 200: Any },
      },
    },
    async (req) => {
      const staff = requireStaff(req);
      const key = await auditSigningKey(ctx);
      if (!key) throw forbidden('No audit key yet.');
      return (await countersignCertificate(ctx, staff, req.params.id, key)) as unknown as Record<string, unknown>;
    },
  );
  app.post(
    '/retention/certificates/verify',
    {
      schema: {
        tags: ['retention'],
        summary:
          'Verify a deletion certificate (public): signatures, that this system issued it unaltered, and — given the deleted ids — the commitment',
        security: [],
        body: z.strictObject({
          certificate: Any,
          ids: z.array(z.string().min(1).max(200)).max(1_000_000).optional(),
        }),
        response: { 200: Any },
      },
    },
    async (req) =>
      (await verifyPresentedCertificate(ctx, req.body.certificate, req.body.ids)) as unknown as Record<string, unknown>,
  );
  app.get(
    '/me/export',
    {
      schema: {
        tags: ['me'],
        summary: 'Download everything the system holds about me as JSON',
        response: { 200: Any },
      },
    },
    async (req, reply) => {
      reply.header('content-disposition', 'attachment; filename="tessera-my-data.json"');
      return (await exportMyData(ctx, requireResident(req))) as unknown as Record<string, unknown>;
    },
  );
  app.post(
    '/me/deletion-request',
    {
      schema: {
        tags: ['me'],
        summary:
          'Delete my data that is no longer needed (older than the tracing look-back and not needed by a case, my status or an open appeal); certified',
        response: { 200: Any },
      },
    },
    async (req) => (await requestDeletion(ctx, requireResident(req))) as unknown as Record<string, unknown>,
  );
};
