import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { birthDateOfNationalId, checkBirthDate, checkPhone } from './person-fields.ts';
import { checkNationalId, maskNationalId } from './national-id.ts';

const TODAY = new Date('2026-03-02T08:00:00Z');

describe('person fields', () => {
  it('accepts real past dates and explains every other birth date', () => {
    expect(checkBirthDate('1985-03-12', TODAY)).toBeNull();
    expect(checkBirthDate('2026-03-02', TODAY)).toBeNull();
    expect(checkBirthDate('1985-02-30', TODAY)).toMatch(/not a real calendar date/);
    expect(checkBirthDate('12/03/1985', TODAY)).toMatch(/YYYY-MM-DD/);
    expect(checkBirthDate('2026-03-03', TODAY)).toMatch(/in the future/);
    expect(checkBirthDate('1899-12-31', TODAY)).toMatch(/before 1900/);
  });

  it('never accepts a date that does not round-trip through the calendar', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2025 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (y, m, d) => {
          const text = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const real = new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
          expect(checkBirthDate(text, TODAY) === null).toBe(real);
        },
      ),
    );
  });

  it('checks phone numbers and reads the birth date out of an ID number', () => {
    expect(checkPhone('13800000001')).toBeNull();
    expect(checkPhone('+8613800000001')).toBeNull();
    expect(checkPhone('138-0000')).toMatch(/not a phone number/);
    const id = '11010519491231002X';
    expect(checkNationalId(id)).toBeNull();
    expect(birthDateOfNationalId(id)).toBe('1949-12-31');
    expect(maskNationalId(id)).toBe('1101**********002X');
  });
});
