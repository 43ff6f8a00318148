import { z } from 'zod';
import type { CategoryDefinition } from './categories.ts';
import { addWorkingTime, AROUND_THE_CLOCK, HOUR_MS, workingDayLength, workingTimeBetween } from './calendar.ts';
import type { Calendar, EpochMs, WorkingCalendar } from './calendar.ts';
import { phaseOf } from './stages.ts';
import type { SlaPhase, Stage } from './stages.ts';

/**
 * Time limits attach to a (category, phase) pair and are counted either in working time (工作时, the office
 * calendar) or in urgent time (紧急工作时, 24/7). A limit in days means that many working days' worth of working
 * time in the working calendar (so "1 work-day" from Tuesday 10:00 ends Wednesday 10:00), and 24-hour days in the
 * urgent calendar.
 */

export const TIME_UNITS = ['hours', 'days'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];
export const CALENDAR_KINDS = ['working', 'urgent'] as const;
export type CalendarKind = (typeof CALENDAR_KINDS)[number];

export const timeLimitSchema = z
  .object({
    amount: z.number().positive({ message: 'a time limit must be positive' }),
    unit: z.enum(TIME_UNITS),
    calendar: z.enum(CALENDAR_KINDS),
  })
  .superRefine((l, ctx) => {
    const max = l.unit === 'hours' ? 24 * 366 : 366;
    if (l.amount > max)
      ctx.addIssue({ code: 'custom', path: ['amount'], message: `${l.amount} ${l.unit} is longer than a year` });
    // Whole minutes keep every deadline on an integral millisecond and readable on a form.
    const minutes = l.amount * (l.unit === 'hours' ? 60 : 24 * 60);
    if (Math.abs(minutes - Math.round(minutes)) > 1e-9)
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: `${l.amount} ${l.unit} is not a whole number of minutes`,
      });
  });

export interface TimeLimit {
  amount: number;
  unit: TimeUnit;
  calendar: CalendarKind;
}

/** An approved deadline extension (延期), counted in the calendar of the limit it extends. */
export interface ExtensionGrant {
  amount: number;
  unit: TimeUnit;
}

export function calendarFor(kind: CalendarKind, working: WorkingCalendar): Calendar {
  return kind === 'urgent' ? AROUND_THE_CLOCK : working;
}

/** Working-time length in ms of `amount` `unit`s in `cal`. */
export function durationMs(amount: number, unit: TimeUnit, cal: Calendar): number {
  if (!(amount >= 0) || !Number.isFinite(amount)) throw new RangeError(`duration amount must be ≥ 0, got ${amount}`);
  return Math.round(amount * (unit === 'hours' ? HOUR_MS : workingDayLength(cal)));
}

export function limitFor(category: CategoryDefinition, phase: SlaPhase): TimeLimit {
  return category.limits[phase];
}

/**
 * When the clock of `stage` runs out, or null for stages without a limit (closed, evaluated, rejected, parked).
 * `clockStartedAt` is when the phase's clock started: for dispatched and handling that is the dispatch (or the
 * last rework or resume), not the acceptance.
 */
export function deadlineFor(
  stage: Stage,
  category: CategoryDefinition,
  clockStartedAt: EpochMs,
  calendar: WorkingCalendar,
  extensions: readonly ExtensionGrant[] = [],
): EpochMs | null {
  const phase = phaseOf(stage);
  if (phase === null) return null;
  const limit = limitFor(category, phase);
  const cal = calendarFor(limit.calendar, calendar);
  const total = extensions.reduce(
    (sum, e) => sum + durationMs(e.amount, e.unit, cal),
    durationMs(limit.amount, limit.unit, cal),
  );
  return addWorkingTime(clockStartedAt, total, cal);
}

/** Overdue strictly after the deadline: work finished at the due instant is on time. */
export function isOverdue(dueAt: EpochMs | null, at: EpochMs): boolean {
  return dueAt !== null && at > dueAt;
}

export interface Overdue {
  /** Wall-clock ms past the deadline. */
  wallMs: number;
  /** Working ms past the deadline in the limit's calendar; 0 while only non-working time has passed. */
  workingMs: number;
}

/** How far past the deadline `at` is (both 0 when on time). */
export function overdueBy(dueAt: EpochMs | null, at: EpochMs, cal: Calendar): Overdue {
  if (dueAt === null || at <= dueAt) return { wallMs: 0, workingMs: 0 };
  return { wallMs: at - dueAt, workingMs: workingTimeBetween(dueAt, at, cal) };
}
