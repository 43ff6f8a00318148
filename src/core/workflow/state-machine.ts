import { inScope } from '../policy/policy.ts';
import { addWorkingTime, formatLocal } from './calendar.ts';
import type { EpochMs } from './calendar.ts';
import type { IndexedCategory } from './categories.ts';
import type { RoleGatedAction, WorkflowConfig } from './config.ts';
import { calendarFor, durationMs, TIME_UNITS } from './deadlines.ts';
import type { ExtensionGrant } from './deadlines.ts';
import { escalationAt, escalationTarget, maxEscalationLevel } from './escalation.ts';
import { ACTION_TYPES, REJECTION_KINDS, REPORT_SOURCES, SYSTEM_ACTOR } from './incident.ts';
import type {
  ActionType,
  Actor,
  Assignee,
  IncidentState,
  ReportSource,
  SlaClock,
  TimelineEvent,
  TransitionResult,
  WorkflowAction,
  WorkflowErrorCode,
} from './incident.ts';
import type { SlaPhase, Stage } from './stages.ts';

/**
 * The closed-loop state machine. `transition` is total and pure: every forbidden step comes back as an error with
 * a code and a sentence a dispatcher can act on, and nothing about the incident changes.
 */

const ALLOWED_FROM: Readonly<Record<ActionType, readonly Stage[]>> = {
  file: ['collected'],
  reject: ['collected'],
  dispatch: ['filed', 'returned'],
  reassign: ['dispatched', 'handling'],
  accept: ['dispatched'],
  feedback: ['handling'],
  return: ['dispatched', 'handling'],
  request_extension: ['dispatched', 'handling'],
  approve_extension: ['dispatched', 'handling'],
  deny_extension: ['dispatched', 'handling'],
  park: ['dispatched', 'handling'],
  // Supervision (督办) can be asked for wherever a time limit runs and nobody has finished the work.
  escalate: ['collected', 'filed', 'returned', 'dispatched', 'handling', 'handled'],
  resume: ['parked'],
  rework: ['handled'],
  close: ['handled'],
  evaluate: ['closed'],
};

/** Actions only the current assignee may take. */
const ASSIGNEE_ACTIONS: ReadonlySet<ActionType> = new Set(['accept', 'feedback', 'return', 'request_extension']);

/** Actions that need a written reason (feedback's reason is the handling result). */
const REASON_REQUIRED: ReadonlySet<ActionType> = new Set([
  'reject',
  'reassign',
  'feedback',
  'return',
  'request_extension',
  'deny_extension',
  'park',
  'escalate',
  'rework',
]);

/** Actions that judge the handler's work: nobody who handled the incident may take them. */
const INDEPENDENT_ACTIONS: Readonly<Partial<Record<ActionType, string>>> = {
  close: 'verifier',
  rework: 'verifier',
  evaluate: 'evaluator',
};

const VERBS: Readonly<Record<ActionType | 'report', string>> = {
  report: 'report',
  file: 'file',
  reject: 'reject',
  dispatch: 'dispatch',
  reassign: 'reassign',
  accept: 'accept',
  feedback: 'give feedback on',
  return: 'return',
  request_extension: 'request an extension for',
  approve_extension: 'approve an extension for',
  deny_extension: 'deny an extension for',
  park: 'park',
  escalate: 'escalate',
  resume: 'resume',
  rework: 'send back for rework',
  close: 'close',
  evaluate: 'evaluate',
};

const MAX_REASON_LENGTH = 4000;
const PRE_DISPATCH: readonly Stage[] = ['collected', 'filed', 'returned'];

function fail(code: WorkflowErrorCode, message: string): TransitionResult {
  return { ok: false, error: { code, message } };
}

function list(stages: readonly Stage[]): string {
  return stages.map((s) => `'${s}'`).join(' or ');
}

/** Why `action` cannot happen in `stage`, in the words a dispatcher would use. */
function whyNot(action: ActionType, stage: Stage): string {
  if (stage === 'rejected') return 'it was not accepted as a case (不予立案) and is final';
  if (stage === 'evaluated') return 'it is closed and evaluated, which is final';
  if (stage === 'parked') return 'it is parked (挂账); resume it first';
  if (stage === 'closed') return 'it is already closed';
  switch (action) {
    case 'close':
    case 'rework':
      return 'it has not been handled';
    case 'evaluate':
      return 'it has not been closed';
    case 'resume':
      return 'it is not parked';
    case 'file':
    case 'reject':
      return 'it has already been filed';
    case 'dispatch':
      if (stage === 'collected') return 'it has not been filed';
      if (stage === 'handled') return 'it has already been handled';
      return 'it is already dispatched; reassign it instead';
    case 'accept':
      if (PRE_DISPATCH.includes(stage)) return 'it has not been dispatched';
      return stage === 'handling' ? 'it has already been accepted' : 'it has already been handled';
    case 'feedback':
      if (PRE_DISPATCH.includes(stage)) return 'it has not been dispatched';
      if (stage === 'dispatched') return 'the assignee has not accepted it yet';
      return 'feedback was already given and awaits verification';
    default:
      if (PRE_DISPATCH.includes(stage)) return 'it has not been dispatched';
      if (stage === 'handled') return 'it has already been handled';
      return `this is allowed only in stage ${list(ALLOWED_FROM[action])}`;
  }
}

function iso(t: EpochMs): string {
  return new Date(t).toISOString();
}

function checkReason(action: ActionType, reason: string | undefined, config: WorkflowConfig): string | null {
  const text = reason?.trim() ?? '';
  if (text.length > MAX_REASON_LENGTH)
    return `the reason is ${text.length} characters; at most ${MAX_REASON_LENGTH} are allowed`;
  if (REASON_REQUIRED.has(action) && [...text].length < config.minReasonLength)
    return action === 'feedback'
      ? `giving feedback needs a description of the result (at least ${config.minReasonLength} characters)`
      : `to ${VERBS[action]} an incident a written reason is required (at least ${config.minReasonLength} characters)`;
  return null;
}

function checkRole(
  action: RoleGatedAction,
  actor: Actor,
  path: string,
  config: WorkflowConfig,
): TransitionResult | null {
  const allowed = config.roles[action];
  if (!allowed.includes(actor.role))
    return fail(
      'role_forbidden',
      `role '${actor.role}' may not ${VERBS[action]} incidents (allowed: ${allowed.join(', ')})`,
    );
  if (actor.role === 'resident') return null;
  if (actor.jurisdictionPath === null || !inScope(actor.jurisdictionPath, path))
    return fail(
      'out_of_scope',
      `${actor.role} ${actor.id} works in ${actor.jurisdictionPath ?? 'no jurisdiction'}; the incident lies in ${path}, outside that scope`,
    );
  return null;
}

function checkAssignee(assignee: Assignee, path: string, config: WorkflowConfig): string | null {
  if (typeof assignee.id !== 'string' || assignee.id.trim() === '') return 'the assignee needs an id';
  if (!config.handlerRoles.includes(assignee.role))
    return `incidents can be dispatched only to ${config.handlerRoles.join(' or ')} staff; ${assignee.id} is ${assignee.role}`;
  if (!inScope(assignee.jurisdictionPath, path))
    return `${assignee.role} ${assignee.id} works in ${assignee.jurisdictionPath}; the incident lies in ${path}, outside that scope`;
  if (assignee.department !== null && !config.departments.has(assignee.department))
    return `unknown department '${assignee.department}' (known: ${[...config.departments.keys()].join(', ')})`;
  return null;
}

function startClock(phase: SlaPhase, category: IndexedCategory, at: EpochMs, config: WorkflowConfig): SlaClock {
  const limit = category.limits[phase];
  const cal = calendarFor(limit.calendar, config.calendar);
  const limitMs = durationMs(limit.amount, limit.unit, cal);
  return {
    phase,
    calendar: limit.calendar,
    startedAt: at,
    limitMs,
    extensions: [],
    dueAt: addWorkingTime(at, limitMs, cal),
  };
}

function describeDue(clock: SlaClock, config: WorkflowConfig): string {
  return formatLocal(clock.dueAt, config.calendar.utcOffsetMinutes);
}

/** The same running clock, possibly extended; anything else stops one clock and starts another. */
function sameClock(a: SlaClock | null, b: SlaClock | null): boolean {
  if (a === null || b === null) return a === b;
  return a.phase === b.phase && a.startedAt === b.startedAt;
}

function checkExtension(ext: ExtensionGrant): string | null {
  if (!TIME_UNITS.includes(ext.unit))
    return `extension unit must be ${TIME_UNITS.join(' or ')}, got '${String(ext.unit)}'`;
  if (typeof ext.amount !== 'number' || !Number.isFinite(ext.amount) || ext.amount <= 0)
    return `an extension must be a positive amount of ${ext.unit}, got ${ext.amount}`;
  const minutes = ext.amount * (ext.unit === 'hours' ? 60 : 24 * 60);
  if (Math.abs(minutes - Math.round(minutes)) > 1e-9)
    return `an extension of ${ext.amount} ${ext.unit} is not a whole number of minutes`;
  if (ext.amount > (ext.unit === 'hours' ? 24 * 366 : 366))
    return `an extension of ${ext.amount} ${ext.unit} is longer than a year`;
  return null;
}

export interface IncidentReport {
  id: string;
  categoryCode: string;
  jurisdictionPath: string;
  gridCode: string | null;
  source: ReportSource;
  actor: Actor;
  at: EpochMs;
}

const PATH_RE = /^[^.\s]+(\.[^.\s]+)*$/;

/** Opens an incident in stage `collected`, with the filing clock running. */
export function reportIncident(report: IncidentReport, config: WorkflowConfig): TransitionResult {
  if (typeof report.id !== 'string' || report.id.trim() === '')
    return fail('invalid_input', 'the incident needs an id');
  if (!Number.isFinite(report.at))
    return fail('invalid_input', `the report time must be an epoch-ms instant, got ${report.at}`);
  if (!PATH_RE.test(report.jurisdictionPath))
    return fail('invalid_input', `'${report.jurisdictionPath}' is not a jurisdiction path (codes joined by '.')`);
  if (!REPORT_SOURCES.includes(report.source))
    return fail('invalid_input', `unknown report source '${report.source}' (known: ${REPORT_SOURCES.join(', ')})`);
  const category = config.categories.get(report.categoryCode);
  if (!category) return fail('unknown_category', `unknown incident category '${report.categoryCode}'`);
  if (!category.active)
    return fail(
      'unknown_category',
      `category ${category.code} (${category.name.en}) is retired and takes no new reports`,
    );
  const denied = checkRole('report', report.actor, report.jurisdictionPath, config);
  if (denied) return denied;
  const sla = startClock('file', category, report.at, config);
  const next: IncidentState = {
    id: report.id,
    categoryCode: category.code,
    jurisdictionPath: report.jurisdictionPath,
    gridCode: report.gridCode,
    source: report.source,
    reporter: { id: report.actor.id, role: report.actor.role },
    stage: 'collected',
    stageEnteredAt: report.at,
    reportedAt: report.at,
    updatedAt: report.at,
    assignee: null,
    sla,
    pendingExtension: null,
    parkedFrom: null,
    handlerIds: [],
    reworkCount: 0,
    returnCount: 0,
    escalation: null,
    closedAt: null,
    version: 1,
  };
  const event: TimelineEvent = {
    incidentId: report.id,
    seq: 1,
    type: 'reported',
    at: report.at,
    actor: report.actor,
    from: null,
    to: 'collected',
    reason: null,
    clockEnded: null,
    dueAt: sla.dueAt,
    categoryCode: category.code,
  };
  return { ok: true, next, event };
}

/** Applies one action. On success the event records who, when, why and what happened to the clock. */
export function transition(incident: IncidentState, action: WorkflowAction, config: WorkflowConfig): TransitionResult {
  const { actor, at, type } = action;
  if (!(ACTION_TYPES as readonly string[]).includes(type))
    return fail('invalid_input', `unknown action '${String(type)}'`);
  if (!Number.isFinite(at)) return fail('invalid_input', `the action time must be an epoch-ms instant, got ${at}`);
  if (at < incident.updatedAt)
    return fail(
      'out_of_order',
      `the action is dated ${iso(at)}, before the incident's last change at ${iso(incident.updatedAt)}`,
    );
  if (!ALLOWED_FROM[type].includes(incident.stage))
    return fail(
      'stage_forbids',
      `cannot ${VERBS[type]} incident in stage '${incident.stage}': ${whyNot(type, incident.stage)}`,
    );

  if (ASSIGNEE_ACTIONS.has(type)) {
    const assignee = incident.assignee;
    if (!assignee || assignee.id !== actor.id)
      return fail(
        'not_assignee',
        `only the assignee (staff ${assignee?.id ?? 'none'}) may ${VERBS[type]} this incident; ${actor.id} is not assigned to it`,
      );
  } else {
    const denied = checkRole(type as RoleGatedAction, actor, incident.jurisdictionPath, config);
    if (denied) return denied;
  }

  const judge = INDEPENDENT_ACTIONS[type];
  if (judge && incident.handlerIds.includes(actor.id))
    return fail('self_verification', `the ${judge} must not be the handler (staff ${actor.id} handled it)`);

  const reasonProblem = checkReason(type, action.reason, config);
  if (reasonProblem) return fail('reason_required', reasonProblem);
  const reason = action.reason?.trim() || null;

  const category = config.categories.get(incident.categoryCode);
  if (!category) return fail('unknown_category', `unknown incident category '${incident.categoryCode}'`);

  // Builders shared by the cases below.
  const base = { ...incident, updatedAt: at, version: incident.version + 1 };
  const clock = incident.sla;
  const ended = (): TimelineEvent['clockEnded'] =>
    clock ? { phase: clock.phase, dueAt: clock.dueAt, late: at > clock.dueAt } : null;
  const withdrawn = incident.pendingExtension !== null ? { extensionWithdrawn: true } : {};
  const event = (to: Stage, extra: Partial<TimelineEvent>, nextClock: SlaClock | null): TimelineEvent => ({
    incidentId: incident.id,
    seq: base.version,
    type,
    at,
    actor,
    from: incident.stage,
    to,
    reason,
    clockEnded: null,
    dueAt: nextClock?.dueAt ?? null,
    ...extra,
  });
  const move = (
    to: Stage,
    changes: Partial<IncidentState>,
    nextClock: SlaClock | null,
    extra: Partial<TimelineEvent> = {},
  ): TransitionResult => {
    const stageChanged = to !== incident.stage;
    const clockRestarted = !sameClock(clock, nextClock);
    const next: IncidentState = {
      ...base,
      ...changes,
      stage: to,
      stageEnteredAt: stageChanged ? at : incident.stageEnteredAt,
      sla: nextClock,
      // Escalation belongs to the clock that ran out; a new clock starts unescalated.
      escalation: clockRestarted ? null : incident.escalation,
    };
    return { ok: true, next, event: event(to, { clockEnded: clockRestarted ? ended() : null, ...extra }, nextClock) };
  };

  switch (action.type) {
    case 'file': {
      let target = category;
      if (action.categoryCode !== undefined && action.categoryCode !== incident.categoryCode) {
        const recategorised = config.categories.get(action.categoryCode);
        if (!recategorised) return fail('unknown_category', `unknown incident category '${action.categoryCode}'`);
        if (!recategorised.active)
          return fail('unknown_category', `category ${recategorised.code} (${recategorised.name.en}) is retired`);
        target = recategorised;
      }
      const sla = startClock('dispatch', target, at, config);
      return move('filed', { categoryCode: target.code }, sla, { categoryCode: target.code });
    }
    case 'reject': {
      const kind = action.rejection ?? 'other';
      if (!REJECTION_KINDS.includes(kind))
        return fail('invalid_input', `unknown rejection kind '${kind}' (known: ${REJECTION_KINDS.join(', ')})`);
      const duplicateOf = action.duplicateOf?.trim() || null;
      if (kind === 'duplicate' && duplicateOf === null)
        return fail('invalid_input', 'a duplicate must name the incident it duplicates (duplicateOf)');
      if (duplicateOf === incident.id) return fail('invalid_input', 'an incident cannot duplicate itself');
      return move('rejected', { closedAt: at }, null, { rejection: { kind, duplicateOf } });
    }
    case 'dispatch': {
      const problem = checkAssignee(action.assignee, incident.jurisdictionPath, config);
      if (problem) return fail('invalid_assignee', problem);
      const sla = startClock('handle', category, at, config);
      return move('dispatched', { assignee: action.assignee }, sla, { assignee: action.assignee });
    }
    case 'reassign': {
      const problem = checkAssignee(action.assignee, incident.jurisdictionPath, config);
      if (problem) return fail('invalid_assignee', problem);
      if (action.assignee.id === incident.assignee?.id)
        return fail('invalid_assignee', `the incident is already assigned to ${action.assignee.id}`);
      // The handling clock keeps running: a reassignment must not buy the department more time.
      return move('dispatched', { assignee: action.assignee, pendingExtension: null }, clock, {
        assignee: action.assignee,
        ...withdrawn,
      });
    }
    case 'accept':
      return move('handling', { handlerIds: addHandler(incident.handlerIds, actor.id) }, clock);
    case 'feedback': {
      const sla = startClock('verify', category, at, config);
      return move(
        'handled',
        { handlerIds: addHandler(incident.handlerIds, actor.id), pendingExtension: null },
        sla,
        withdrawn,
      );
    }
    case 'return': {
      const sla = startClock('dispatch', category, at, config);
      return move(
        'returned',
        { assignee: null, pendingExtension: null, returnCount: incident.returnCount + 1 },
        sla,
        withdrawn,
      );
    }
    case 'request_extension': {
      if (!clock) return fail('invalid_input', 'no time limit is running');
      if (incident.pendingExtension)
        return fail(
          'extension_pending',
          `an extension requested by ${incident.pendingExtension.requestedBy} at ${iso(incident.pendingExtension.requestedAt)} is still awaiting a decision`,
        );
      if (clock.extensions.length >= config.maxExtensionsPerPhase)
        return fail(
          'extension_limit',
          `the ${clock.phase} limit has already been extended ${clock.extensions.length} time(s); at most ${config.maxExtensionsPerPhase} are allowed`,
        );
      if (config.extensionBeforeDeadline && at > clock.dueAt)
        return fail(
          'extension_too_late',
          `an extension must be requested before the deadline; it ran out at ${describeDue(clock, config)}`,
        );
      const problem = checkExtension(action.extension);
      if (problem) return fail('invalid_input', problem);
      const { amount, unit } = action.extension;
      return move(
        incident.stage,
        { pendingExtension: { amount, unit, requestedBy: actor.id, requestedAt: at, reason: reason ?? '' } },
        clock,
        { extension: { amount, unit, requestedBy: actor.id } },
      );
    }
    case 'approve_extension':
    case 'deny_extension': {
      const pending = incident.pendingExtension;
      if (!pending || !clock) return fail('no_pending_extension', 'no extension has been requested for this incident');
      if (pending.requestedBy === actor.id)
        return fail(
          'self_approval',
          `the approver must not be the requester (staff ${actor.id} requested the extension)`,
        );
      const extension = { amount: pending.amount, unit: pending.unit, requestedBy: pending.requestedBy };
      if (action.type === 'deny_extension')
        return move(incident.stage, { pendingExtension: null }, clock, { extension });
      const cal = calendarFor(clock.calendar, config.calendar);
      const ms = durationMs(pending.amount, pending.unit, cal);
      const extended: SlaClock = {
        ...clock,
        extensions: [
          ...clock.extensions,
          {
            amount: pending.amount,
            unit: pending.unit,
            ms,
            requestedBy: pending.requestedBy,
            approvedBy: actor.id,
            approvedAt: at,
          },
        ],
        dueAt: addWorkingTime(clock.dueAt, ms, cal),
      };
      // Same phase, later deadline: the escalation reached so far stays on record.
      return move(incident.stage, { pendingExtension: null }, extended, { extension });
    }
    case 'park':
      return move(
        'parked',
        { parkedFrom: incident.stage as 'dispatched' | 'handling', pendingExtension: null },
        null,
        withdrawn,
      );
    case 'escalate': {
      // A person asks the next level up to supervise (督办) before, or beyond, what the overdue scanner did. The
      // clock keeps running: escalation adds oversight, never time.
      const fromLevel = incident.escalation?.level ?? 0;
      const max = maxEscalationLevel(incident.jurisdictionPath);
      if (fromLevel >= max)
        return fail(
          'escalation_limit',
          `the incident is already escalated to ${incident.escalation?.jurisdictionPath ?? incident.jurisdictionPath}, the top of its jurisdiction tree`,
        );
      const level = fromLevel + 1;
      const jurisdictionPath = escalationTarget(incident.jurisdictionPath, level);
      const next: IncidentState = { ...base, escalation: { level, jurisdictionPath, at } };
      return {
        ok: true,
        next,
        event: event(incident.stage, { escalation: { fromLevel, level, jurisdictionPath } }, clock),
      };
    }
    case 'resume': {
      const to = incident.parkedFrom ?? 'dispatched';
      return move(to, { parkedFrom: null }, startClock('handle', category, at, config));
    }
    case 'rework': {
      const sla = startClock('handle', category, at, config);
      return move('handling', { reworkCount: incident.reworkCount + 1 }, sla);
    }
    case 'close':
      return move('closed', { closedAt: at }, null);
    case 'evaluate': {
      if (action.rating !== undefined && !(Number.isInteger(action.rating) && action.rating >= 1 && action.rating <= 5))
        return fail('invalid_input', `a rating is a whole number from 1 to 5, got ${action.rating}`);
      return move('evaluated', {}, null, action.rating !== undefined ? { rating: action.rating } : {});
    }
  }
}

function addHandler(ids: readonly string[], id: string): readonly string[] {
  return ids.includes(id) ? ids : [...ids, id];
}

/**
 * Records escalation when the running clock has run out far enough to reach a new level; null when nothing is
 * due (not overdue, no clock, or already escalated that far). Called by the overdue scanner with the clock's time.
 */
export function escalate(incident: IncidentState, at: EpochMs, config: WorkflowConfig): TransitionResult | null {
  const clock = incident.sla;
  if (!clock || at <= clock.dueAt || at < incident.updatedAt) return null;
  const cal = calendarFor(clock.calendar, config.calendar);
  const status = escalationAt(incident.jurisdictionPath, clock.dueAt, clock.limitMs, at, cal);
  const fromLevel = incident.escalation?.level ?? 0;
  if (status.level <= fromLevel) return null;
  const version = incident.version + 1;
  const next: IncidentState = {
    ...incident,
    updatedAt: at,
    version,
    escalation: { level: status.level, jurisdictionPath: status.jurisdictionPath, at },
  };
  const event: TimelineEvent = {
    incidentId: incident.id,
    seq: version,
    type: 'escalated',
    at,
    actor: SYSTEM_ACTOR,
    from: incident.stage,
    to: incident.stage,
    reason: `the ${clock.phase} limit ran out at ${iso(clock.dueAt)}`,
    clockEnded: null,
    dueAt: clock.dueAt,
    escalation: { fromLevel, level: status.level, jurisdictionPath: status.jurisdictionPath },
  };
  return { ok: true, next, event };
}

/** The stages reachable from `stage` and the actions that lead there (for UIs that offer only what is allowed). */
export function allowedActions(stage: Stage): ActionType[] {
  return (Object.keys(ALLOWED_FROM) as ActionType[]).filter((a) => ALLOWED_FROM[a].includes(stage));
}
