import { authorize, type Action } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { Actor } from '../../core/workflow/index.ts';
import { forbidden, unauthorized } from '../../platform/http/problem.ts';

/** Who reported, as stored with the incident. */
export interface Reporter {
  kind: 'resident' | 'staff' | 'open311';
  id: string;
}

/**
 * The workflow actor for a principal. An Open311 app reports on behalf of a member of the public, so its device
 * token acts with the resident role; its reports are recorded as `open311` with the token's id.
 */
export function actorFor(principal: Principal): Actor {
  switch (principal.kind) {
    case 'staff':
      return { id: principal.id, role: principal.role, jurisdictionPath: principal.scopePath };
    case 'resident':
      return { id: principal.id, role: 'resident', jurisdictionPath: null };
    case 'device':
      return { id: `open311:${principal.id}`, role: 'resident', jurisdictionPath: null };
    case 'anonymous':
      throw unauthorized();
  }
}

export function reporterOf(principal: Principal): Reporter {
  switch (principal.kind) {
    case 'staff':
      return { kind: 'staff', id: principal.id };
    case 'resident':
      return { kind: 'resident', id: principal.id };
    case 'device':
      return { kind: 'open311', id: principal.id };
    case 'anonymous':
      throw unauthorized();
  }
}

/** Throws 401/403 unless the principal may take `action` on an incident at `path` (reported by `reporterId`). */
export function requireIncidentAccess(
  principal: Principal,
  action: Action,
  path: string,
  reporterId: string | null = null,
): void {
  if (principal.kind === 'anonymous') throw unauthorized();
  const d = authorize(principal, action, { jurisdictionPath: path, reporterId });
  if (!d.allow) throw forbidden(d.reason);
}

export function canReadIncident(principal: Principal, path: string, reporterId: string): boolean {
  return authorize(principal, 'incident.read', { jurisdictionPath: path, reporterId }).allow;
}
