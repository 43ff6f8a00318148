import { randomUUID } from 'node:crypto';
import type { Insertable, Transaction } from 'kysely';
import { sql } from 'kysely';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import { parseFact, type ExposureFact } from '../../core/rules/index.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import { badRequest, forbidden } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAuditMany, type AuditActor } from '../audit/audit.repository.ts';
import { insertFacts } from '../status/facts.repository.ts';
import { personScopes } from '../status/person-scope.ts';
import { recomputeStatusesTx } from '../status/status.service.ts';

export interface ExposureFactInput {
  personId: string;
  degree: 'close' | 'secondary' | 'risk_place';
  caseId: string | null;
  placeId: string | null;
  windowStart: Date;
  windowEnd: Date;
  provenance: { source: 'case'; caseId: string } | { source: 'officer'; officerId: string };
  /** Why, naming the place and the time (zh-CN and English): sent to the person with the fact. */
  reason?: Record<string, string> | undefined;
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
 * Records exposures as health facts and recomputes the statuses, inside the caller's transaction: the steps of the
 * facts service (validate against the closed fact schema, store, audit, announce, recompute) done for thousands of
 * contacts in a few set-based statements. `by` is the reviewing officer (checked like the facts service checks them)
 * or `system`: automatic tracing, which the published review settings allow.
 */
export async function recordExposureFacts(
  trx: Transaction<DB>,
  ctx: AppContext,
  inputs: ExposureFactInput[],
  by: Principal | 'system',
  now: Date,
): Promise<string[]> {
  if (inputs.length === 0) return [];
  const scopes = await personScopes(
    trx,
    inputs.map((i) => i.personId),
  );
  let actor: AuditActor = { kind: 'system', id: 'tracing' };
  let recordedBy = 'system:tracing';
  let recorder = { role: 'tracing' as string | null, scope: null as string | null };
  if (by !== 'system') {
    if (by.kind !== 'staff') throw forbidden('Exposures are recorded by health officers or by tracing.');
    for (const i of inputs) {
      const d = authorize(by, 'fact.record_clinical', { jurisdictionPath: scopes.get(i.personId)?.path ?? null });
      if (!d.allow) throw forbidden(d.reason);
    }
    actor = actorOf(by);
    recordedBy = by.id;
    recorder = { role: by.role, scope: by.scopeId };
  }
  const facts = inputs.map((input) => {
    const parsed = parseFact({
      ...candidate(input),
      id: `fact:${randomUUID()}`,
      recordedAt: now.toISOString(),
      recordedBy,
    });
    if (!parsed.ok)
      throw badRequest(`exposure fact not valid: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    return parsed.fact as ExposureFact;
  });
  await insertFacts(trx, facts, recorder);
  await appendAuditMany(
    trx,
    now,
    facts.map((fact) => ({
      actor,
      action: 'fact.record',
      subjectKind: 'health_fact',
      subjectId: fact.id,
      personId: fact.personId,
      purpose: 'tracing',
      detail: { kind: fact.kind, degree: fact.degree, provenance: fact.provenance.source, caseId: fact.caseId },
    })),
  );
  const events: Insertable<DB['outbox']>[] = facts.map((fact) => ({
    topic: 'fact.recorded',
    key: fact.personId,
    payload: JSON.stringify({
      factId: fact.id,
      personId: fact.personId,
      kind: fact.kind,
      gridCode: scopes.get(fact.personId)?.gridCode ?? null,
      recordedBy: fact.recordedBy,
    }),
    created_at: now,
  }));
  for (let i = 0; i < events.length; i += 500)
    await trx
      .insertInto('outbox')
      .values(events.slice(i, i + 500))
      .execute();
  // The status notification says the colour; this one says where and when, so nobody has to guess why.
  const notes: Insertable<DB['notifications']>[] = [];
  inputs.forEach((input, i) => {
    if (input.reason)
      notes.push({
        id: randomUUID(),
        person_id: input.personId,
        kind: 'exposure_recorded',
        payload: JSON.stringify({
          factId: facts[i]!.id,
          degree: input.degree,
          placeId: input.placeId,
          window: { start: input.windowStart.toISOString(), end: input.windowEnd.toISOString() },
          reason: input.reason,
        }),
        created_at: now,
      });
  });
  for (let i = 0; i < notes.length; i += 500)
    await trx
      .insertInto('notifications')
      .values(notes.slice(i, i + 500))
      .execute();
  await recomputeStatusesTx(
    trx,
    ctx,
    facts.map((f) => f.personId),
    now,
    facts.map((f) => `fact:${f.id}`),
  );
  return facts.map((f) => f.id);
}

/** Points exposures at the facts recorded for them (one statement). */
export async function linkFacts(trx: Transaction<DB>, exposureIds: string[], factIds: string[]): Promise<void> {
  if (exposureIds.length === 0) return;
  await sql`
    update exposures set fact_id = u.fact_id
    from unnest(${exposureIds}::uuid[], ${factIds}::text[]) as u(id, fact_id)
    where exposures.id = u.id`.execute(trx);
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
  await recomputeStatusesTx(trx, ctx, [personId], now, [`withdrawn:${factId}`]);
}
