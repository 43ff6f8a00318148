import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../../platform/database/database.ts';

/**
 * Evaluation sums in one pass over the narrow `incidents` rows, following the definitions of
 * `evaluateIncidents` (src/core/workflow/metrics.ts):
 *
 * - cohort: reported in [from, to) and by asOf;
 * - filed / rejected / closed / handled / reworked by asOf: the instant of the first such event is ≤ asOf;
 * - closed on time: closed by asOf and no phase clock ran out before the close (`late_at`);
 * - open: filed, neither closed nor rejected; parked and overdue look at the last event ≤ asOf, which is the
 *   row itself when nothing changed after asOf, and is read from the timeline otherwise (only for incidents
 *   that were open at asOf and changed since, a small minority for any past period);
 * - handling and closing times are summed over closed incidents; averages are taken by the caller.
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

function keyExpression(groupBy: EvaluationGrouping, asOf: Date): RawBuilder<string | null> {
  switch (groupBy) {
    case 'none':
      return sql<string>`'all'`;
    case 'grid':
      return sql<string>`b.grid_code::text`;
    case 'category':
      return sql<string>`b.category_code`;
    case 'jurisdiction':
      return sql<string>`b.community_id`;
    case 'worker':
      // Who last gave feedback, else the last assignee, as of asOf.
      return sql<string | null>`case when b.cur then coalesce(b.last_feedback_by::text, b.last_assignee_id::text)
        else coalesce(
          (select e.actor_id from incident_events e
            where e.incident_id = b.id and e.at <= ${asOf} and e.type = 'feedback' order by e.seq desc limit 1),
          (select e.event->'assignee'->>'id' from incident_events e
            where e.incident_id = b.id and e.at <= ${asOf} and e.type in ('dispatch', 'reassign')
            order by e.seq desc limit 1))
        end`;
    case 'department':
      return sql<string | null>`case when b.cur then b.last_department
        else (select e.event->'assignee'->>'department' from incident_events e
          where e.incident_id = b.id and e.at <= ${asOf} and e.type in ('dispatch', 'reassign')
          order by e.seq desc limit 1)
        end`;
  }
}

export async function evaluationSums(db: Database, q: EvaluationQuery): Promise<GroupSums[]> {
  const { from, to, asOf } = q;
  const asOfMs = asOf.getTime();
  const scope =
    q.scopePath === null
      ? sql``
      : sql`and i.community_id in (select id from jurisdictions where path = ${q.scopePath} or path like ${`${q.scopePath}.%`})`;
  const key = keyExpression(q.groupBy, asOf);
  const r = await sql<Record<string, string | number | null>>`
    with b as (
      select i.id, i.grid_code, i.category_code, i.community_id, i.stage, i.due_at, i.handling_ms,
             i.reported_at, i.closed_at, i.late_at, i.last_feedback_by, i.last_assignee_id, i.last_department,
             i.updated_at <= ${asOf} as cur,
             coalesce(i.filed_at <= ${asOf}, false) as filed,
             coalesce(i.rejected_at <= ${asOf}, false) as rejected,
             coalesce(i.closed_at <= ${asOf}, false) as closed,
             coalesce(i.first_feedback_at <= ${asOf}, false) as handled,
             coalesce(i.first_rework_at <= ${asOf}, false) as reworked
      from incidents i
      where i.reported_at >= ${from} and i.reported_at < ${to} and i.reported_at <= ${asOf} ${scope}
    ), s as (
      select b.*, ${key} as key,
             (b.filed and not b.closed and not b.rejected) as open,
             case when not (b.filed and not b.closed and not b.rejected) then null
                  when b.cur then b.stage
                  else (select e.to_stage from incident_events e
                        where e.incident_id = b.id and e.at <= ${asOf} order by e.seq desc limit 1)
             end as last_stage,
             case when not (b.filed and not b.closed and not b.rejected) then null
                  when b.cur then (extract(epoch from b.due_at) * 1000)::bigint
                  else (select (e.event->>'dueAt')::bigint from incident_events e
                        where e.incident_id = b.id and e.at <= ${asOf} order by e.seq desc limit 1)
             end as last_due_ms
      from b
    )
    select key,
           count(*) as reported,
           count(*) filter (where rejected) as rejected,
           count(*) filter (where filed) as filed,
           count(*) filter (where closed) as closed,
           count(*) filter (where closed and (late_at is null or late_at > closed_at)) as closed_on_time,
           count(*) filter (where open) as open,
           count(*) filter (where open and last_stage = 'parked') as parked,
           count(*) filter (where open and last_stage <> 'parked' and last_due_ms is not null
                              and ${asOfMs}::bigint > last_due_ms) as overdue,
           count(*) filter (where handled) as handled,
           count(*) filter (where reworked) as reworked,
           coalesce(sum(handling_ms) filter (where closed), 0) as handling_ms_sum,
           coalesce(sum((extract(epoch from (closed_at - reported_at)) * 1000)::bigint) filter (where closed), 0)
             as closing_ms_sum
    from s
    group by key`.execute(db);
  return r.rows.map((row) => ({
    key: row.key === null ? null : String(row.key),
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
    closingMsSum: Number(row.closing_ms_sum),
  }));
}
