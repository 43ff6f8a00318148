import { z } from 'zod';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { BusEvent } from '../../platform/events/bus.ts';
import { badRequest, forbidden, unauthorized } from '../../platform/http/problem.ts';
import type { RouteModule } from '../../platform/http/types.ts';
import { principalForTokenHash } from '../auth/auth.repository.ts';
import { tokenHash } from '../auth/tokens.ts';
import { FEED_FAMILIES, feedEventFor, sseFrame, type FeedEvent } from './feed-events.ts';

const HEARTBEAT_MS = 15_000;
const REPLAY_LIMIT = 1000;

export const feedRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/feed',
    {
      schema: {
        tags: ['feed'],
        summary:
          'Live command-center feed (Server-Sent Events) of incident, task, status and campaign events in your jurisdiction; people are never named. EventSource cannot send headers, so access_token may carry the bearer token. Reconnect with Last-Event-ID to resume.',
        querystring: z.object({
          access_token: z.string().max(200).optional(),
          topics: z
            .string()
            .regex(/^[a-z,]+$/, `a comma list of ${FEED_FAMILIES.join(', ')}`)
            .optional(),
          lastEventId: z.coerce.number().int().min(0).optional(),
        }),
      },
    },
    async (req, reply) => {
      let principal: Principal = req.principal;
      if (principal.kind === 'anonymous' && req.query.access_token) {
        const p = await principalForTokenHash(ctx.db, tokenHash(req.query.access_token), ctx.clock.now());
        if (!p) throw unauthorized('The access_token is unknown, expired or revoked. Sign in again.');
        principal = p;
      }
      if (principal.kind === 'anonymous') throw unauthorized();
      if (principal.kind !== 'staff') throw forbidden('The live feed is for staff accounts.');
      const decision = authorize(principal, 'feed.read', { jurisdictionPath: principal.scopePath });
      if (!decision.allow) throw forbidden(decision.reason);
      const families = new Set(req.query.topics ? req.query.topics.split(',') : FEED_FAMILIES);
      for (const f of families)
        if (!FEED_FAMILIES.includes(f))
          throw badRequest(`query.topics: '${f}' is not a feed topic (known: ${FEED_FAMILIES.join(', ')})`);
      const scope = principal.scopePath;
      const header = req.headers['last-event-id'];
      const resumeFrom =
        req.query.lastEventId ?? (typeof header === 'string' && /^\d+$/.test(header) ? Number(header) : null);

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write(`retry: 5000\n: connected as ${principal.role} in ${principal.scopeId}\n\n`);

      let lastSent = resumeFrom ?? 0;
      let replaying = resumeFrom !== null;
      const queued: FeedEvent[] = [];
      const write = (e: FeedEvent) => {
        if (e.id <= lastSent) return;
        lastSent = e.id;
        raw.write(sseFrame(e));
      };
      const unsubscribe = ctx.bus.subscribe('*', (event: BusEvent) => {
        const e = feedEventFor(scope, families, event);
        if (!e) return;
        if (replaying) queued.push(e);
        else write(e);
      });
      const heartbeat = setInterval(() => raw.write(': ping\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      raw.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
      });

      if (resumeFrom !== null) {
        // Subscribed first, then replayed: nothing published in between is lost, and duplicates are skipped by id.
        const rows = await ctx.db
          .selectFrom('outbox')
          .select(['id', 'topic', 'payload', 'created_at'])
          .where('id', '>', resumeFrom)
          .orderBy('id')
          .limit(REPLAY_LIMIT)
          .execute();
        for (const r of rows) {
          const e = feedEventFor(scope, families, {
            id: Number(r.id),
            topic: r.topic,
            payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
            createdAt: new Date(r.created_at),
          });
          if (e) write(e);
        }
        replaying = false;
        for (const e of queued.splice(0)) write(e);
      }
    },
  );
};
