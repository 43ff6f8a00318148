import type { Transaction } from 'kysely';
import { authorize, type Action, type Target } from '../../core/policy/policy.ts';
import {
  ACCESS_PURPOSES,
  HOUSEHOLD_ACCESS,
  purposeProblem,
  SELF_ACCESS,
  type AccessPurpose,
} from '../../core/policy/purposes.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import { badRequest, forbidden } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';

/** The purpose a staff read states, or a 400 listing the allowed ones. Residents need none. */
export function requirePurpose(principal: Principal, action: Action, purpose: unknown): AccessPurpose | null {
  const problem = purposeProblem(principal, action, purpose);
  if (problem)
    throw badRequest(`query.purpose: ${problem}`, {
      errors: [{ field: 'query.purpose', message: problem }],
      allowedPurposes: ACCESS_PURPOSES,
    });
  return principal.kind === 'staff' ? (purpose as AccessPurpose) : null;
}

/**
 * Throws 403 with the policy's reason when denied. Denied reads of a person's data are audited
 * (in their own transaction, since the caller's will not commit): probing outside one's scope stays visible.
 */
export async function requireAllowed(
  ctx: AppContext,
  principal: Principal,
  action: Action,
  target: Target,
  subject?: { kind: string; id: string; personId?: string | null },
): Promise<void> {
  const decision = authorize(principal, action, target);
  if (decision.allow) return;
  if (subject && principal.kind !== 'anonymous') {
    await ctx.db.transaction().execute((trx) =>
      appendAudit(trx, ctx.clock.now(), {
        actor: actorOf(principal),
        action: 'access.denied',
        subjectKind: subject.kind,
        subjectId: subject.id,
        personId: subject.personId ?? null,
        detail: { attempted: action, reason: decision.reason },
      }),
    );
  }
  throw forbidden(decision.reason);
}

/** One audit entry per person whose data was read, so each resident's access history is complete. */
export async function auditPersonReads(
  trx: Transaction<DB>,
  at: Date,
  principal: Principal,
  purpose: AccessPurpose | null,
  reads: { action: string; subjectKind: string; subjectId: string; personId: string | null }[],
  detail: Record<string, unknown> = {},
): Promise<void> {
  const actor = actorOf(principal);
  for (const r of reads) {
    const recorded =
      principal.kind === 'resident' ? (r.personId === principal.id ? SELF_ACCESS : HOUSEHOLD_ACCESS) : purpose;
    await appendAudit(trx, at, {
      actor,
      action: r.action,
      subjectKind: r.subjectKind,
      subjectId: r.subjectId,
      personId: r.personId,
      purpose: recorded,
      detail,
    });
  }
}
