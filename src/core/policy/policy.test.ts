import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ACTIONS, authorize, inScope, rolesAllowed, type Action } from './policy.ts';
import { STAFF_ROLES, type Principal, type StaffRole } from './roles.ts';

const CITY = '990000.990100';
const DISTRICT = `${CITY}.990101`;
const OTHER_DISTRICT = `${CITY}.990102`;
const COMMUNITY = `${DISTRICT}.990101001.990101001001`;

const staff = (role: StaffRole, scopePath = DISTRICT): Principal => ({
  kind: 'staff',
  id: `s-${role}`,
  role,
  scopeId: scopePath.split('.').at(-1) ?? '',
  scopePath,
});

// The expected matrix, written out by hand: role → actions allowed within scope.
const OFFICER: Action[] = [
  'grid.assign_workers',
  'household.read',
  'household.write',
  'resident.read',
  'resident.write',
  'place.write',
  'staff.read',
  'incident.report',
  'incident.read',
  'incident.act',
  'incident.evaluate',
  'task.assign',
  'campaign.manage',
  'feed.read',
];
const EXPECTED: Record<StaffRole, Action[]> = {
  grid_worker: [
    'household.read',
    'household.write',
    'resident.read',
    'resident.write',
    'fact.record_symptom',
    'status.read',
    'incident.report',
    'incident.read',
    'incident.act',
    'task.work',
  ],
  community_officer: [...OFFICER, 'status.read', 'stats.read'],
  subdistrict_officer: [...OFFICER, 'status.read', 'stats.read'],
  district_officer: [...OFFICER, 'status.read', 'override.decide', 'stats.read'],
  health_officer: [
    'household.read',
    'resident.read',
    'fact.record_test',
    'fact.record_clinical',
    'fact.record_symptom',
    'status.read',
    'override.propose',
    'override.decide',
    'ruleset.publish',
    'appeal.review',
    'lab_result.submit',
    'case.read',
    'case.manage',
    'exposure.review',
    'risk_area.designate',
    'incident.report',
    'incident.read',
    'incident.act',
    'task.work',
    'feed.read',
    'stats.read',
  ],
  lab: ['fact.record_test', 'lab_result.submit'],
  venue_operator: [],
  verifier: [],
  auditor: [
    'staff.read',
    'audit.read',
    'anomaly.read',
    'anomaly.resolve',
    'certificate.countersign',
    'export.approve',
    'stats.read',
  ],
  admin: [
    'jurisdiction.write',
    'grid.write',
    'grid.assign_workers',
    'household.read',
    'household.write',
    'resident.read',
    'resident.write',
    'place.write',
    'staff.read',
    'staff.write',
    'token.issue',
    'registry.import',
    'registry.export',
    'key.rotate',
    'trust.import',
    'emergency.declare',
    'retention.purge',
    'export.request',
    'export.approve',
    'incident.configure',
    'stats.read',
  ],
};
const PUBLIC: Action[] = ['jurisdiction.read', 'grid.read', 'place.read'];
/** Allowed to every resident wherever the target lies. */
const ANY_RESIDENT: Action[] = ['incident.report'];

describe('authorization matrix: role × action × scope', () => {
  for (const role of STAFF_ROLES) {
    for (const action of ACTIONS) {
      const expectedInScope = PUBLIC.includes(action) || EXPECTED[role].includes(action);
      it(`${role} ${expectedInScope ? 'may' : 'may not'} ${action} in scope; ${PUBLIC.includes(action) ? 'may' : 'may not'} outside`, () => {
        const p = staff(role);
        expect(authorize(p, action, { jurisdictionPath: COMMUNITY }).allow).toBe(expectedInScope);
        expect(authorize(p, action, { jurisdictionPath: `${OTHER_DISTRICT}.990102001` }).allow).toBe(
          PUBLIC.includes(action),
        );
      });
    }
  }

  it('residents see only their own household', () => {
    const r: Principal = { kind: 'resident', id: 'r1', householdId: 'h1' };
    for (const action of ACTIONS) {
      const own = authorize(r, action, { householdId: 'h1', jurisdictionPath: COMMUNITY }).allow;
      const other = authorize(r, action, { householdId: 'h2', jurisdictionPath: COMMUNITY }).allow;
      const expectedOwn =
        PUBLIC.includes(action) ||
        ANY_RESIDENT.includes(action) ||
        ['household.read', 'resident.read', 'fact.record_symptom', 'status.read', 'scan.record'].includes(action);
      expect(own, action).toBe(expectedOwn);
      expect(other, action).toBe(PUBLIC.includes(action) || ANY_RESIDENT.includes(action));
    }
  });

  it('residents read only the incidents they reported', () => {
    const r: Principal = { kind: 'resident', id: 'r1', householdId: 'h1' };
    for (const action of ACTIONS) {
      const own = authorize(r, action, { reporterId: 'r1', jurisdictionPath: COMMUNITY }).allow;
      const other = authorize(r, action, { reporterId: 'r2', jurisdictionPath: COMMUNITY }).allow;
      const base = PUBLIC.includes(action) || ANY_RESIDENT.includes(action);
      expect(own, action).toBe(base || action === 'incident.read');
      expect(other, action).toBe(base);
    }
    expect(authorize(r, 'incident.read', { reporterId: 'r2' }).reason).toMatch(/incidents they reported/);
  });

  it('anonymous callers get public information only; device tokens may also report incidents in scope', () => {
    const anon: Principal = { kind: 'anonymous' };
    const device: Principal = {
      kind: 'device',
      id: 'd',
      deviceKind: 'device',
      scopeId: '990101',
      scopePath: DISTRICT,
      placeId: null,
    };
    for (const action of ACTIONS) {
      expect(authorize(anon, action, { jurisdictionPath: COMMUNITY }).allow).toBe(PUBLIC.includes(action));
      expect(authorize(device, action, { jurisdictionPath: COMMUNITY }).allow, action).toBe(
        PUBLIC.includes(action) || action === 'incident.report' || action === 'scan.record',
      );
    }
    expect(authorize(device, 'incident.report', { jurisdictionPath: `${OTHER_DISTRICT}.990102001` }).allow).toBe(false);
    expect(authorize(device, 'scan.record', { jurisdictionPath: `${OTHER_DISTRICT}.990102001` }).allow).toBe(false);
  });

  it('lab tokens may record test results only, and only within their scope', () => {
    const lab: Principal = {
      kind: 'device',
      id: 'l',
      deviceKind: 'lab',
      scopeId: '990101',
      scopePath: DISTRICT,
      placeId: null,
    };
    for (const action of ACTIONS) {
      const expected = PUBLIC.includes(action) || action === 'fact.record_test' || action === 'lab_result.submit';
      expect(authorize(lab, action, { jurisdictionPath: COMMUNITY }).allow, action).toBe(expected);
    }
    expect(authorize(lab, 'fact.record_test', { jurisdictionPath: `${OTHER_DISTRICT}.990102001` }).allow).toBe(false);
  });

  it('venue operators change only the places they operate', () => {
    const op = staff('venue_operator');
    expect(authorize(op, 'place.write', { operatorId: op.kind === 'staff' ? op.id : '' }).allow).toBe(true);
    expect(authorize(op, 'place.write', { operatorId: 'someone-else' }).allow).toBe(false);
  });

  it('denials explain themselves', () => {
    const d = authorize(staff('grid_worker'), 'resident.read', { jurisdictionPath: `${OTHER_DISTRICT}.990102001` });
    expect(d.allow).toBe(false);
    expect(d.reason).toMatch(/only within jurisdiction/);
  });

  it('rolesAllowed agrees with authorize', () => {
    for (const action of ACTIONS) {
      const allowed = rolesAllowed(action);
      for (const role of STAFF_ROLES) {
        if (PUBLIC.includes(action)) continue;
        if (role === 'venue_operator' && action === 'place.write') continue; // own places only, tested above
        expect(allowed.includes(role), `${role} ${action}`).toBe(EXPECTED[role].includes(action));
      }
    }
  });

  it('scope is a prefix on whole path segments only', () => {
    expect(inScope('990000.990100', '990000.990100.990101')).toBe(true);
    expect(inScope('990000.99010', '990000.990100')).toBe(false);
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^\d{3}$/), { minLength: 1, maxLength: 5 }),
        fc.array(fc.stringMatching(/^\d{3}$/), { maxLength: 3 }),
        (a, b) => {
          const scope = a.join('.');
          expect(inScope(scope, [...a, ...b].join('.'))).toBe(true);
        },
      ),
    );
  });
});
