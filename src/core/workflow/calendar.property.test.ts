import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addWorkingTime,
  DAY_MS,
  DEFAULT_WORKING_CALENDAR,
  isWithinWorkingHours,
  MINUTE_MS,
  workingTimeBetween,
} from './calendar.ts';
import type { IsoWeekday, WorkingCalendar } from './calendar.ts';
import { SEED_CATEGORY_TREE } from './category-seed.ts';
import { indexCategories } from './categories.ts';
import { deadlineFor } from './deadlines.ts';
import type { ExtensionGrant } from './deadlines.ts';
import { STAGES } from './stages.ts';

const START = Date.UTC(2023, 0, 1);
const END = Date.UTC(2026, 0, 1);

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const isoDate = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Calendars with random zones, working weekdays, 1–3 periods (possibly up to 24:00), holidays and make-up days. */
const calendarArb: fc.Arbitrary<WorkingCalendar> = fc
  .record({
    utcOffsetMinutes: fc.integer({ min: -12 * 4, max: 14 * 4 }).map((q) => q * 15),
    weekdays: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
    cuts: fc.uniqueArray(fc.integer({ min: 0, max: 48 }), { minLength: 2, maxLength: 6 }),
    holidays: fc.uniqueArray(fc.integer({ min: START / DAY_MS, max: END / DAY_MS + 60 }), { maxLength: 40 }),
    workdays: fc.uniqueArray(fc.integer({ min: START / DAY_MS, max: END / DAY_MS + 60 }), { maxLength: 10 }),
  })
  .map(({ utcOffsetMinutes, weekdays, cuts, holidays, workdays }) => {
    // Sorted half-hour cut points taken in pairs give ascending, non-overlapping periods.
    const sorted = [...cuts].sort((a, b) => a - b);
    const periods = [];
    for (let i = 0; i + 1 < sorted.length; i += 2)
      periods.push({ start: hhmm(sorted[i]! * 30), end: hhmm(sorted[i + 1]! * 30) });
    const holidaySet = new Set(holidays);
    return {
      kind: 'working' as const,
      utcOffsetMinutes,
      weekdays: weekdays as IsoWeekday[],
      periods,
      holidays: holidays.map(isoDate),
      workdays: workdays.filter((d) => !holidaySet.has(d)).map(isoDate),
    };
  });

const calendars = fc.oneof(fc.constant(DEFAULT_WORKING_CALENDAR), calendarArb);
const instant = fc.integer({ min: START, max: END });
// Up to ~40 working days of the default calendar, in whole seconds plus odd milliseconds.
const duration = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 300 * 60 * MINUTE_MS }));

const runs = { numRuns: 300 };

describe('working-time addition (properties)', () => {
  it('is monotone in the start time', () => {
    fc.assert(
      fc.property(calendars, instant, instant, duration, (cal, a, b, d) => {
        const [s1, s2] = a <= b ? [a, b] : [b, a];
        expect(addWorkingTime(s1, d, cal)).toBeLessThanOrEqual(addWorkingTime(s2, d, cal));
      }),
      runs,
    );
  });

  it('is monotone in the duration', () => {
    fc.assert(
      fc.property(calendars, instant, duration, duration, (cal, s, a, b) => {
        const [d1, d2] = a <= b ? [a, b] : [b, a];
        expect(addWorkingTime(s, d1, cal)).toBeLessThanOrEqual(addWorkingTime(s, d2, cal));
      }),
      runs,
    );
  });

  it('never lands outside working hours unless the duration is zero', () => {
    fc.assert(
      fc.property(calendars, instant, duration, (cal, s, d) => {
        const end = addWorkingTime(s, d, cal);
        if (d === 0) expect(end).toBe(s);
        else expect(isWithinWorkingHours(end, cal)).toBe(true);
      }),
      runs,
    );
  });

  it('adding a then b equals adding a + b', () => {
    fc.assert(
      fc.property(calendars, instant, duration, duration, (cal, s, a, b) => {
        expect(addWorkingTime(addWorkingTime(s, a, cal), b, cal)).toBe(addWorkingTime(s, a + b, cal));
      }),
      runs,
    );
  });

  it('the working time up to the result is exactly the duration', () => {
    fc.assert(
      fc.property(calendars, instant, duration, (cal, s, d) => {
        expect(workingTimeBetween(s, addWorkingTime(s, d, cal), cal)).toBe(d);
      }),
      runs,
    );
  });
});

describe('deadlines (properties)', () => {
  const categories = [...indexCategories(SEED_CATEGORY_TREE).values()];
  const category = fc.constantFrom(...categories);
  const stage = fc.constantFrom(...STAGES);
  const extension: fc.Arbitrary<ExtensionGrant> = fc.record({
    amount: fc.integer({ min: 1, max: 16 }).map((n) => n / 2),
    unit: fc.constantFrom('hours' as const, 'days' as const),
  });

  it('are monotone in the start time', () => {
    fc.assert(
      fc.property(calendars, category, stage, instant, instant, (cal, c, st, a, b) => {
        const [s1, s2] = a <= b ? [a, b] : [b, a];
        const d1 = deadlineFor(st, c, s1, cal);
        const d2 = deadlineFor(st, c, s2, cal);
        if (d1 === null || d2 === null) expect(d1).toBe(d2);
        else expect(d1).toBeLessThanOrEqual(d2);
      }),
      runs,
    );
  });

  it('are monotone in the duration: extensions never bring a deadline forward', () => {
    fc.assert(
      fc.property(
        calendars,
        category,
        stage,
        instant,
        fc.array(extension, { maxLength: 3 }),
        extension,
        (cal, c, st, s, exts, more) => {
          const before = deadlineFor(st, c, s, cal, exts);
          const after = deadlineFor(st, c, s, cal, [...exts, more]);
          if (before === null) expect(after).toBeNull();
          else expect(after!).toBeGreaterThan(before);
        },
      ),
      runs,
    );
  });
});
