import { z } from 'zod';

/**
 * Working-time arithmetic for time limits.
 *
 * Instants are milliseconds since the Unix epoch (UTC). A working calendar describes local working days and
 * periods at a fixed UTC offset (China has no daylight saving time, so a fixed offset is exact there; a
 * jurisdiction with DST would configure one calendar per season). The urgent calendar runs 24/7.
 *
 * Working time is measured on closed periods: a duration that is used up exactly at 12:00 ends at 12:00, not at
 * the start of the afternoon period. That choice keeps `addWorkingTime(addWorkingTime(s, a), b)` equal to
 * `addWorkingTime(s, a + b)`.
 */

export type EpochMs = number;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface WorkPeriod {
  /** Local time 'HH:MM'. */
  start: string;
  /** Local time 'HH:MM'; '24:00' is allowed for a period that runs to midnight. */
  end: string;
}

export interface WorkingCalendar {
  kind: 'working';
  /** Minutes east of UTC, e.g. 480 for China Standard Time. */
  utcOffsetMinutes: number;
  /** Weekdays that are working days unless listed in `holidays`. */
  weekdays: readonly IsoWeekday[];
  /** Working periods of every working day, ascending and non-overlapping. */
  periods: readonly WorkPeriod[];
  /** Local dates 'YYYY-MM-DD' that are not worked although their weekday is. */
  holidays: readonly string[];
  /** Local dates 'YYYY-MM-DD' that are worked although their weekday is not (调休 make-up days). */
  workdays: readonly string[];
}

/** The 24/7 calendar of 紧急工作时 (urgent time). */
export interface AroundTheClockCalendar {
  kind: '24x7';
}

export type Calendar = WorkingCalendar | AroundTheClockCalendar;

export const AROUND_THE_CLOCK: AroundTheClockCalendar = { kind: '24x7' };

/** Mon–Fri 08:30–12:00 and 13:30–17:30 at UTC+8, no holidays: the common office calendar. */
export const DEFAULT_WORKING_CALENDAR: WorkingCalendar = {
  kind: 'working',
  utcOffsetMinutes: 480,
  weekdays: [1, 2, 3, 4, 5],
  periods: [
    { start: '08:30', end: '12:00' },
    { start: '13:30', end: '17:30' },
  ],
  holidays: [],
  workdays: [],
};

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Day number (days since 1970-01-01) of a 'YYYY-MM-DD' date, or null when it is not a real date. */
export function dayNumberOf(date: string): number | null {
  const m = DATE_RE.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

const timeSchema = z.string().regex(TIME_RE, { message: "expected a local time 'HH:MM' between 00:00 and 24:00" });
const dateSchema = z
  .string()
  .refine((s) => dayNumberOf(s) !== null, { message: "expected a real calendar date 'YYYY-MM-DD'" });

export const workingCalendarSchema = z
  .object({
    kind: z.literal('working'),
    utcOffsetMinutes: z
      .number()
      .int()
      .min(-14 * 60)
      .max(14 * 60),
    weekdays: z
      .array(
        z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(6), z.literal(7)]),
      )
      .min(1, { message: 'at least one weekday must be a working day' }),
    periods: z.array(z.object({ start: timeSchema, end: timeSchema })).min(1, {
      message: 'at least one working period is needed',
    }),
    holidays: z.array(dateSchema).default([]),
    workdays: z.array(dateSchema).default([]),
  })
  .superRefine((cal, ctx) => {
    let previousEnd = -1;
    cal.periods.forEach((p, i) => {
      const s = minutesOf(p.start);
      const e = minutesOf(p.end);
      if (e <= s)
        ctx.addIssue({
          code: 'custom',
          path: ['periods', i],
          message: `period ${p.start}–${p.end} ends before it starts`,
        });
      else if (s < previousEnd)
        ctx.addIssue({
          code: 'custom',
          path: ['periods', i],
          message: `period ${p.start}–${p.end} overlaps or precedes the previous period; list periods in ascending order`,
        });
      previousEnd = Math.max(previousEnd, e);
    });
    if (new Set(cal.weekdays).size !== cal.weekdays.length)
      ctx.addIssue({ code: 'custom', path: ['weekdays'], message: 'weekdays are listed more than once' });
    const holidays = new Set(cal.holidays);
    cal.workdays.forEach((d, i) => {
      if (holidays.has(d))
        ctx.addIssue({
          code: 'custom',
          path: ['workdays', i],
          message: `${d} is listed both as a holiday and as a workday`,
        });
    });
  });

interface CompiledCalendar {
  offsetMs: number;
  weekdays: readonly boolean[]; // index 1..7
  periods: readonly (readonly [number, number])[]; // ms from local midnight
  holidays: ReadonlySet<number>;
  workdays: ReadonlySet<number>;
  dayLengthMs: number;
}

// Memoised per calendar object: compiling is pure, and the cache is invisible to callers.
const compiled = new WeakMap<WorkingCalendar, CompiledCalendar>();

function compile(cal: WorkingCalendar): CompiledCalendar {
  const cached = compiled.get(cal);
  if (cached) return cached;
  const parsed = workingCalendarSchema.safeParse(cal);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new RangeError(`invalid working calendar at ${first?.path.join('.') || '(root)'}: ${first?.message}`);
  }
  const weekdays = Array.from({ length: 8 }, (_, d) => cal.weekdays.includes(d as IsoWeekday));
  const periods = cal.periods.map((p) => [minutesOf(p.start) * MINUTE_MS, minutesOf(p.end) * MINUTE_MS] as const);
  const result: CompiledCalendar = {
    offsetMs: cal.utcOffsetMinutes * MINUTE_MS,
    weekdays,
    periods,
    holidays: new Set(cal.holidays.map((d) => dayNumberOf(d) as number)),
    workdays: new Set(cal.workdays.map((d) => dayNumberOf(d) as number)),
    dayLengthMs: periods.reduce((sum, [s, e]) => sum + (e - s), 0),
  };
  compiled.set(cal, result);
  return result;
}

/** ISO weekday of a day number; 1970-01-01 was a Thursday. */
function weekdayOf(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

function isWorkingDay(c: CompiledCalendar, day: number): boolean {
  if (c.workdays.has(day)) return true;
  if (c.holidays.has(day)) return false;
  return c.weekdays[weekdayOf(day)] === true;
}

/** Length of one working day in ms (the sum of the periods); a "work day" limit means this much working time. */
export function workingDayLength(cal: Calendar): number {
  return cal.kind === '24x7' ? DAY_MS : compile(cal).dayLengthMs;
}

// A calendar with at least one working weekday finds working time within a week; this bound only stops
// absurd durations (about a century of working time) from looping for ever.
const MAX_DAYS_SCANNED = 366 * 150;

function assertDuration(duration: number): void {
  if (!Number.isInteger(duration) || duration < 0)
    throw new RangeError(`working-time duration must be a non-negative whole number of ms, got ${duration}`);
}

function assertInstant(t: number, name: string): void {
  if (!Number.isFinite(t)) throw new RangeError(`${name} must be a finite epoch-ms instant, got ${t}`);
}

/**
 * The instant at which `duration` ms of working time have elapsed after `start`. A zero duration returns `start`
 * unchanged, even outside working hours; any positive duration ends inside a working period (its end included).
 */
export function addWorkingTime(start: EpochMs, duration: number, cal: Calendar): EpochMs {
  assertInstant(start, 'start');
  assertDuration(duration);
  if (duration === 0 || cal.kind === '24x7') return start + duration;
  const c = compile(cal);
  const local = start + c.offsetMs;
  let day = Math.floor(local / DAY_MS);
  let timeOfDay = local - day * DAY_MS;
  let remaining = duration;
  for (let scanned = 0; scanned < MAX_DAYS_SCANNED; scanned++, day++, timeOfDay = 0) {
    if (!isWorkingDay(c, day)) continue;
    for (const [ps, pe] of c.periods) {
      const from = Math.max(ps, timeOfDay);
      if (from >= pe) continue;
      const available = pe - from;
      if (remaining <= available) return day * DAY_MS + from + remaining - c.offsetMs;
      remaining -= available;
    }
  }
  throw new RangeError(`duration ${duration} ms does not fit in ${MAX_DAYS_SCANNED} days of this calendar`);
}

/** Working time in ms between two instants (0 when `to` is not after `from`). */
export function workingTimeBetween(from: EpochMs, to: EpochMs, cal: Calendar): number {
  assertInstant(from, 'from');
  assertInstant(to, 'to');
  if (to <= from) return 0;
  if (cal.kind === '24x7') return to - from;
  const c = compile(cal);
  const localFrom = from + c.offsetMs;
  const localTo = to + c.offsetMs;
  const lastDay = Math.floor(localTo / DAY_MS);
  let total = 0;
  for (let day = Math.floor(localFrom / DAY_MS); day <= lastDay; day++) {
    if (!isWorkingDay(c, day)) continue;
    const base = day * DAY_MS;
    for (const [ps, pe] of c.periods) {
      const s = Math.max(base + ps, localFrom);
      const e = Math.min(base + pe, localTo);
      if (e > s) total += e - s;
    }
  }
  return total;
}

/** True when `t` lies in a working period, both ends included (always true for the 24/7 calendar). */
export function isWithinWorkingHours(t: EpochMs, cal: Calendar): boolean {
  if (cal.kind === '24x7') return true;
  const c = compile(cal);
  const local = t + c.offsetMs;
  const day = Math.floor(local / DAY_MS);
  // A period ending at 24:00 ends at the next day's midnight, so the previous day is checked too.
  for (const d of [day, day - 1]) {
    if (!isWorkingDay(c, d)) continue;
    const timeOfDay = local - d * DAY_MS;
    if (c.periods.some(([ps, pe]) => timeOfDay >= ps && timeOfDay <= pe)) return true;
  }
  return false;
}

/** Local 'YYYY-MM-DD HH:MM' of an instant in the calendar's zone (UTC for the 24/7 calendar unless given). */
export function formatLocal(t: EpochMs, utcOffsetMinutes: number): string {
  const d = new Date(t + utcOffsetMinutes * MINUTE_MS);
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} ${offset === '+00:00' ? 'UTC' : `UTC${offset}`}`;
}
