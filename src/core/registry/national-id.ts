import { createHmac } from 'node:crypto';

/** Checks an 18-character resident ID number (GB 11643 layout and check digit); returns a problem or null. */
export function checkNationalId(id: string): string | null {
  if (!/^\d{17}[\dX]$/.test(id)) return 'must be 17 digits followed by a digit or X';
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * (weights[i] ?? 0);
  const expected = '10X98765432'[sum % 11];
  if (id[17] !== expected) return 'has a wrong check digit';
  return null;
}

/** `3301**********1234`: enough for a person to recognise their own number, useless to anyone else. */
export function maskNationalId(id: string): string {
  return `${id.slice(0, 4)}${'*'.repeat(Math.max(0, id.length - 8))}${id.slice(-4)}`;
}

/** The only stored form of the number: a keyed HMAC, so equality lookups work but the number is not recoverable. */
export function hmacNationalId(key: Buffer, id: string): string {
  return createHmac('sha256', key).update(id.toUpperCase()).digest('hex');
}
