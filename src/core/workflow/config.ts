import type { Role, StaffRole } from '../policy/roles.ts';
import { DEFAULT_WORKING_CALENDAR, workingCalendarSchema } from './calendar.ts';
import type { WorkingCalendar } from './calendar.ts';
import { HANDLER_ROLES, indexCategories } from './categories.ts';
import type { CategoryIndex, CategoryTree } from './categories.ts';
import type { Localized } from './stages.ts';

/**
 * Who may do what in the workflow, and the tunable rules. Accepting, giving feedback, returning and requesting an
 * extension belong to the assignee alone, so they are not role-gated here.
 */

export const OFFICER_ROLES = [
  'community_officer',
  'subdistrict_officer',
  'district_officer',
] as const satisfies readonly StaffRole[];

export type RoleGatedAction =
  | 'report'
  | 'file'
  | 'reject'
  | 'dispatch'
  | 'reassign'
  | 'approve_extension'
  | 'deny_extension'
  | 'park'
  | 'escalate'
  | 'resume'
  | 'rework'
  | 'close'
  | 'evaluate';

export const DEFAULT_WORKFLOW_ROLES: Readonly<Record<RoleGatedAction, readonly Role[]>> = {
  report: ['resident', 'grid_worker', 'health_officer', ...OFFICER_ROLES],
  file: OFFICER_ROLES,
  reject: OFFICER_ROLES,
  dispatch: OFFICER_ROLES,
  reassign: OFFICER_ROLES,
  approve_extension: OFFICER_ROLES,
  deny_extension: OFFICER_ROLES,
  park: OFFICER_ROLES,
  escalate: OFFICER_ROLES,
  resume: OFFICER_ROLES,
  rework: OFFICER_ROLES,
  close: OFFICER_ROLES,
  evaluate: OFFICER_ROLES,
};

export interface WorkflowConfig {
  categories: CategoryIndex;
  /** Departments of the category tree, by code. */
  departments: ReadonlyMap<string, Localized>;
  /** The office calendar; urgent limits run 24/7. */
  calendar: WorkingCalendar;
  roles: Readonly<Record<RoleGatedAction, readonly Role[]>>;
  /** Roles an incident may be dispatched to. */
  handlerRoles: readonly StaffRole[];
  /** Approved extensions allowed per phase clock (a rework or resume starts a new clock). */
  maxExtensionsPerPhase: number;
  /** An extension must be requested before the deadline runs out (the usual 延期 rule). */
  extensionBeforeDeadline: boolean;
  /** Minimum length of a required reason after trimming; two characters allow "重复" but not "x". */
  minReasonLength: number;
}

export interface WorkflowConfigInput {
  /** A tree that passed `parseCategoryTree`. */
  categories: CategoryTree;
  calendar?: WorkingCalendar;
  roles?: Partial<Record<RoleGatedAction, readonly Role[]>>;
  handlerRoles?: readonly StaffRole[];
  maxExtensionsPerPhase?: number;
  extensionBeforeDeadline?: boolean;
  minReasonLength?: number;
}

export function createWorkflowConfig(input: WorkflowConfigInput): WorkflowConfig {
  const calendar = input.calendar ?? DEFAULT_WORKING_CALENDAR;
  const parsed = workingCalendarSchema.safeParse(calendar);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(`invalid working calendar at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  const maxExtensionsPerPhase = input.maxExtensionsPerPhase ?? 2;
  if (!Number.isInteger(maxExtensionsPerPhase) || maxExtensionsPerPhase < 0)
    throw new RangeError(`maxExtensionsPerPhase must be a whole number ≥ 0, got ${maxExtensionsPerPhase}`);
  const minReasonLength = input.minReasonLength ?? 2;
  if (!Number.isInteger(minReasonLength) || minReasonLength < 1)
    throw new RangeError(`minReasonLength must be a whole number ≥ 1, got ${minReasonLength}`);
  return {
    categories: indexCategories(input.categories),
    departments: new Map(input.categories.departments.map((d) => [d.code, d.name])),
    calendar,
    roles: { ...DEFAULT_WORKFLOW_ROLES, ...input.roles },
    handlerRoles: input.handlerRoles ?? HANDLER_ROLES,
    maxExtensionsPerPhase,
    extensionBeforeDeadline: input.extensionBeforeDeadline ?? true,
    minReasonLength,
  };
}
