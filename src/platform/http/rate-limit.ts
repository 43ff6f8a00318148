import type { FastifyReply, FastifyRequest } from 'fastify';
import { TokenBuckets, type BucketLimits } from '../../core/ratelimit/token-bucket.ts';
import type { AppContext } from '../context.ts';
import { Problem, sendProblem } from './problem.ts';

interface Limit {
  /** Route URLs (as registered) this limit guards. */
  routes: readonly string[];
  /** What a caller is, for this limit: an address, an address and an account, a signed-in principal… */
  key(req: FastifyRequest): string;
  limits: BucketLimits;
  message: string;
}

const SIGN_IN = ['/api/v1/auth/staff/sign-in', '/api/v1/auth/resident/sign-in'];

function account(req: FastifyRequest): string {
  const b = (req.body ?? {}) as { username?: unknown; phone?: unknown };
  return String(b.username ?? b.phone ?? '').slice(0, 64);
}

function principalKey(req: FastifyRequest): string {
  const p = req.principal;
  return p && p.kind !== 'anonymous' ? `${p.kind}:${p.id}` : `ip:${req.ip}`;
}

/**
 * The guarded endpoints. Sign-in is limited per address and, tighter, per address and account (password guessing);
 * codes per resident (one lasts three minutes); verification per device or address (checkpoints scan a lot).
 */
export const RATE_LIMITS: readonly Limit[] = [
  {
    routes: SIGN_IN,
    key: (req) => `signin-ip:${req.ip}`,
    limits: { capacity: 120, refillPerSecond: 2 },
    message: 'Too many sign-in attempts from this address',
  },
  {
    routes: SIGN_IN,
    key: (req) => `signin-account:${req.ip}:${account(req)}`,
    limits: { capacity: 30, refillPerSecond: 0.5 },
    message: 'Too many sign-in attempts for this account',
  },
  {
    routes: ['/api/v1/me/code'],
    key: (req) => `code:${principalKey(req)}`,
    limits: { capacity: 30, refillPerSecond: 0.5 },
    message: 'Too many code requests: a code stays valid for three minutes',
  },
  {
    routes: ['/api/v1/verify'],
    key: (req) => `verify:${req.principal?.kind === 'device' ? principalKey(req) : `ip:${req.ip}`}`,
    limits: { capacity: 300, refillPerSecond: 10 },
    message: 'Too many verification requests',
  },
];

/**
 * A preValidation hook (after the caller is known, before any work): token buckets per limit and key, answering
 * 429 problem+json with Retry-After when one is empty. In memory per process, which is what a limit against guessing
 * needs; `now` is injectable for tests.
 */
export function rateLimitHook(ctx: AppContext, limits: readonly Limit[] = RATE_LIMITS, now = () => performance.now()) {
  const buckets = limits.map((l) => new TokenBuckets(l.limits));
  const byRoute = new Map<string, number[]>();
  limits.forEach((l, i) => {
    for (const r of l.routes) byRoute.set(r, [...(byRoute.get(r) ?? []), i]);
  });
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (ctx.config.RATE_LIMITS === 'off') return;
    const which = byRoute.get(req.routeOptions.url ?? '');
    if (!which) return;
    const t = now();
    for (const i of which) {
      const limit = limits[i] as Limit;
      const r = (buckets[i] as TokenBuckets).take(limit.key(req), t);
      if (!r.allowed) {
        reply.header('retry-after', String(r.retryAfterSeconds));
        return sendProblem(
          reply,
          req,
          new Problem(429, 'Too Many Requests', `${limit.message}; try again in ${r.retryAfterSeconds} s.`, {
            retryAfter: r.retryAfterSeconds,
          }),
        );
      }
    }
  };
}
