import { checkNationalId, hmacNationalId, maskNationalId } from '../../core/registry/national-id.ts';
import { birthDateOfNationalId, checkBirthDate, checkPhone } from '../../core/registry/person-fields.ts';
import type { FieldError } from '../../platform/http/problem.ts';

/** Upper-case and trimmed, so `...x` and `...X` are the same person. */
export const normalizeNationalId = (id: string) => id.trim().toUpperCase();

export interface PersonFieldInput {
  birthDate?: string | undefined;
  phone?: string | null | undefined;
  nationalId?: string | null | undefined;
}

/**
 * Field problems of a resident's data, named with `names` (API camelCase or CSV column names).
 * Used by the API and the CSV import alike, so both reject the same things for the same reasons.
 */
export function personFieldErrors(
  input: PersonFieldInput,
  today: Date,
  names: { birthDate: string; phone: string; nationalId: string },
): FieldError[] {
  const errors: FieldError[] = [];
  if (input.birthDate !== undefined) {
    const p = checkBirthDate(input.birthDate, today);
    if (p) errors.push({ field: names.birthDate, message: p });
  }
  if (input.phone) {
    const p = checkPhone(input.phone);
    if (p) errors.push({ field: names.phone, message: p });
  }
  if (input.nationalId) {
    const id = normalizeNationalId(input.nationalId);
    const p = checkNationalId(id);
    if (p) errors.push({ field: names.nationalId, message: `the national ID number ${p}` });
    else if (input.birthDate !== undefined && birthDateOfNationalId(id) !== input.birthDate)
      errors.push({
        field: names.nationalId,
        message: `the birth date in the national ID number (${birthDateOfNationalId(id)}) differs from ${names.birthDate} ${input.birthDate}`,
      });
  }
  return errors;
}

/** The only forms of an ID number that are ever stored. */
export function storedNationalId(key: Buffer, nationalId: string) {
  const id = normalizeNationalId(nationalId);
  return { national_id_hmac: hmacNationalId(key, id), national_id_masked: maskNationalId(id) };
}

export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}
