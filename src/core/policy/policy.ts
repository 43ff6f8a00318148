import type { DeviceKind, Principal, Role, StaffRole } from './roles.ts';

/**
 * The one place where authorization is decided. Pure predicates over (principal, action, target);
 * services call `authorize` and routes never make their own checks.
 */

export type Action =
  | 'jurisdiction.read'
  | 'jurisdiction.write'
  | 'grid.read'
  | 'grid.write'
  | 'grid.assign_workers'
  | 'household.read'
  | 'household.write'
  | 'resident.read'
  | 'resident.write'
  | 'place.read'
  | 'place.write'
  | 'staff.read'
  | 'staff.write'
  | 'token.issue'
  | 'registry.import'
  | 'registry.export'
  | 'audit.read'
  | 'appeal.review'
  | 'anomaly.read'
  | 'anomaly.resolve'
  | 'emergency.declare'
  | 'retention.purge'
  | 'certificate.countersign'
  | 'export.request'
  | 'export.approve'
  | 'fact.record_test'
  | 'fact.record_clinical'
  | 'fact.record_symptom'
  | 'status.read'
  | 'override.propose'
  | 'override.decide'
  | 'ruleset.publish'
  | 'key.rotate'
  | 'trust.import'
  | 'scan.record'
  | 'lab_result.submit'
  | 'case.read'
  | 'case.manage'
  | 'exposure.review'
  | 'risk_area.designate'
  | 'incident.report'
  | 'incident.read'
  | 'incident.act'
  | 'incident.evaluate'
  | 'incident.configure'
  | 'task.work'
  | 'task.assign'
  | 'campaign.manage'
  | 'feed.read'
  | 'stats.read';

export const ACTIONS: readonly Action[] = [
  'jurisdiction.read',
  'jurisdiction.write',
  'grid.read',
  'grid.write',
  'grid.assign_workers',
  'household.read',
  'household.write',
  'resident.read',
  'resident.write',
  'place.read',
  'place.write',
  'staff.read',
  'staff.write',
  'token.issue',
  'registry.import',
  'registry.export',
  'audit.read',
  'appeal.review',
  'anomaly.read',
  'anomaly.resolve',
  'emergency.declare',
  'retention.purge',
  'certificate.countersign',
  'export.request',
  'export.approve',
  'fact.record_test',
  'fact.record_clinical',
  'fact.record_symptom',
  'status.read',
  'override.propose',
  'override.decide',
  'ruleset.publish',
  'key.rotate',
  'trust.import',
  'scan.record',
  'lab_result.submit',
  'case.read',
  'case.manage',
  'exposure.review',
  'risk_area.designate',
  'incident.report',
  'incident.read',
  'incident.act',
  'incident.evaluate',
  'incident.configure',
  'task.work',
  'task.assign',
  'campaign.manage',
  'feed.read',
  'stats.read',
];

/** What the action touches: where it lies in the tree and, for personal data, whose it is. */
export interface Target {
  /** Jurisdiction path of the object (for a grid, household, resident or place: its community's path). */
  jurisdictionPath?: string | null;
  /** Household the object belongs to (residents may act on their own household only). */
  householdId?: string | null;
  /** Staff member who operates the object (venue operators act on their own places). */
  operatorId?: string | null;
  /** Who reported the object (residents see the incidents they reported). */
  reporterId?: string | null;
}

export interface Decision {
  allow: boolean;
  reason: string;
}

type Rule =
  | { who: 'public' }
  | { who: 'staff'; roles: readonly StaffRole[] }
  | { who: 'resident-own-household' }
  | { who: 'any-resident' }
  | { who: 'resident-own-report' }
  | { who: 'operator-own-place' }
  | { who: 'device'; kinds: readonly DeviceKind[] };

const OFFICERS = ['community_officer', 'subdistrict_officer', 'district_officer'] as const;
const REGISTRY_READERS = ['grid_worker', ...OFFICERS, 'health_officer', 'admin'] as const;
const REGISTRY_WRITERS = ['grid_worker', ...OFFICERS, 'admin'] as const;
const INCIDENT_STAFF = ['grid_worker', 'health_officer', ...OFFICERS] as const;

const RULES: Record<Action, readonly Rule[]> = {
  'jurisdiction.read': [{ who: 'public' }],
  'jurisdiction.write': [{ who: 'staff', roles: ['admin'] }],
  'grid.read': [{ who: 'public' }],
  'grid.write': [{ who: 'staff', roles: ['admin'] }],
  'grid.assign_workers': [{ who: 'staff', roles: [...OFFICERS, 'admin'] }],
  'household.read': [{ who: 'staff', roles: REGISTRY_READERS }, { who: 'resident-own-household' }],
  'household.write': [{ who: 'staff', roles: REGISTRY_WRITERS }],
  'resident.read': [{ who: 'staff', roles: REGISTRY_READERS }, { who: 'resident-own-household' }],
  'resident.write': [{ who: 'staff', roles: REGISTRY_WRITERS }],
  'place.read': [{ who: 'public' }],
  'place.write': [{ who: 'staff', roles: [...OFFICERS, 'admin'] }, { who: 'operator-own-place' }],
  'staff.read': [{ who: 'staff', roles: [...OFFICERS, 'admin', 'auditor'] }],
  'staff.write': [{ who: 'staff', roles: ['admin'] }],
  'token.issue': [{ who: 'staff', roles: ['admin'] }],
  'registry.import': [{ who: 'staff', roles: ['admin'] }],
  'registry.export': [{ who: 'staff', roles: ['admin'] }],
  'audit.read': [{ who: 'staff', roles: ['auditor'] }],
  // Accountability: appeals go to health officers; auditors read and resolve anomaly flags and countersign
  // deletion certificates; administrators declare emergencies and run purges; a bulk export of personal data is
  // requested by one administrator and approved by another administrator or an auditor.
  'appeal.review': [{ who: 'staff', roles: ['health_officer'] }],
  'anomaly.read': [{ who: 'staff', roles: ['auditor'] }],
  'anomaly.resolve': [{ who: 'staff', roles: ['auditor'] }],
  'emergency.declare': [{ who: 'staff', roles: ['admin'] }],
  'retention.purge': [{ who: 'staff', roles: ['admin'] }],
  'certificate.countersign': [{ who: 'staff', roles: ['auditor'] }],
  'export.request': [{ who: 'staff', roles: ['admin'] }],
  'export.approve': [{ who: 'staff', roles: ['admin', 'auditor'] }],
  // Health facts: labs report tests; health officers record clinical and epidemiological facts; symptoms may also
  // be self-reported (the resident's own record) or noted by the grid worker on a visit.
  'fact.record_test': [
    { who: 'staff', roles: ['lab', 'health_officer'] },
    { who: 'device', kinds: ['lab'] },
  ],
  'fact.record_clinical': [{ who: 'staff', roles: ['health_officer'] }],
  'fact.record_symptom': [
    { who: 'staff', roles: ['health_officer', 'grid_worker'] },
    { who: 'resident-own-household' },
  ],
  'status.read': [
    { who: 'staff', roles: ['health_officer', 'grid_worker', ...OFFICERS] },
    { who: 'resident-own-household' },
  ],
  'override.propose': [{ who: 'staff', roles: ['health_officer'] }],
  'override.decide': [{ who: 'staff', roles: ['health_officer', 'district_officer'] }],
  'ruleset.publish': [{ who: 'staff', roles: ['health_officer'] }],
  'key.rotate': [{ who: 'staff', roles: ['admin'] }],
  'trust.import': [{ who: 'staff', roles: ['admin'] }],
  // Contact tracing. Residents record their own scans of place codes and checkpoint devices scan residents' codes
  // within their scope; labs submit results; cases, exposure review and risk areas are the epidemiologists' (health
  // officers') work.
  'scan.record': [{ who: 'resident-own-household' }, { who: 'device', kinds: ['device'] }],
  'lab_result.submit': [
    { who: 'staff', roles: ['lab', 'health_officer'] },
    { who: 'device', kinds: ['lab'] },
  ],
  'case.read': [{ who: 'staff', roles: ['health_officer'] }],
  'case.manage': [{ who: 'staff', roles: ['health_officer'] }],
  'exposure.review': [{ who: 'staff', roles: ['health_officer'] }],
  'risk_area.designate': [{ who: 'staff', roles: ['health_officer'] }],
  // Aggregated counts for the command center: officers, health officers, auditors and administrators.
  'stats.read': [{ who: 'staff', roles: [...OFFICERS, 'health_officer', 'auditor', 'admin'] }],
  // Grid operations. Any resident may report a problem anywhere, and Open311 apps report on the public's behalf
  // through device tokens; staff report, read and act within their jurisdiction. The workflow state machine
  // then decides which step each role may take.
  'incident.report': [
    { who: 'any-resident' },
    { who: 'staff', roles: INCIDENT_STAFF },
    { who: 'device', kinds: ['device'] },
  ],
  'incident.read': [{ who: 'staff', roles: INCIDENT_STAFF }, { who: 'resident-own-report' }],
  'incident.act': [{ who: 'staff', roles: INCIDENT_STAFF }],
  'incident.evaluate': [{ who: 'staff', roles: OFFICERS }],
  'incident.configure': [{ who: 'staff', roles: ['admin'] }],
  'task.work': [{ who: 'staff', roles: ['grid_worker', 'health_officer'] }],
  'task.assign': [{ who: 'staff', roles: OFFICERS }],
  'campaign.manage': [{ who: 'staff', roles: OFFICERS }],
  // The command-center feed shows counts and grids, never people; still, only staff who run operations see it.
  'feed.read': [{ who: 'staff', roles: [...OFFICERS, 'health_officer'] }],
};

/** True when `path` is `scope` or lies below it in the tree. */
export function inScope(scopePath: string, path: string | null | undefined): boolean {
  if (path === null || path === undefined) return false;
  return path === scopePath || path.startsWith(`${scopePath}.`);
}

export function authorize(principal: Principal, action: Action, target: Target = {}): Decision {
  const rules = RULES[action];
  let lastReason = `${describe(principal)} may not ${action}`;
  for (const rule of rules) {
    switch (rule.who) {
      case 'public':
        return { allow: true, reason: 'public information' };
      case 'staff': {
        if (principal.kind !== 'staff') break;
        if (!rule.roles.includes(principal.role)) break;
        if (target.jurisdictionPath === undefined) return { allow: true, reason: `role ${principal.role}` };
        if (inScope(principal.scopePath, target.jurisdictionPath))
          return { allow: true, reason: `role ${principal.role} within scope ${principal.scopeId}` };
        lastReason = `${principal.role} ${principal.id} may ${action} only within jurisdiction ${principal.scopeId}`;
        break;
      }
      case 'resident-own-household': {
        if (principal.kind !== 'resident') break;
        if (target.householdId && target.householdId === principal.householdId)
          return { allow: true, reason: 'own household' };
        lastReason = 'residents may see only their own household';
        break;
      }
      case 'device': {
        if (principal.kind !== 'device' || !rule.kinds.includes(principal.deviceKind)) break;
        if (target.jurisdictionPath === undefined || inScope(principal.scopePath, target.jurisdictionPath))
          return { allow: true, reason: `${principal.deviceKind} token within scope ${principal.scopeId}` };
        lastReason = `${principal.deviceKind} token ${principal.id} may ${action} only within jurisdiction ${principal.scopeId}`;
        break;
      }
      case 'any-resident': {
        if (principal.kind === 'resident') return { allow: true, reason: 'any resident' };
        break;
      }
      case 'resident-own-report': {
        if (principal.kind !== 'resident') break;
        if (target.reporterId && target.reporterId === principal.id) return { allow: true, reason: 'own report' };
        lastReason = 'residents may see only the incidents they reported';
        break;
      }
      case 'operator-own-place': {
        if (principal.kind !== 'staff' || principal.role !== 'venue_operator') break;
        if (target.operatorId && target.operatorId === principal.id) return { allow: true, reason: 'own place' };
        lastReason = 'venue operators may change only the places they operate';
        break;
      }
    }
  }
  return { allow: false, reason: lastReason };
}

export function rolesAllowed(action: Action): ReadonlyArray<Role | 'public'> {
  const out: Array<Role | 'public'> = [];
  for (const r of RULES[action]) {
    if (r.who === 'public') out.push('public');
    else if (r.who === 'staff') out.push(...r.roles);
    else if (r.who === 'resident-own-household' || r.who === 'any-resident' || r.who === 'resident-own-report')
      out.push('resident');
    else if (r.who === 'device') continue;
    else out.push('venue_operator');
  }
  return out;
}

function describe(p: Principal): string {
  switch (p.kind) {
    case 'anonymous':
      return 'an anonymous caller';
    case 'resident':
      return 'a resident';
    case 'staff':
      return `${p.role} ${p.id}`;
    case 'device':
      return `${p.deviceKind} token ${p.id}`;
  }
}
