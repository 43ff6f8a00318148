export const STAFF_ROLES = [
  'grid_worker',
  'community_officer',
  'subdistrict_officer',
  'district_officer',
  'health_officer',
  'lab',
  'venue_operator',
  'verifier',
  'auditor',
  'admin',
] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const ALL_ROLES = ['resident', ...STAFF_ROLES] as const;
export type Role = (typeof ALL_ROLES)[number];

export type DeviceKind = 'device' | 'lab' | 'verifier';

/** Who is calling. Scope paths are jurisdiction paths such as `330000.330100.330106`. */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'resident'; id: string; householdId: string }
  | { kind: 'staff'; id: string; role: StaffRole; scopeId: string; scopePath: string }
  | { kind: 'device'; id: string; deviceKind: DeviceKind; scopeId: string; scopePath: string; placeId: string | null };

export function roleOf(p: Principal): Role | 'anonymous' | `device:${DeviceKind}` {
  switch (p.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'resident':
      return 'resident';
    case 'staff':
      return p.role;
    case 'device':
      return `device:${p.deviceKind}`;
  }
}
