import { z } from 'zod';
import type { RouteModule } from '../../platform/http/types.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import { requireStaff } from '../../platform/http/auth-hook.ts';
import { queryAudit } from './audit.query.ts';
import { auditKeys } from './audit-keys.ts';
import { latestCheckpoint, listCheckpoints } from './checkpoints.service.ts';
import { verifyChainAsAuditor } from './chain-status.service.ts';

const Any = z.record(z.string(), z.unknown());
const SignedCheckpoint = z.object({ id: z.number(), statement: Any, signature: z.string() });

export const auditRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary:
          'Query the audit log by actor, subject, action (a trailing * matches a prefix), person and time, newest first (auditor; the query is audited)',
        querystring: PageQuery.extend({
          actor: z.string().min(1).max(100).optional(),
          subject: z.string().min(1).max(200).optional(),
          subjectKind: z.string().min(1).max(50).optional(),
          action: z.string().min(1).max(100).optional(),
          person: z.uuid().optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
        }),
        response: { 200: z.object({ items: z.array(Any), nextCursor: z.string().nullable() }) },
      },
    },
    async (req) => queryAudit(ctx, requireStaff(req), req.query),
  );
  app.post(
    '/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary:
          'Recompute the whole audit hash chain now against the signed checkpoints and name the first altered, inserted, missing or reordered entry (auditor; the verification is audited)',
        response: { 200: Any },
      },
    },
    async (req) => verifyChainAsAuditor(ctx, requireStaff(req)),
  );
  app.get(
    '/audit/checkpoints',
    {
      schema: {
        tags: ['audit'],
        summary:
          'Signed checkpoints of the audit chain head, oldest first (public: hashes only). Keep copies to detect a rewritten or truncated log.',
        security: [],
        querystring: z.object({
          after: z.coerce.number().int().min(0).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.object({ items: z.array(SignedCheckpoint) }) },
      },
    },
    async (req) => ({
      items: (await listCheckpoints(ctx, { afterId: req.query.after, limit: req.query.limit })).map((c) => ({
        id: c.id,
        statement: c.statement as unknown as Record<string, unknown>,
        signature: c.signature,
      })),
    }),
  );
  app.get(
    '/audit/head',
    {
      schema: {
        tags: ['audit'],
        summary: 'The latest signed checkpoint of the audit chain (public)',
        security: [],
        response: { 200: z.object({ checkpoint: SignedCheckpoint.nullable() }) },
      },
    },
    async () => {
      const c = await latestCheckpoint(ctx);
      return {
        checkpoint: c
          ? { id: c.id, statement: c.statement as unknown as Record<string, unknown>, signature: c.signature }
          : null,
      };
    },
  );
  app.get(
    '/audit/keys',
    {
      schema: {
        tags: ['audit'],
        summary:
          'Public keys that sign audit checkpoints and deletion certificates, retired ones included (public; separate from code-signing keys)',
        security: [],
        response: {
          200: z.object({
            items: z.array(
              z.object({
                kid: z.string(),
                alg: z.string(),
                jurisdictionId: z.string(),
                publicKey: z.string(),
                createdAt: z.string(),
                retiredAt: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async () => ({
      items: (await auditKeys(ctx)).map((k) => ({
        kid: k.kid,
        alg: k.alg,
        jurisdictionId: k.jurisdictionId,
        publicKey: k.publicSpki,
        createdAt: k.createdAt,
        retiredAt: k.retiredAt,
      })),
    }),
  );
};
