import type { Principal } from '../../api/types.ts';

// Mirrors the server policy (src/core/policy): asking for what the role may not read would only produce 403s.
const FEED_ROLES: ReadonlySet<string> = new Set([
  'community_officer',
  'subdistrict_officer',
  'district_officer',
  'health_officer',
]);
const STATS_ROLES: ReadonlySet<string> = new Set([...FEED_ROLES, 'auditor', 'admin']);

export const mayReadFeed = (p: Principal | undefined): boolean => p?.kind === 'staff' && FEED_ROLES.has(p.role);
export const mayReadStats = (p: Principal | undefined): boolean => p?.kind === 'staff' && STATS_ROLES.has(p.role);

// Filing, dispatching, reassigning and parking incidents, and reassigning tasks, are officers' steps.
const DISPATCH_ROLES: ReadonlySet<string> = new Set(['community_officer', 'subdistrict_officer', 'district_officer']);
export const mayDispatch = (p: Principal | undefined): boolean => p?.kind === 'staff' && DISPATCH_ROLES.has(p.role);
