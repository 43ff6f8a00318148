import { describe, expect, it } from 'vitest';
import {
  addWorkingTime,
  AROUND_THE_CLOCK,
  DEFAULT_WORKING_CALENDAR,
  dayNumberOf,
  formatLocal,
  HOUR_MS,
  isWithinWorkingHours,
  MINUTE_MS,
  workingCalendarSchema,
  workingDayLength,
  workingTimeBetween,
} from './calendar.ts';
import type { WorkingCalendar } from './calendar.ts';
import { local } from './test-fixtures.ts';

const cal = DEFAULT_WORKING_CALENDAR;
const add = (start: number, ms: number, c: WorkingCalendar = cal) => addWorkingTime(start, ms, c);

describe('addWorkingTime on Mon–Fri 08:30–12:00, 13:30–17:30 (UTC+8)', () => {
  it('adds within a period', () => {
    expect(add(local(2024, 3, 4, 9, 0), HOUR_MS)).toBe(local(2024, 3, 4, 10, 0));
  });

  it('skips the lunch break', () => {
    expect(add(local(2024, 3, 4, 11, 30), HOUR_MS)).toBe(local(2024, 3, 4, 14, 0));
  });

  it('ends exactly at the end of a period rather than at the start of the next', () => {
    expect(add(local(2024, 3, 4, 11, 0), HOUR_MS)).toBe(local(2024, 3, 4, 12, 0));
    expect(add(local(2024, 3, 8, 16, 30), HOUR_MS)).toBe(local(2024, 3, 8, 17, 30));
  });

  it('skips the weekend', () => {
    expect(add(local(2024, 3, 8, 17, 0), HOUR_MS)).toBe(local(2024, 3, 11, 9, 0));
    expect(add(local(2024, 3, 9, 10, 0), HOUR_MS)).toBe(local(2024, 3, 11, 9, 30));
  });

  it('starts from the next period when started outside working hours', () => {
    expect(add(local(2024, 3, 4, 7, 0), HOUR_MS)).toBe(local(2024, 3, 4, 9, 30));
    expect(add(local(2024, 3, 4, 12, 15), 30 * MINUTE_MS)).toBe(local(2024, 3, 4, 14, 0));
    expect(add(local(2024, 3, 4, 20, 0), 30 * MINUTE_MS)).toBe(local(2024, 3, 5, 9, 0));
  });

  it('skips holidays and works make-up days', () => {
    // Qingming 2024: Thu 4 – Sat 6 April off, Sun 7 April worked.
    const qingming: WorkingCalendar = { ...cal, holidays: ['2024-04-04', '2024-04-05'], workdays: ['2024-04-07'] };
    expect(add(local(2024, 4, 3, 17, 0), HOUR_MS, qingming)).toBe(local(2024, 4, 7, 9, 0));
    expect(add(local(2024, 4, 3, 17, 0), HOUR_MS)).toBe(local(2024, 4, 4, 9, 0));
  });

  it('counts work days as working-day lengths', () => {
    expect(workingDayLength(cal)).toBe(7.5 * HOUR_MS);
    expect(add(local(2024, 3, 4, 10, 0), 5 * workingDayLength(cal))).toBe(local(2024, 3, 11, 10, 0));
  });

  it('returns the start for a zero duration, even outside working hours', () => {
    const sunday = local(2024, 3, 10, 3, 0);
    expect(add(sunday, 0)).toBe(sunday);
  });

  it('refuses negative, fractional and non-finite inputs', () => {
    expect(() => add(local(2024, 3, 4, 9, 0), -1)).toThrow(RangeError);
    expect(() => add(local(2024, 3, 4, 9, 0), 0.5)).toThrow(/whole number of ms/);
    expect(() => add(Number.NaN, 1)).toThrow(/finite/);
  });

  it('honours the UTC offset', () => {
    const newYork: WorkingCalendar = { ...cal, utcOffsetMinutes: -300, periods: [{ start: '09:00', end: '17:00' }] };
    // 2024-03-04 21:00 UTC is 16:00 in UTC−5: one hour left today, one tomorrow from 09:00 (14:00 UTC).
    expect(addWorkingTime(Date.UTC(2024, 2, 4, 21, 0), 2 * HOUR_MS, newYork)).toBe(Date.UTC(2024, 2, 5, 15, 0));
  });

  it('handles periods that run to midnight', () => {
    const evening: WorkingCalendar = {
      ...cal,
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      periods: [{ start: '18:00', end: '24:00' }],
    };
    const end = addWorkingTime(local(2024, 3, 4, 23, 0), HOUR_MS, evening);
    expect(end).toBe(local(2024, 3, 5, 0, 0));
    expect(isWithinWorkingHours(end, evening)).toBe(true);
    expect(addWorkingTime(local(2024, 3, 4, 23, 0), 2 * HOUR_MS, evening)).toBe(local(2024, 3, 5, 19, 0));
  });

  it('adds plain wall-clock time on the 24/7 calendar', () => {
    const sat = local(2024, 3, 9, 3, 0);
    expect(addWorkingTime(sat, 3 * HOUR_MS, AROUND_THE_CLOCK)).toBe(sat + 3 * HOUR_MS);
    expect(workingDayLength(AROUND_THE_CLOCK)).toBe(24 * HOUR_MS);
  });
});

describe('workingTimeBetween and isWithinWorkingHours', () => {
  it('measures only working time', () => {
    expect(workingTimeBetween(local(2024, 3, 8, 17, 0), local(2024, 3, 11, 9, 0), cal)).toBe(HOUR_MS);
    expect(workingTimeBetween(local(2024, 3, 4, 0, 0), local(2024, 3, 5, 0, 0), cal)).toBe(7.5 * HOUR_MS);
    expect(workingTimeBetween(local(2024, 3, 5, 0, 0), local(2024, 3, 4, 0, 0), cal)).toBe(0);
    expect(workingTimeBetween(0, 5000, AROUND_THE_CLOCK)).toBe(5000);
  });

  it('includes both ends of a period', () => {
    expect(isWithinWorkingHours(local(2024, 3, 4, 8, 30), cal)).toBe(true);
    expect(isWithinWorkingHours(local(2024, 3, 4, 12, 0), cal)).toBe(true);
    expect(isWithinWorkingHours(local(2024, 3, 4, 12, 1), cal)).toBe(false);
    expect(isWithinWorkingHours(local(2024, 3, 9, 10, 0), cal)).toBe(false);
    expect(isWithinWorkingHours(local(2024, 3, 9, 10, 0), AROUND_THE_CLOCK)).toBe(true);
  });
});

describe('calendar validation', () => {
  const issues = (input: unknown) => {
    const r = workingCalendarSchema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts the default calendar', () => {
    expect(issues(cal)).toEqual([]);
  });

  it('explains what is wrong', () => {
    expect(
      issues({
        ...cal,
        periods: [
          { start: '13:30', end: '17:30' },
          { start: '08:30', end: '12:00' },
        ],
      }),
    ).toEqual([
      'periods.1: period 08:30–12:00 overlaps or precedes the previous period; list periods in ascending order',
    ]);
    expect(issues({ ...cal, periods: [{ start: '12:00', end: '08:30' }] })).toEqual([
      'periods.0: period 12:00–08:30 ends before it starts',
    ]);
    expect(issues({ ...cal, periods: [{ start: '8:30', end: '12:00' }] })).toEqual([
      "periods.0.start: expected a local time 'HH:MM' between 00:00 and 24:00",
    ]);
    expect(issues({ ...cal, weekdays: [] })).toEqual(['weekdays: at least one weekday must be a working day']);
    expect(issues({ ...cal, holidays: ['2024-02-30'] })).toEqual([
      "holidays.0: expected a real calendar date 'YYYY-MM-DD'",
    ]);
    expect(issues({ ...cal, holidays: ['2024-05-01'], workdays: ['2024-05-01'] })).toEqual([
      'workdays.0: 2024-05-01 is listed both as a holiday and as a workday',
    ]);
  });

  it('refuses to compute with an invalid calendar', () => {
    expect(() => add(0, HOUR_MS, { ...cal, periods: [] })).toThrow(/invalid working calendar at periods/);
  });
});

describe('helpers', () => {
  it('dayNumberOf parses only real dates', () => {
    expect(dayNumberOf('1970-01-02')).toBe(1);
    expect(dayNumberOf('2024-02-29')).not.toBeNull();
    expect(dayNumberOf('2023-02-29')).toBeNull();
    expect(dayNumberOf('2024-1-1')).toBeNull();
  });

  it('formatLocal shows local time and zone', () => {
    expect(formatLocal(local(2024, 3, 4, 14, 40), 480)).toBe('2024-03-04 14:40 UTC+08:00');
    expect(formatLocal(Date.UTC(2024, 2, 4, 14, 40), 0)).toBe('2024-03-04 14:40 UTC');
    expect(formatLocal(Date.UTC(2024, 2, 4, 14, 40), -330)).toBe('2024-03-04 09:10 UTC-05:30');
  });
});
