import {
  calendarFor,
  escalationThreshold,
  maxEscalationLevel,
  type IncidentState,
  type Stage,
  type TimelineEvent,
  type WorkflowConfig,
} from '../../core/workflow/index.ts';

/**
 * The columns of the `incidents` row that summarise its timeline. They are updated with every event so that
 * lists, the overdue scanner and evaluation read one narrow row instead of replaying timelines. Each column is
 * the instant (or actor) of the first or last event of a kind, which is what `evaluateIncidents` derives from the
 * events; evaluation at an earlier `asOf` compares these instants with it (see evaluation.queries.ts).
 */
export interface WorkflowColumns {
  stage: Stage;
  updated_at: Date;
  version: number;
  due_at: Date | null;
  next_escalation_at: Date | null;
  escalation_level: number;
  assignee_id: string | null;
  filed_at: Date | null;
  rejected_at: Date | null;
  closed_at: Date | null;
  /** When a phase clock was first stopped or restarted after it had run out. */
  late_at: Date | null;
  first_feedback_at: Date | null;
  first_rework_at: Date | null;
  /** Wall-clock ms spent in dispatched and handling, all cycles. */
  handling_ms: number;
  last_feedback_by: string | null;
  last_assignee_id: string | null;
  last_department: string | null;
}

const HANDLING: readonly Stage[] = ['dispatched', 'handling'];

/** When the scanner must next look at the incident: strictly after this instant a new escalation level is due. */
export function nextEscalationAt(state: IncidentState, config: WorkflowConfig): Date | null {
  const clock = state.sla;
  if (!clock) return null;
  const level = state.escalation?.level ?? 0;
  if (level >= maxEscalationLevel(state.jurisdictionPath)) return null;
  const cal = calendarFor(clock.calendar, config.calendar);
  return new Date(escalationThreshold(clock.dueAt, clock.limitMs, level + 1, cal));
}

const at = (ms: number) => new Date(ms);

/**
 * The row after `event` took the incident from `before` (null for the report) to `after`.
 */
export function columnsAfter(
  prev: WorkflowColumns | null,
  before: IncidentState | null,
  after: IncidentState,
  event: TimelineEvent,
  config: WorkflowConfig,
): WorkflowColumns {
  const p: WorkflowColumns = prev ?? {
    stage: after.stage,
    updated_at: at(event.at),
    version: 0,
    due_at: null,
    next_escalation_at: null,
    escalation_level: 0,
    assignee_id: null,
    filed_at: null,
    rejected_at: null,
    closed_at: null,
    late_at: null,
    first_feedback_at: null,
    first_rework_at: null,
    handling_ms: 0,
    last_feedback_by: null,
    last_assignee_id: null,
    last_department: null,
  };
  const left = event.from !== null && event.to !== event.from && HANDLING.includes(event.from);
  return {
    stage: after.stage,
    updated_at: at(after.updatedAt),
    version: after.version,
    due_at: after.sla ? at(after.sla.dueAt) : null,
    next_escalation_at: nextEscalationAt(after, config),
    escalation_level: after.escalation?.level ?? 0,
    assignee_id: after.assignee?.id ?? null,
    filed_at: event.type === 'file' ? at(event.at) : p.filed_at,
    rejected_at: event.to === 'rejected' && p.rejected_at === null ? at(event.at) : p.rejected_at,
    closed_at: event.type === 'close' ? at(event.at) : p.closed_at,
    late_at: event.clockEnded?.late && p.late_at === null ? at(event.at) : p.late_at,
    first_feedback_at: event.type === 'feedback' && p.first_feedback_at === null ? at(event.at) : p.first_feedback_at,
    first_rework_at: event.type === 'rework' && p.first_rework_at === null ? at(event.at) : p.first_rework_at,
    handling_ms: p.handling_ms + (left && before ? event.at - before.stageEnteredAt : 0),
    last_feedback_by: event.type === 'feedback' ? event.actor.id : p.last_feedback_by,
    last_assignee_id: event.assignee ? event.assignee.id : p.last_assignee_id,
    last_department: event.assignee ? event.assignee.department : p.last_department,
  };
}
