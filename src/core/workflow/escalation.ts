import { addWorkingTime } from './calendar.ts';
import type { Calendar, EpochMs } from './calendar.ts';

/**
 * Escalated supervision (督办). An incident past its deadline escalates to the next jurisdiction level up; each
 * further full time limit that runs out escalates it one level more, up to the root of the tree:
 *
 *   level 1 after dueAt, level 2 after dueAt + 1 limit, level k after dueAt + (k−1) limits (working time).
 *
 * The incident's jurisdiction path is `a.b.c.d`; level k names the ancestor k segments up (level 1 → `a.b.c`).
 */

/** The ancestor `level` segments above `path`; the root when the level goes beyond it. */
export function escalationTarget(path: string, level: number): string {
  if (!Number.isInteger(level) || level < 0)
    throw new RangeError(`escalation level must be a whole number ≥ 0, got ${level}`);
  const segments = path.split('.');
  return segments.slice(0, Math.max(1, segments.length - level)).join('.');
}

/** How many levels `path` can escalate: one per ancestor. */
export function maxEscalationLevel(path: string): number {
  return path.split('.').length - 1;
}

/** The instant at which escalation level `level` (≥ 1) is reached: strictly after it, the level applies. */
export function escalationThreshold(dueAt: EpochMs, limitMs: number, level: number, cal: Calendar): EpochMs {
  if (!Number.isInteger(level) || level < 1)
    throw new RangeError(`escalation level must be a whole number ≥ 1, got ${level}`);
  return addWorkingTime(dueAt, (level - 1) * limitMs, cal);
}

export interface EscalationStatus {
  /** 0 when not overdue. */
  level: number;
  /** Jurisdiction the incident is escalated to (its own path at level 0). */
  jurisdictionPath: string;
  /** When the next level is reached, or null at the top of the tree. */
  nextAt: EpochMs | null;
}

/**
 * The escalation level of an incident at `at`, capped at the root of its jurisdiction path. `limitMs` is the
 * phase's base limit (without extensions), counted in `cal`.
 */
export function escalationAt(
  path: string,
  dueAt: EpochMs,
  limitMs: number,
  at: EpochMs,
  cal: Calendar,
): EscalationStatus {
  const max = maxEscalationLevel(path);
  let level = 0;
  while (level < max && at > escalationThreshold(dueAt, limitMs, level + 1, cal)) level++;
  const nextAt = level < max ? escalationThreshold(dueAt, limitMs, level + 1, cal) : null;
  return { level, jurisdictionPath: escalationTarget(path, level), nextAt };
}
