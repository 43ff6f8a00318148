import type { IncidentState, TimelineEvent, WorkflowError, WorkflowErrorCode } from '../../core/workflow/index.ts';
import { Problem } from '../../platform/http/problem.ts';

/**
 * What the outbox carries about an incident step: enough for the command center (where, what, how late), nothing
 * about the reporter or the description.
 */
export function incidentEventPayload(state: IncidentState, event: TimelineEvent): Record<string, unknown> {
  return {
    incidentId: state.id,
    type: event.type,
    seq: event.seq,
    from: event.from,
    stage: state.stage,
    categoryCode: state.categoryCode,
    gridCode: state.gridCode,
    path: state.jurisdictionPath,
    at: new Date(event.at).toISOString(),
    dueAt: state.sla ? new Date(state.sla.dueAt).toISOString() : null,
    assigneeId: state.assignee?.id ?? null,
    actorRole: event.actor.role,
    escalation: event.escalation ?? null,
    late: event.clockEnded?.late ?? false,
  };
}

const STATUS: Readonly<Record<WorkflowErrorCode, number>> = {
  invalid_input: 422,
  reason_required: 422,
  unknown_category: 422,
  invalid_assignee: 422,
  role_forbidden: 403,
  out_of_scope: 403,
  not_assignee: 403,
  self_verification: 403,
  self_approval: 403,
  out_of_order: 409,
  stage_forbids: 409,
  extension_pending: 409,
  no_pending_extension: 409,
  extension_limit: 409,
  extension_too_late: 409,
  escalation_limit: 409,
};

const TITLE: Readonly<Record<number, string>> = {
  403: 'Forbidden',
  409: 'Conflict',
  422: 'Unprocessable Content',
};

/** The state machine's refusal as a problem: its sentence as the detail, its code for clients to branch on. */
export function workflowProblem(error: WorkflowError): Problem {
  const status = STATUS[error.code];
  return new Problem(status, TITLE[status] ?? 'Error', error.message, { code: error.code });
}
