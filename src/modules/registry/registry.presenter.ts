import type { HouseholdRow } from './households.repository.ts';
import type { PlaceRow } from './places.repository.ts';
import type { ResidentRow } from './residents.repository.ts';
import type { StaffRow } from './staff.repository.ts';

// Presenters take rows that never carry the ID-number HMAC or a password hash, so nothing here can leak them.

export function presentResident(r: ResidentRow) {
  return {
    id: r.id,
    householdId: r.household_id,
    name: r.name,
    birthDate: r.birth_date,
    phone: r.phone,
    nationalIdMasked: r.national_id_masked,
    hasAccount: Boolean(r.has_account),
  };
}

export function presentHousehold(h: HouseholdRow, members?: ResidentRow[]) {
  return {
    id: h.id,
    gridCode: h.grid_code,
    communityId: h.community_id,
    address: h.address,
    location: { lat: Number(h.lat), lng: Number(h.lng) },
    ...(members ? { members: members.map(presentResident) } : {}),
  };
}

/** Places are public; who operates one is shown to staff only. */
export function presentPlace(p: PlaceRow, forStaff: boolean) {
  return {
    id: p.id,
    kind: p.kind,
    category: p.category,
    name: { 'zh-CN': p.name_zh, en: p.name_en },
    location: { lat: Number(p.lat), lng: Number(p.lng) },
    gridCode: p.grid_code,
    ...(forStaff ? { operatorId: p.operator_staff_id } : {}),
  };
}

export function presentStaff(s: StaffRow) {
  return {
    id: s.id,
    username: s.username,
    displayName: s.display_name,
    role: s.role,
    scopeId: s.scope_jurisdiction_id,
    active: s.active,
    createdAt: new Date(s.created_at).toISOString(),
  };
}
