import { describe, expect, it } from 'vitest';
import { ACCESS_PURPOSES, isAccessPurpose, purposeProblem } from './purposes.ts';
import type { Principal } from './roles.ts';

const staff: Principal = { kind: 'staff', id: 's', role: 'grid_worker', scopeId: '990101', scopePath: '990000.990101' };
const resident: Principal = { kind: 'resident', id: 'r', householdId: 'h' };

describe('purpose of access', () => {
  it('requires staff to state a listed purpose for personal-data reads', () => {
    expect(purposeProblem(staff, 'resident.read', undefined)).toMatch(/purpose must be one of tracing, follow_up/);
    expect(purposeProblem(staff, 'household.read', '')).toMatch(/purpose must be one of/);
    expect(purposeProblem(staff, 'resident.read', 'curiosity')).toMatch(/"curiosity" is not one of/);
    for (const p of ACCESS_PURPOSES) expect(purposeProblem(staff, 'resident.read', p)).toBeNull();
  });

  it('asks nothing of residents, nor of reads that are not personal data', () => {
    expect(purposeProblem(resident, 'resident.read', undefined)).toBeNull();
    expect(purposeProblem(staff, 'place.read', undefined)).toBeNull();
    expect(purposeProblem(staff, 'staff.read', undefined)).toBeNull();
  });

  it('recognises exactly the listed purposes', () => {
    expect(ACCESS_PURPOSES).toEqual([
      'tracing',
      'follow_up',
      'incident_handling',
      'appeal_review',
      'audit',
      'registry_maintenance',
    ]);
    expect(isAccessPurpose('audit')).toBe(true);
    expect(isAccessPurpose('Audit')).toBe(false);
    expect(isAccessPurpose(3)).toBe(false);
  });
});
