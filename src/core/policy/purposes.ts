import type { Action } from './policy.ts';
import type { Principal } from './roles.ts';

/**
 * Why a staff member reads a person's data. A fixed list, so every read in the audit log answers
 * "for what?" in words a resident and an auditor both understand; anything else is refused.
 */
export const ACCESS_PURPOSES = [
  'tracing',
  'follow_up',
  'incident_handling',
  'appeal_review',
  'audit',
  'registry_maintenance',
] as const;
export type AccessPurpose = (typeof ACCESS_PURPOSES)[number];

/** Purposes recorded when residents read their own household (never chosen by staff). */
export const SELF_ACCESS = 'self_access';
export const HOUSEHOLD_ACCESS = 'household_access';

/** Reads that disclose a person's data and therefore need a stated purpose from staff. */
export const PERSONAL_DATA_READS: readonly Action[] = ['household.read', 'resident.read'];

export function isAccessPurpose(v: unknown): v is AccessPurpose {
  return typeof v === 'string' && (ACCESS_PURPOSES as readonly string[]).includes(v);
}

export const PURPOSE_LIST_TEXT = ACCESS_PURPOSES.join(', ');

/**
 * Null when the read may go ahead as far as purpose is concerned, otherwise the reason it may not.
 * Residents reading their own household and public reads need no purpose; staff always state one.
 */
export function purposeProblem(principal: Principal, action: Action, purpose: unknown): string | null {
  if (principal.kind !== 'staff' || !PERSONAL_DATA_READS.includes(action)) return null;
  if (purpose === undefined || purpose === null || purpose === '')
    return `state why you are reading personal data: purpose must be one of ${PURPOSE_LIST_TEXT}`;
  if (!isAccessPurpose(purpose)) return `purpose "${String(purpose)}" is not one of ${PURPOSE_LIST_TEXT}`;
  return null;
}
