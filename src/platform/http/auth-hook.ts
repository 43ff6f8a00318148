import type { FastifyRequest } from 'fastify';
import { principalForTokenHash } from '../../modules/auth/auth.repository.ts';
import { tokenHash } from '../../modules/auth/tokens.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../context.ts';
import { forbidden, unauthorized } from './problem.ts';

/** Resolves the bearer token (if any) to a principal before every handler. */
export function authHook(ctx: AppContext) {
  return async (req: FastifyRequest) => {
    req.principal = { kind: 'anonymous' };
    req.tokenHash = null;
    const header = req.headers.authorization;
    if (!header) return;
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m?.[1]) throw unauthorized('Authorization header must be "Bearer <token>".');
    const hash = tokenHash(m[1]);
    const principal = await principalForTokenHash(ctx.db, hash, ctx.clock.now());
    if (!principal) throw unauthorized('The token is unknown, expired or revoked. Sign in again.');
    req.principal = principal;
    req.tokenHash = hash;
  };
}

export function requireSignedIn(req: FastifyRequest): Exclude<Principal, { kind: 'anonymous' }> {
  if (req.principal.kind === 'anonymous') throw unauthorized();
  return req.principal;
}

export function requireResident(req: FastifyRequest): Extract<Principal, { kind: 'resident' }> {
  const p = requireSignedIn(req);
  if (p.kind !== 'resident') throw forbidden('This endpoint is for signed-in residents.');
  return p;
}

export function requireStaff(req: FastifyRequest): Extract<Principal, { kind: 'staff' }> {
  const p = requireSignedIn(req);
  if (p.kind !== 'staff') throw forbidden('This endpoint is for staff accounts.');
  return p;
}

export function requireDevice(req: FastifyRequest): Extract<Principal, { kind: 'device' }> {
  const p = requireSignedIn(req);
  if (p.kind !== 'device') throw forbidden('This endpoint is for device, lab or verifier API tokens.');
  return p;
}
