import type { Role, StaffRole } from '../policy/roles.ts';
import type { EpochMs } from './calendar.ts';
import type { CalendarKind, ExtensionGrant } from './deadlines.ts';
import type { SlaPhase, Stage } from './stages.ts';

/**
 * The workflow state of one incident and the events that change it. Descriptions, photos and contact details
 * live with the incident record in modules/incidents; this is only what the state machine needs to decide.
 */

/** Who acts. Residents have no jurisdiction; staff act within theirs (a path such as `330000.330100.330106`). */
export interface Actor {
  id: string;
  role: Role;
  jurisdictionPath: string | null;
}

/** The staff member an incident is dispatched to. */
export interface Assignee {
  id: string;
  role: StaffRole;
  jurisdictionPath: string;
  /** Department code from the category tree, when the assignee works for one. */
  department: string | null;
}

export const REPORT_SOURCES = ['resident', 'grid_worker', 'hotline', 'open311', 'video', 'referral'] as const;
export type ReportSource = (typeof REPORT_SOURCES)[number];

export const REJECTION_KINDS = ['duplicate', 'unverified', 'out_of_scope', 'other'] as const;
/** Why a report was not filed: a duplicate, not confirmed on site, not a matter for this system, other. */
export type RejectionKind = (typeof REJECTION_KINDS)[number];

export interface PendingExtension extends ExtensionGrant {
  requestedBy: string;
  requestedAt: EpochMs;
  reason: string;
}

export interface ApprovedExtension extends ExtensionGrant {
  ms: number;
  requestedBy: string;
  approvedBy: string;
  approvedAt: EpochMs;
}

/** The running time limit of the current phase. */
export interface SlaClock {
  phase: SlaPhase;
  calendar: CalendarKind;
  startedAt: EpochMs;
  /** The category's limit for the phase, in working ms of `calendar`; each further limit escalates one level. */
  limitMs: number;
  extensions: readonly ApprovedExtension[];
  dueAt: EpochMs;
}

export interface EscalationState {
  level: number;
  jurisdictionPath: string;
  at: EpochMs;
}

export interface IncidentState {
  id: string;
  categoryCode: string;
  /** Where the incident lies (its community's path); escalation walks up from here. */
  jurisdictionPath: string;
  gridCode: string | null;
  source: ReportSource;
  reporter: { id: string; role: Role };
  stage: Stage;
  stageEnteredAt: EpochMs;
  reportedAt: EpochMs;
  updatedAt: EpochMs;
  assignee: Assignee | null;
  sla: SlaClock | null;
  pendingExtension: PendingExtension | null;
  /** The stage a parked incident returns to when resumed. */
  parkedFrom: 'dispatched' | 'handling' | null;
  /** Everyone who accepted or gave feedback on the incident: none of them may verify, close or evaluate it. */
  handlerIds: readonly string[];
  reworkCount: number;
  returnCount: number;
  escalation: EscalationState | null;
  closedAt: EpochMs | null;
  /** Number of events so far; the next event's `seq` is `version + 1`. */
  version: number;
}

interface ActionBase {
  actor: Actor;
  at: EpochMs;
  reason?: string;
}

export type WorkflowAction =
  | (ActionBase & { type: 'file'; categoryCode?: string })
  | (ActionBase & { type: 'reject'; rejection?: RejectionKind; duplicateOf?: string })
  | (ActionBase & { type: 'dispatch'; assignee: Assignee })
  | (ActionBase & { type: 'reassign'; assignee: Assignee })
  | (ActionBase & { type: 'accept' })
  | (ActionBase & { type: 'feedback' })
  | (ActionBase & { type: 'return' })
  | (ActionBase & { type: 'request_extension'; extension: ExtensionGrant })
  | (ActionBase & { type: 'approve_extension' })
  | (ActionBase & { type: 'deny_extension' })
  | (ActionBase & { type: 'park' })
  | (ActionBase & { type: 'escalate' })
  | (ActionBase & { type: 'resume' })
  | (ActionBase & { type: 'rework' })
  | (ActionBase & { type: 'close' })
  | (ActionBase & { type: 'evaluate'; rating?: number });

export type ActionType = WorkflowAction['type'];

export const ACTION_TYPES = [
  'file',
  'reject',
  'dispatch',
  'reassign',
  'accept',
  'feedback',
  'return',
  'request_extension',
  'approve_extension',
  'deny_extension',
  'park',
  'escalate',
  'resume',
  'rework',
  'close',
  'evaluate',
] as const satisfies readonly ActionType[];

export type EventType = 'reported' | ActionType | 'escalated';

/** The system itself acts only to escalate overdue incidents (people escalate with the `escalate` action). */
export interface SystemActor {
  id: 'system';
  role: 'system';
  jurisdictionPath: null;
}

export const SYSTEM_ACTOR: SystemActor = { id: 'system', role: 'system', jurisdictionPath: null };

/** One step on an incident's timeline: who did what, when, why, and what it did to the clock. */
export interface TimelineEvent {
  incidentId: string;
  seq: number;
  type: EventType;
  at: EpochMs;
  actor: Actor | SystemActor;
  from: Stage | null;
  to: Stage;
  reason: string | null;
  /** The phase clock this event stopped or restarted, and whether it had already run out. */
  clockEnded: { phase: SlaPhase; dueAt: EpochMs; late: boolean } | null;
  /** The deadline in force after the event (null when no clock runs). */
  dueAt: EpochMs | null;
  assignee?: Assignee;
  categoryCode?: string;
  extension?: ExtensionGrant & { requestedBy: string };
  /** A pending extension request that lapsed because the incident left the handling phase. */
  extensionWithdrawn?: boolean;
  rejection?: { kind: RejectionKind; duplicateOf: string | null };
  rating?: number;
  escalation?: { fromLevel: number; level: number; jurisdictionPath: string };
}

export interface WorkflowError {
  code: WorkflowErrorCode;
  message: string;
}

export type WorkflowErrorCode =
  | 'invalid_input'
  | 'out_of_order'
  | 'stage_forbids'
  | 'role_forbidden'
  | 'out_of_scope'
  | 'not_assignee'
  | 'self_verification'
  | 'self_approval'
  | 'reason_required'
  | 'unknown_category'
  | 'invalid_assignee'
  | 'extension_pending'
  | 'no_pending_extension'
  | 'extension_limit'
  | 'extension_too_late'
  | 'escalation_limit';

export type TransitionResult =
  { ok: true; next: IncidentState; event: TimelineEvent } | { ok: false; error: WorkflowError };
