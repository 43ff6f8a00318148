import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { forbidden } from '../../platform/http/problem.ts';
import { actorOf } from './actor.ts';
import { appendAudit } from './audit.repository.ts';
import { verifyAuditChain } from './verify.service.ts';

/**
 * An auditor asks for the chain to be verified now (what `tessera audit verify` does): the report names the first
 * problem. The verification is itself an audit entry, written after the chain was read, so it does not verify itself.
 */
export async function verifyChainAsAuditor(ctx: AppContext, principal: Principal) {
  const d = authorize(principal, 'audit.read');
  if (!d.allow) throw forbidden(d.reason);
  const report = await verifyAuditChain(ctx);
  const verifiedAt = ctx.clock.now();
  await ctx.db.transaction().execute((trx) =>
    appendAudit(trx, verifiedAt, {
      actor: actorOf(principal),
      action: 'audit.verify',
      subjectKind: 'audit_log',
      purpose: 'audit',
      detail: { ok: report.ok, entries: report.entries, finding: report.finding?.kind ?? null },
    }),
  );
  return { ...report, verifiedAt: verifiedAt.toISOString() } as unknown as Record<string, unknown>;
}
