/** Field rules for people in the registry, shared by the API and the CSV import so both say the same thing. */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD`, a real calendar date, not before 1900 and not after `today` (UTC). */
export function checkBirthDate(text: string, today: Date): string | null {
  const m = DATE.exec(text);
  if (!m) return `"${text}" is not a date in the form YYYY-MM-DD`;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return `${text} is not a real calendar date`;
  if (y < 1900) return `${text} is before 1900`;
  if (text > today.toISOString().slice(0, 10)) return `${text} is in the future`;
  return null;
}

export const PHONE_PATTERN = /^\+?[0-9]{6,15}$/;

export function checkPhone(text: string): string | null {
  return PHONE_PATTERN.test(text) ? null : `"${text}" is not a phone number of 6 to 15 digits`;
}

/** The birth date written into an 18-character resident ID number (digits 7–14). */
export function birthDateOfNationalId(id: string): string {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

export const NAME_MAX = 100;
export const ADDRESS_MAX = 300;
