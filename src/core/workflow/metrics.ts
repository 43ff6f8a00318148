import type { EpochMs } from './calendar.ts';
import type { TimelineEvent } from './incident.ts';
import type { Stage } from './stages.ts';

/**
 * Evaluation (综合评价) over incident timelines, after CJ/T 292 / GB/T 30428.4: closure rate, on-time closure rate,
 * average handling time and rework rate, for any grouping (area, department, role holder).
 *
 * Definitions (also in docs/incident-workflow.md):
 * - Cohort: incidents *reported* in [from, to) and by `asOf`. Events after `asOf` (default `to`) are ignored, so a
 *   report on a past period is reproducible.
 * - Due for closure (应结案数): cohort incidents that were filed and are either closed by `asOf`, or still open,
 *   not parked, and past their current deadline at `asOf`. Open cases whose deadline has not come do not count
 *   against anyone yet, and parked cases (挂账) are on the problem ledger instead.
 * - Closure rate (结案率) = closed ÷ due for closure.
 * - On-time closure rate (按期结案率) = closed on time ÷ due for closure; closed on time means that no phase
 *   clock (filing, dispatch, handling, verification) ever ran out before the step that stopped it.
 * - Average handling time = mean over closed incidents of the wall-clock time spent in `dispatched` and
 *   `handling` (all cycles, rework included; parked time excluded).
 * - Average closing time = mean over closed incidents of report → close.
 * - Rework rate (返工率) = incidents sent back for rework at least once ÷ incidents that got feedback at least once.
 * Rates are null when their denominator is 0.
 */

export interface IncidentHistory {
  incidentId: string;
  gridCode: string | null;
  jurisdictionPath: string;
  categoryCode: string;
  /** The incident's timeline in `seq` order. */
  events: readonly TimelineEvent[];
}

export interface EvaluationPeriod {
  from: EpochMs;
  to: EpochMs;
  /** The instant the evaluation is made at; later events are ignored. Defaults to `to`. */
  asOf?: EpochMs;
}

export interface WorkflowMetrics {
  reported: number;
  rejected: number;
  filed: number;
  dueForClosure: number;
  closed: number;
  closedOnTime: number;
  /** Filed, neither closed nor rejected at `asOf` (parked included). */
  open: number;
  parked: number;
  /** Open, not parked and past the current deadline at `asOf`. */
  overdue: number;
  handled: number;
  reworked: number;
  closureRate: number | null;
  onTimeClosureRate: number | null;
  reworkRate: number | null;
  averageHandlingMs: number | null;
  averageClosingMs: number | null;
}

interface Summary {
  rejected: boolean;
  filed: boolean;
  closed: boolean;
  closedOnTime: boolean;
  parked: boolean;
  overdue: boolean;
  handled: boolean;
  reworked: boolean;
  handlingMs: number;
  closingMs: number;
}

const HANDLING_STAGES: readonly Stage[] = ['dispatched', 'handling'];

/** Events up to `asOf`, or null when the incident was not reported in the period. */
function cohortEvents(history: IncidentHistory, period: EvaluationPeriod): readonly TimelineEvent[] | null {
  const reported = history.events.find((e) => e.type === 'reported');
  const asOf = period.asOf ?? period.to;
  if (!reported || reported.at < period.from || reported.at >= period.to || reported.at > asOf) return null;
  return history.events.filter((e) => e.at <= asOf);
}

function summarise(events: readonly TimelineEvent[], asOf: EpochMs): Summary {
  const s: Summary = {
    rejected: false,
    filed: false,
    closed: false,
    closedOnTime: false,
    parked: false,
    overdue: false,
    handled: false,
    reworked: false,
    handlingMs: 0,
    closingMs: 0,
  };
  let late = false;
  let stage: Stage | null = null;
  let enteredAt = 0;
  let reportedAt = 0;
  for (const e of events) {
    if (e.clockEnded?.late) late = true;
    if (e.type === 'reported') reportedAt = e.at;
    if (e.type === 'file') s.filed = true;
    if (e.type === 'feedback') s.handled = true;
    if (e.type === 'rework') s.reworked = true;
    if (e.to === 'rejected') s.rejected = true;
    if (e.type === 'close') {
      s.closed = true;
      s.closedOnTime = !late;
      s.closingMs = e.at - reportedAt;
    }
    if (e.to !== stage) {
      if (stage !== null && HANDLING_STAGES.includes(stage)) s.handlingMs += e.at - enteredAt;
      stage = e.to;
      enteredAt = e.at;
    }
  }
  const last = events.at(-1);
  if (s.filed && !s.closed && !s.rejected && last) {
    s.parked = last.to === 'parked';
    s.overdue = !s.parked && last.dueAt !== null && asOf > last.dueAt;
  }
  return s;
}

function emptyTotals(): WorkflowMetrics {
  return {
    reported: 0,
    rejected: 0,
    filed: 0,
    dueForClosure: 0,
    closed: 0,
    closedOnTime: 0,
    open: 0,
    parked: 0,
    overdue: 0,
    handled: 0,
    reworked: 0,
    closureRate: null,
    onTimeClosureRate: null,
    reworkRate: null,
    averageHandlingMs: null,
    averageClosingMs: null,
  };
}

class Accumulator {
  readonly m = emptyTotals();
  private handlingSum = 0;
  private closingSum = 0;

  add(s: Summary): void {
    const m = this.m;
    m.reported++;
    if (s.rejected) m.rejected++;
    if (s.filed) m.filed++;
    if (s.closed) {
      m.closed++;
      this.handlingSum += s.handlingMs;
      this.closingSum += s.closingMs;
    }
    if (s.closedOnTime) m.closedOnTime++;
    if (s.filed && !s.closed && !s.rejected) m.open++;
    if (s.parked) m.parked++;
    if (s.overdue) m.overdue++;
    if (s.handled) m.handled++;
    if (s.reworked) m.reworked++;
  }

  result(): WorkflowMetrics {
    const m = { ...this.m };
    m.dueForClosure = m.closed + m.overdue;
    m.closureRate = ratio(m.closed, m.dueForClosure);
    m.onTimeClosureRate = ratio(m.closedOnTime, m.dueForClosure);
    m.reworkRate = ratio(m.reworked, m.handled);
    m.averageHandlingMs = m.closed > 0 ? this.handlingSum / m.closed : null;
    m.averageClosingMs = m.closed > 0 ? this.closingSum / m.closed : null;
    return m;
  }
}

function ratio(n: number, d: number): number | null {
  return d === 0 ? null : n / d;
}

/** Metrics over all incidents reported in the period. */
export function evaluateIncidents(histories: Iterable<IncidentHistory>, period: EvaluationPeriod): WorkflowMetrics {
  return evaluateGroups(histories, period, () => 'all')[0]?.metrics ?? emptyTotals();
}

/** What an incident is counted under: one key, several (e.g. every ancestor jurisdiction), or null (none). */
export type GroupKeyOf = (history: IncidentHistory) => string | readonly string[] | null;

export interface GroupMetrics {
  /** null collects the incidents the key function could not place (e.g. not yet assigned to any worker). */
  key: string | null;
  metrics: WorkflowMetrics;
}

/** Metrics per group, sorted by key (null last). Key functions see only the events up to `asOf`. */
export function evaluateGroups(
  histories: Iterable<IncidentHistory>,
  period: EvaluationPeriod,
  keyOf: GroupKeyOf,
): GroupMetrics[] {
  const asOf = period.asOf ?? period.to;
  if (!(period.from < period.to)) throw new RangeError('the evaluation period must end after it starts');
  if (asOf < period.from) throw new RangeError('asOf must not precede the start of the period');
  const groups = new Map<string | null, Accumulator>();
  for (const history of histories) {
    const events = cohortEvents(history, period);
    if (!events) continue;
    const summary = summarise(events, asOf);
    const key = keyOf({ ...history, events });
    const keys = key === null ? [null] : typeof key === 'string' ? [key] : key.length === 0 ? [null] : key;
    for (const k of new Set(keys)) {
      let acc = groups.get(k);
      if (!acc) groups.set(k, (acc = new Accumulator()));
      acc.add(summary);
    }
  }
  return [...groups.entries()]
    .map(([key, acc]) => ({ key, metrics: acc.result() }))
    .sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function lastAssignee(history: IncidentHistory): TimelineEvent['assignee'] | null {
  for (let i = history.events.length - 1; i >= 0; i--) {
    const a = history.events[i]?.assignee;
    if (a) return a;
  }
  return null;
}

/** Ready-made groupings for the evaluation objects of the standard: area, department and role holder. */
export const groupBy = {
  grid: (h: IncidentHistory): string | null => h.gridCode,
  category: (h: IncidentHistory): string => h.categoryCode,
  majorCategory: (h: IncidentHistory): string => h.categoryCode.slice(0, 2),
  /** The worker who last gave feedback, else the current assignee. */
  worker: (h: IncidentHistory): string | null => {
    for (let i = h.events.length - 1; i >= 0; i--) {
      const e = h.events[i];
      if (e?.type === 'feedback') return e.actor.id;
    }
    return lastAssignee(h)?.id ?? null;
  },
  department: (h: IncidentHistory): string | null => lastAssignee(h)?.department ?? null,
  /**
   * With a depth, the ancestor at that depth (1 = the root); without, every ancestor, so each level of the tree
   * gets its own totals in one pass.
   */
  jurisdiction:
    (depth?: number) =>
    (h: IncidentHistory): string | readonly string[] | null => {
      const segments = h.jurisdictionPath.split('.');
      if (depth === undefined) return segments.map((_, i) => segments.slice(0, i + 1).join('.'));
      if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`depth must be a whole number ≥ 1, got ${depth}`);
      return segments.length >= depth ? segments.slice(0, depth).join('.') : null;
    },
} as const;
