import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Principal } from '../../core/policy/roles.ts';
import { parseFact, type ExposureFact } from '../../core/rules/index.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { badRequest } from '../../platform/http/problem.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { insertFact } from '../status/facts.repository.ts';
import { recordFact } from '../status/facts.service.ts';
import { personScope } from '../status/person-scope.ts';
import { recomputeStatusTx } from '../status/status.service.ts';

export interface ExposureFactInput {
  personId: string;
  degree: 'close' | 'secondary' | 'risk_place';
  caseId: string | null;
  placeId: string | null;
  windowStart: Date;
  windowEnd: Date;
  provenance: { source: 'case'; caseId: string } | { source: 'officer'; officerId: string };
}

function candidate(input: ExposureFactInput) {
  return {
    personId: input.personId,
    kind: 'exposure',
    degree: input.degree,
    caseId: input.caseId,
    placeId: input.placeId,
    window: { start: input.windowStart.toISOString(), end: input.windowEnd.toISOString() },
    // Quarantine counts from the last moment of contact: the end of the window.
    occurredAt: input.windowEnd.toISOString(),
    provenance: input.provenance,
  };
}

/**
 * Records an exposure as a health fact and recomputes the person's status, inside the caller's transaction. With an
 * officer (a reviewed exposure) it goes through the facts service and its policy; with `system` (automatic tracing,
 * which published settings allow) the same steps run under the tracing engine's name: validate against the closed
 * fact schema, store, audit, announce, recompute.
 */
export async function recordExposureFact(
  trx: Transaction<DB>,
  ctx: AppContext,
  input: ExposureFactInput,
  by: Principal | 'system',
  now: Date,
): Promise<string> {
  if (by !== 'system') {
    const r = await recordFact(ctx, by, candidate(input), { trx, purpose: 'tracing' });
    return r.fact.id;
  }
  const parsed = parseFact({
    ...candidate(input),
    id: `fact:${randomUUID()}`,
    recordedAt: now.toISOString(),
    recordedBy: 'system:tracing',
  });
  if (!parsed.ok)
    throw badRequest(`exposure fact not valid: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  const fact = parsed.fact as ExposureFact;
  const scope = await personScope(trx, fact.personId);
  await insertFact(trx, fact, { role: 'tracing', scope: null });
  await appendAudit(trx, now, {
    actor: { kind: 'system', id: 'tracing' },
    action: 'fact.record',
    subjectKind: 'health_fact',
    subjectId: fact.id,
    personId: fact.personId,
    purpose: 'tracing',
    detail: { kind: fact.kind, degree: fact.degree, provenance: fact.provenance.source, caseId: fact.caseId },
  });
  await emitEvent(
    trx,
    now,
    'fact.recorded',
    {
      factId: fact.id,
      personId: fact.personId,
      kind: fact.kind,
      gridCode: scope?.gridCode ?? null,
      recordedBy: fact.recordedBy,
    },
    fact.personId,
  );
  await recomputeStatusTx(trx, ctx, fact.personId, now, `fact:${fact.id}`);
  return fact.id;
}

/** Withdraws a fact (an exposure dismissed after it took effect) and recomputes the status. */
export async function withdrawFact(
  trx: Transaction<DB>,
  ctx: AppContext,
  factId: string,
  personId: string,
  reason: string,
  now: Date,
): Promise<void> {
  await trx
    .updateTable('health_facts')
    .set({ withdrawn_at: now, withdrawn_reason: reason })
    .where('id', '=', factId)
    .where('withdrawn_at', 'is', null)
    .execute();
  await recomputeStatusTx(trx, ctx, personId, now, `withdrawn:${factId}`);
}
