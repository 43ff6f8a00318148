import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../../platform/database/database.ts';

/**
 * Evaluation sums over the narrow `incidents` rows, following the definitions of `evaluateIncidents`
 * (src/core/workflow/metrics.ts):
 *
 * - cohort: reported in [from, to) and by asOf;
 * - filed / rejected / closed / handled / reworked by asOf: the instant of the first such event is ≤ asOf;
 * - closed on time: closed by asOf and no phase clock ran out before the close (`late_at`);
 * - open: filed, neither closed nor rejected; parked and overdue look at the last event ≤ asOf;
 * - handling and closing times are summed over closed incidents; averages are taken by the caller.
 *
 * Two queries share the work. Rows unchanged since asOf (all of them when evaluating up to now, nearly all for a
 * past period) are their own last event: one parallel scan with plain comparisons. Rows changed after asOf are
 * few; for them the stage, deadline and assignee as of asOf are read from the timeline. Keeping the timeline
 * lookups out of the big scan keeps it parallel-safe: a year of 1,000,000 incidents is aggregated in one pass.
 */

export const EVALUATION_GROUPINGS = ['none', 'grid', 'worker', 'department', 'jurisdiction', 'category'] as const;
export type EvaluationGrouping = (typeof EVALUATION_GROUPINGS)[number];

export interface GroupSums {
  /** The group: grid code, staff id, department code, community id (jurisdiction), category code, or 'all'. */
  key: string | null;
  reported: number;
  rejected: number;
  filed: number;
  closed: number;
  closedOnTime: number;
  open: number;
  parked: number;
  overdue: number;
  handled: number;
  reworked: number;
  handlingMsSum: number;
  closingMsSum: number;
}

export interface EvaluationQuery {
  from: Date;
  to: Date;
  asOf: Date;
  /** Only incidents in this jurisdiction subtree; null for all. */
  scopePath: string | null;
  groupBy: EvaluationGrouping;
}

/** The group key of a row that has not changed since asOf: its summary columns are its state at asOf. */
function currentKey(groupBy: EvaluationGrouping): RawBuilder<string | null> {
  switch (groupBy) {
    case 'none':
      return sql<string>`'all'`;
    case 'grid':
      return sql<string>`i.grid_code`;
    case 'category':
      return sql<string>`i.category_code`;
    case 'jurisdiction':
      return sql<string>`i.community_id`;
    case 'worker':
      // Who last gave feedback, else the last assignee. The expression matches incidents_worker_stats, so the
      // planner knows there are few workers and aggregates by hash instead of sorting a million rows.
      return sql<string | null>`coalesce(i.last_feedback_by, i.last_assignee_id)`;
    case 'department':
      return sql<string | null>`i.last_department`;
  }
}

/** The group key of a row that changed after asOf, from its timeline up to asOf. */
function pastKey(groupBy: EvaluationGrouping, asOf: Date): RawBuilder<string | null> {
  switch (groupBy) {
    case 'worker':
      return sql<string | null>`coalesce(
        (select e.actor_id from incident_events e
          where e.incident_id = i.id and e.at <= ${asOf} and e.type = 'feedback' order by e.seq desc limit 1),
        (select e.event->'assignee'->>'id' from incident_events e
          where e.incident_id = i.id and e.at <= ${asOf} and e.type in ('dispatch', 'reassign')
          order by e.seq desc limit 1))`;
    case 'department':
      return sql<string | null>`(select e.event->'assignee'->>'department' from incident_events e
        where e.incident_id = i.id and e.at <= ${asOf} and e.type in ('dispatch', 'reassign')
        order by e.seq desc limit 1)`;
    default:
      return currentKey(groupBy);
  }
}

/**
 * The aggregate over rows with `last_stage` and `last_due` (the stage and deadline as of asOf) in scope, and
 * `open` meaning filed, neither closed nor rejected by asOf.
 */
function aggregates(asOf: Date) {
  return sql`
    count(*) as reported,
    count(*) filter (where rejected) as rejected,
    count(*) filter (where filed) as filed,
    count(*) filter (where closed) as closed,
    count(*) filter (where closed and (late_at is null or late_at > closed_at)) as closed_on_time,
    count(*) filter (where filed and not closed and not rejected) as open,
    count(*) filter (where filed and not closed and not rejected and last_stage = 'parked') as parked,
    count(*) filter (where filed and not closed and not rejected and last_stage <> 'parked'
                       and last_due < ${asOf}) as overdue,
    count(*) filter (where handled) as handled,
    count(*) filter (where reworked) as reworked,
    coalesce(sum(handling_ms) filter (where closed), 0) as handling_ms_sum,
    coalesce(extract(epoch from sum(closed_at - reported_at) filter (where closed)) * 1000, 0) as closing_ms_sum`;
}

function flags(asOf: Date) {
  return sql`
    i.reported_at, i.closed_at, i.late_at, i.handling_ms,
    coalesce(i.filed_at <= ${asOf}, false) as filed,
    coalesce(i.rejected_at <= ${asOf}, false) as rejected,
    coalesce(i.closed_at <= ${asOf}, false) as closed,
    coalesce(i.first_feedback_at <= ${asOf}, false) as handled,
    coalesce(i.first_rework_at <= ${asOf}, false) as reworked`;
}

type Row = Record<string, string | number | null>;

function toSums(row: Row): GroupSums {
  return {
    key: row.key === null || row.key === undefined ? null : String(row.key),
    reported: Number(row.reported),
    rejected: Number(row.rejected),
    filed: Number(row.filed),
    closed: Number(row.closed),
    closedOnTime: Number(row.closed_on_time),
    open: Number(row.open),
    parked: Number(row.parked),
    overdue: Number(row.overdue),
    handled: Number(row.handled),
    reworked: Number(row.reworked),
    handlingMsSum: Number(row.handling_ms_sum),
    closingMsSum: Math.round(Number(row.closing_ms_sum)),
  };
}

function addInto(target: GroupSums, s: GroupSums): void {
  for (const k of Object.keys(s) as (keyof GroupSums)[]) if (k !== 'key') target[k] += s[k];
}

export async function evaluationSums(db: Database, q: EvaluationQuery): Promise<GroupSums[]> {
  const { from, to, asOf } = q;
  const cohort = sql`i.reported_at >= ${from} and i.reported_at < ${to} and i.reported_at <= ${asOf}
    ${
      q.scopePath === null
        ? sql``
        : sql`and i.community_id in
            (select id from jurisdictions where path = ${q.scopePath} or path like ${`${q.scopePath}.%`})`
    }`;

  const unchanged = sql<Row>`
    select key, ${aggregates(asOf)}
    from (
      select ${currentKey(q.groupBy)} as key, ${flags(asOf)}, i.stage as last_stage, i.due_at as last_due
      from incidents i
      where ${cohort} and i.updated_at <= ${asOf}
    ) s
    group by key`;

  const changed = sql<Row>`
    select key, ${aggregates(asOf)}
    from (
      select ${pastKey(q.groupBy, asOf)} as key, ${flags(asOf)},
             (select e.to_stage from incident_events e
               where e.incident_id = i.id and e.at <= ${asOf} order by e.seq desc limit 1) as last_stage,
             (select to_timestamp((e.event->>'dueAt')::bigint / 1000.0) from incident_events e
               where e.incident_id = i.id and e.at <= ${asOf} order by e.seq desc limit 1) as last_due
      from incidents i
      where ${cohort} and i.updated_at > ${asOf}
    ) s
    group by key`;

  const groups = new Map<string | null, GroupSums>();
  const add = (rows: Row[]) => {
    for (const row of rows) {
      const s = toSums(row);
      const existing = groups.get(s.key);
      if (existing) addInto(existing, s);
      else groups.set(s.key, s);
    }
  };
  await db.transaction().execute(async (trx) => {
    add((await unchanged.execute(trx)).rows);
    // The planner cannot know that few rows changed after asOf; its guess makes the timeline lookups look so
    // costly that PostgreSQL would spend longer compiling this query (JIT) than running it.
    await sql`set local jit = off`.execute(trx);
    add((await changed.execute(trx)).rows);
  });
  return [...groups.values()];
}
