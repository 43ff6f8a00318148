import { z } from 'zod';
import { VISIT_OUTCOMES } from '../../core/workflow/index.ts';

/**
 * One task engine, several kinds of work. Each kind says what its subject is and which result forms may close
 * it; a result is validated against the task's form before anything is stored.
 *
 * The quarantine follow-up form deliberately has no health fields: symptoms and test results are health facts
 * and go through the facts service (with provenance), so a task result can never become a second, unruled
 * source of someone's status.
 */

export const TASK_KINDS = ['incident_handling', 'household_visit', 'quarantine_follow_up', 'campaign_visit'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];
export const SUBJECT_KINDS = ['incident', 'household', 'resident'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];
export const TASK_STATUSES = ['open', 'accepted', 'completed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const SUBJECT_OF_KIND: Readonly<Record<TaskKind, SubjectKind>> = {
  incident_handling: 'incident',
  household_visit: 'household',
  quarantine_follow_up: 'resident',
  campaign_visit: 'household',
};

const note = z.string().trim().max(2000, 'a note is at most 2000 characters').optional();
const outcome = z.enum(VISIT_OUTCOMES, `outcome must be one of ${VISIT_OUTCOMES.join(', ')}`);

export const FOLLOW_UP_NEEDS = ['food', 'medicine', 'medical_care', 'psychological_support', 'other'] as const;

export const TASK_FORMS = {
  incident_feedback: z.strictObject({
    result: z
      .string()
      .trim()
      .min(2, 'describe the result of the handling (at least 2 characters)')
      .max(4000, 'the result is at most 4000 characters'),
  }),
  household_visit: z.strictObject({ outcome, note }),
  campaign_visit: z.strictObject({ outcome, note }),
  quarantine_follow_up: z.strictObject({
    contacted: z.boolean({ message: 'contacted must be true or false' }),
    needs: z.array(z.enum(FOLLOW_UP_NEEDS, `each need must be one of ${FOLLOW_UP_NEEDS.join(', ')}`)).default([]),
    note,
  }),
} as const;
export type TaskFormName = keyof typeof TASK_FORMS;
export const TASK_FORM_NAMES = Object.keys(TASK_FORMS) as TaskFormName[];

/** The forms that may close a task of each kind; the first is the default. */
export const FORMS_OF_KIND: Readonly<Record<TaskKind, readonly TaskFormName[]>> = {
  incident_handling: ['incident_feedback'],
  household_visit: ['household_visit'],
  quarantine_follow_up: ['quarantine_follow_up'],
  campaign_visit: ['campaign_visit'],
};

export type FormResult = { ok: true; value: Record<string, unknown> } | { ok: false; errors: FieldProblem[] };
export interface FieldProblem {
  field: string;
  message: string;
}

/** Validates a result against a form; every problem is named by its field under `prefix`. */
export function checkResult(form: TaskFormName, input: unknown, prefix = 'body.result'): FormResult {
  const parsed = TASK_FORMS[form].safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data as Record<string, unknown> };
  return {
    ok: false,
    errors: parsed.error.issues.map((i) => ({
      field: [prefix, ...i.path.map(String)].join('.'),
      message: i.code === 'unrecognized_keys' ? `form ${form} has no field(s) ${i.keys.join(', ')}` : i.message,
    })),
  };
}
