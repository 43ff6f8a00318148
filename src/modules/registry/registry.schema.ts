import { z } from 'zod';
import { ACCESS_PURPOSES, PURPOSE_LIST_TEXT } from '../../core/policy/purposes.ts';
import { STAFF_ROLES } from '../../core/policy/roles.ts';
import { ADDRESS_MAX, NAME_MAX, PHONE_PATTERN } from '../../core/registry/person-fields.ts';
import { PLACE_CATEGORIES, PLACE_KINDS } from '../../core/registry/place-categories.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import { Names } from '../jurisdictions/jurisdictions.schema.ts';

export const IdParam = z.object({ id: z.uuid('must be a UUID') });
export const GridCodeParam = z.object({ code: z.string().regex(/^\d{15}$/, 'must be a 15-digit unit-grid code') });

/** Staff state why they read personal data; the value is recorded with every audit entry of the read. */
export const PurposeQuery = z.object({
  purpose: z
    .enum(ACCESS_PURPOSES, { error: `must be one of ${PURPOSE_LIST_TEXT}` })
    .optional()
    .describe(
      `Why you are reading this personal data (required for staff, recorded in the audit log): ${PURPOSE_LIST_TEXT}`,
    ),
});

export const Lat = z.number().min(-90, 'latitude must be ≥ -90').max(90, 'latitude must be ≤ 90');
export const Lng = z.number().min(-180, 'longitude must be ≥ -180').max(180, 'longitude must be ≤ 180');
const Location = z.object({ lat: z.number(), lng: z.number() });

const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const Phone = z.string().regex(PHONE_PATTERN, 'must be a phone number of 6 to 15 digits');
const NationalId = z
  .string()
  .regex(/^\d{17}[\dXx]$/, 'must be 17 digits followed by a digit or X')
  .describe('18-character resident ID number; stored only as a keyed hash and a masked form');
const PersonName = z.string().trim().min(1, 'must not be empty').max(NAME_MAX);

export const ResidentOut = z.object({
  id: z.string(),
  householdId: z.string(),
  name: z.string(),
  birthDate: z.string(),
  phone: z.string().nullable(),
  nationalIdMasked: z.string().nullable().describe('e.g. 3301**********1234; the full number is never returned'),
  hasAccount: z.boolean(),
});

export const HouseholdOut = z.object({
  id: z.string(),
  gridCode: z.string(),
  communityId: z.string(),
  address: z.string(),
  location: Location,
  members: z.array(ResidentOut).optional(),
});

export const MeOut = z.object({ self: ResidentOut, household: HouseholdOut });

export const CreateHouseholdBody = z.strictObject({
  address: z.string().trim().min(1, 'must not be empty').max(ADDRESS_MAX),
  lat: Lat,
  lng: Lng,
});

export const CreateResidentBody = z.strictObject({
  householdId: z.uuid('must be a UUID'),
  name: PersonName,
  birthDate: DateText,
  phone: Phone.nullable().optional(),
  nationalId: NationalId.nullable().optional(),
});

export const PatchResidentBody = z.strictObject({
  householdId: z.uuid('must be a UUID').optional(),
  name: PersonName.optional(),
  birthDate: DateText.optional(),
  phone: Phone.nullable().optional(),
  nationalId: NationalId.nullable().optional(),
});

export const LookupBody = z.strictObject({ nationalId: NationalId });

export const PlaceOut = z.object({
  id: z.string(),
  kind: z.enum(PLACE_KINDS),
  category: z.string(),
  name: Names,
  location: Location,
  gridCode: z.string(),
  operatorId: z.string().nullable().optional().describe('Shown to staff only'),
});

const PlaceName = z.string().trim().min(1, 'must not be empty').max(200);
const Category = z.enum(PLACE_CATEGORIES, { error: `must be one of ${PLACE_CATEGORIES.join(', ')}` });

export const CreatePlaceBody = z.strictObject({
  kind: z.enum(PLACE_KINDS),
  category: Category,
  nameZh: PlaceName,
  nameEn: PlaceName,
  lat: Lat,
  lng: Lng,
  operatorId: z.uuid('must be a UUID').nullable().optional(),
});

export const PatchPlaceBody = z.strictObject({
  kind: z.enum(PLACE_KINDS).optional(),
  category: Category.optional(),
  nameZh: PlaceName.optional(),
  nameEn: PlaceName.optional(),
  lat: Lat.optional(),
  lng: Lng.optional(),
  operatorId: z.uuid('must be a UUID').nullable().optional(),
});

const StaffRoleEnum = z.enum(STAFF_ROLES, { error: `must be a staff role: ${STAFF_ROLES.join(', ')}` });
const JurisdictionCode = z.string().regex(/^\d{6}(\d{3}){0,2}$/, 'must be a 6-, 9- or 12-digit jurisdiction code');

export const StaffOut = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.string(),
  scopeId: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
});

export const StaffQuery = PageQuery.extend({
  jurisdiction: JurisdictionCode.optional().describe('List staff scoped within this jurisdiction (default: yours)'),
  role: StaffRoleEnum.optional(),
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

export const CreateStaffBody = z.strictObject({
  username: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, 'must be 3–64 lower-case letters, digits, dots, dashes or underscores'),
  displayName: z.string().trim().min(1).max(200),
  role: StaffRoleEnum,
  scopeJurisdictionId: JurisdictionCode,
  password: z.string().min(12, 'must be at least 12 characters').max(200),
});

export const PatchStaffBody = z.strictObject({
  displayName: z.string().trim().min(1).max(200).optional(),
  role: StaffRoleEnum.optional(),
  scopeJurisdictionId: JurisdictionCode.optional(),
  active: z.boolean().optional(),
});

/** Household pages carry their members, each audited: a smaller page than elsewhere. */
export const HouseholdPageQuery = PurposeQuery.extend({
  cursor: PageQuery.shape.cursor,
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
