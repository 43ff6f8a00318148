import { describe, expect, it } from 'vitest';
import { AROUND_THE_CLOCK, DEFAULT_WORKING_CALENDAR, HOUR_MS, MINUTE_MS } from './calendar.ts';
import type { WorkingCalendar } from './calendar.ts';
import { SEED_CATEGORY_TREE } from './category-seed.ts';
import { indexCategories } from './categories.ts';
import { calendarFor, deadlineFor, durationMs, isOverdue, overdueBy, timeLimitSchema } from './deadlines.ts';
import { escalationAt, escalationTarget, escalationThreshold, maxEscalationLevel } from './escalation.ts';
import { local } from './test-fixtures.ts';

const categories = indexCategories(SEED_CATEGORY_TREE);
const garbage = categories.get('0101')!; // file 1 wh, dispatch 1 wh, handle 4 wh, verify 2 wh
const structure = categories.get('0103')!; // handle 10 work days
const vending = categories.get('0401')!; // handle 3 urgent hours, verify 1.5 working hours
const waterMain = categories.get('0501')!; // all urgent: 0.5 / 0.5 / 3 / 1.5 hours
const cal = DEFAULT_WORKING_CALENDAR;

describe('deadlineFor', () => {
  it('uses the limit of the stage’s phase', () => {
    const mon0900 = local(2024, 3, 4, 9, 0);
    expect(deadlineFor('collected', garbage, mon0900, cal)).toBe(local(2024, 3, 4, 10, 0));
    expect(deadlineFor('filed', garbage, mon0900, cal)).toBe(local(2024, 3, 4, 10, 0));
    expect(deadlineFor('returned', garbage, mon0900, cal)).toBe(local(2024, 3, 4, 10, 0));
    expect(deadlineFor('dispatched', garbage, mon0900, cal)).toBe(local(2024, 3, 4, 14, 30));
    expect(deadlineFor('handling', garbage, mon0900, cal)).toBe(local(2024, 3, 4, 14, 30));
    expect(deadlineFor('handled', garbage, mon0900, cal)).toBe(local(2024, 3, 4, 11, 0));
  });

  it('has no deadline where no clock runs', () => {
    for (const stage of ['closed', 'evaluated', 'rejected', 'parked'] as const)
      expect(deadlineFor(stage, garbage, local(2024, 3, 4, 9, 0), cal)).toBeNull();
  });

  it('counts work days over weekends and holidays', () => {
    // 10 working days from Thursday 28 March 2024 10:00, with Qingming (4–5 April) off and Sunday 7 April worked.
    const qingming: WorkingCalendar = { ...cal, holidays: ['2024-04-04', '2024-04-05'], workdays: ['2024-04-07'] };
    const start = local(2024, 3, 28, 10, 0);
    // Working days after the start: Fri 29, Mon 1, Tue 2, Wed 3, Sun 7, Mon 8, Tue 9, Wed 10, Thu 11, Fri 12.
    expect(deadlineFor('handling', structure, start, qingming)).toBe(local(2024, 4, 12, 10, 0));
    // Without the holidays: Fri 29 … Thu 11.
    expect(deadlineFor('handling', structure, start, cal)).toBe(local(2024, 4, 11, 10, 0));
  });

  it('runs urgent limits around the clock and mixes calendars per phase', () => {
    const sat2300 = local(2024, 3, 9, 23, 0);
    expect(deadlineFor('handling', waterMain, sat2300, cal)).toBe(local(2024, 3, 10, 2, 0));
    expect(deadlineFor('collected', waterMain, sat2300, cal)).toBe(sat2300 + 30 * MINUTE_MS);
    // Street vending: handled within 3 urgent hours, but checked within 1.5 working hours.
    expect(deadlineFor('handling', vending, sat2300, cal)).toBe(local(2024, 3, 10, 2, 0));
    expect(deadlineFor('handled', vending, sat2300, cal)).toBe(local(2024, 3, 11, 10, 0));
  });

  it('adds approved extensions in the limit’s calendar', () => {
    const mon0900 = local(2024, 3, 4, 9, 0);
    expect(deadlineFor('handling', garbage, mon0900, cal, [{ amount: 1, unit: 'days' }])).toBe(
      local(2024, 3, 5, 14, 30),
    );
    expect(
      deadlineFor('handling', garbage, mon0900, cal, [
        { amount: 2, unit: 'hours' },
        { amount: 0.5, unit: 'hours' },
      ]),
    ).toBe(local(2024, 3, 4, 17, 0));
    expect(deadlineFor('handling', waterMain, mon0900, cal, [{ amount: 1, unit: 'days' }])).toBe(
      mon0900 + 27 * HOUR_MS,
    );
  });
});

describe('overdue', () => {
  const due = local(2024, 3, 8, 17, 0);

  it('is strictly after the deadline', () => {
    expect(isOverdue(due, due)).toBe(false);
    expect(isOverdue(due, due + 1)).toBe(true);
    expect(isOverdue(null, due + 1)).toBe(false);
  });

  it('reports wall-clock and working time past the deadline', () => {
    expect(overdueBy(due, local(2024, 3, 11, 9, 0), cal)).toEqual({ wallMs: 64 * HOUR_MS, workingMs: HOUR_MS });
    expect(overdueBy(due, local(2024, 3, 8, 20, 0), cal)).toEqual({ wallMs: 3 * HOUR_MS, workingMs: 30 * MINUTE_MS });
    expect(overdueBy(due, due - 1, cal)).toEqual({ wallMs: 0, workingMs: 0 });
    expect(overdueBy(due, due + HOUR_MS, AROUND_THE_CLOCK)).toEqual({ wallMs: HOUR_MS, workingMs: HOUR_MS });
  });
});

describe('time limits', () => {
  it('validates amounts', () => {
    expect(timeLimitSchema.safeParse({ amount: 1.5, unit: 'hours', calendar: 'working' }).success).toBe(true);
    const bad = (input: unknown) => {
      const r = timeLimitSchema.safeParse(input);
      return r.success ? null : r.error.issues[0]?.message;
    };
    expect(bad({ amount: 0, unit: 'hours', calendar: 'working' })).toBe('a time limit must be positive');
    expect(bad({ amount: 400, unit: 'days', calendar: 'working' })).toBe('400 days is longer than a year');
    expect(bad({ amount: 0.01, unit: 'hours', calendar: 'urgent' })).toBe(
      '0.01 hours is not a whole number of minutes',
    );
  });

  it('converts to working milliseconds per calendar', () => {
    expect(durationMs(1.5, 'hours', cal)).toBe(90 * MINUTE_MS);
    expect(durationMs(2, 'days', cal)).toBe(15 * HOUR_MS);
    expect(durationMs(2, 'days', AROUND_THE_CLOCK)).toBe(48 * HOUR_MS);
    expect(calendarFor('urgent', cal)).toBe(AROUND_THE_CLOCK);
    expect(calendarFor('working', cal)).toBe(cal);
    expect(() => durationMs(-1, 'hours', cal)).toThrow(RangeError);
  });
});

describe('escalation levels', () => {
  const path = '330100.330106.001.002';

  it('maps levels to ancestors, capped at the root', () => {
    expect(maxEscalationLevel(path)).toBe(3);
    expect(escalationTarget(path, 0)).toBe(path);
    expect(escalationTarget(path, 1)).toBe('330100.330106.001');
    expect(escalationTarget(path, 2)).toBe('330100.330106');
    expect(escalationTarget(path, 3)).toBe('330100');
    expect(escalationTarget(path, 7)).toBe('330100');
    expect(() => escalationTarget(path, -1)).toThrow(RangeError);
  });

  it('escalates once per further limit in working time', () => {
    const due = local(2024, 3, 8, 16, 30); // Friday
    const limit = 4 * HOUR_MS;
    expect(escalationThreshold(due, limit, 1, cal)).toBe(due);
    // One more limit: 1 h on Friday, 3 h on Monday from 08:30 → 11:30.
    expect(escalationThreshold(due, limit, 2, cal)).toBe(local(2024, 3, 11, 11, 30));
    expect(escalationAt(path, due, limit, due, cal)).toEqual({ level: 0, jurisdictionPath: path, nextAt: due });
    expect(escalationAt(path, due, limit, local(2024, 3, 9, 12, 0), cal)).toEqual({
      level: 1,
      jurisdictionPath: '330100.330106.001',
      nextAt: local(2024, 3, 11, 11, 30),
    });
    expect(escalationAt(path, due, limit, local(2024, 3, 11, 11, 31), cal).level).toBe(2);
    expect(escalationAt(path, due, limit, local(2024, 4, 1, 9, 0), cal)).toEqual({
      level: 3,
      jurisdictionPath: '330100',
      nextAt: null,
    });
  });

  it('cannot escalate above the root', () => {
    expect(escalationAt('330100', 0, HOUR_MS, 10 * HOUR_MS, AROUND_THE_CLOCK)).toEqual({
      level: 0,
      jurisdictionPath: '330100',
      nextAt: null,
    });
  });
});
