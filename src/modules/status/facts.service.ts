import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { authorize, type Action } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import { parseFact, type FactKind, type HealthFact } from '../../core/rules/index.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { badRequest, forbidden, notFound } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { insertFact } from './facts.repository.ts';
import { personScope } from './person-scope.ts';
import { recomputeStatusTx } from './status.service.ts';
import { publishedRuleSets } from './rulesets.service.ts';

/** Which permission records which kind. Overrides are not here: they only arise from an approved two-person override. */
const ACTION_FOR_KIND: Record<Exclude<FactKind, 'override'>, Action> = {
  test_result: 'fact.record_test',
  vaccination: 'fact.record_clinical',
  exposure: 'fact.record_clinical',
  risk_area_arrival: 'fact.record_clinical',
  isolation_completed: 'fact.record_clinical',
  symptom_report: 'fact.record_symptom',
};

export type FactInput = Record<string, unknown> & { personId: string; kind: string };

function defaultProvenance(principal: Principal, kind: string): Record<string, unknown> {
  if (principal.kind === 'resident') return { source: 'self_reported' };
  if (principal.kind === 'device' && principal.deviceKind === 'lab')
    return { source: 'lab', labId: principal.id, specimenId: 'unknown' };
  return { source: 'officer', officerId: principal.kind === 'staff' ? principal.id : 'system' };
  void kind;
}

/**
 * Records one health fact and recomputes the person's status in the same transaction.
 * The fact is validated against the closed fact schema: anything that is not a health fact cannot be recorded.
 */
export async function recordFact(
  ctx: AppContext,
  principal: Principal,
  input: FactInput,
  opts: { trx?: Transaction<DB>; purpose?: string } = {},
): Promise<{ fact: HealthFact; status: Awaited<ReturnType<typeof recomputeStatusTx>>['status'] }> {
  if (input.kind === 'override')
    throw forbidden('Overrides cannot be recorded directly: propose one, and a second officer must approve it.');
  const action = ACTION_FOR_KIND[input.kind as Exclude<FactKind, 'override'>];
  if (!action) throw badRequest(`body.kind: "${String(input.kind)}" is not a health fact kind`);
  const now = ctx.clock.now();
  await publishedRuleSets(ctx); // before the transaction: PGlite has a single connection
  const run = async (trx: Transaction<DB>) => {
    const scope = await personScope(trx, input.personId);
    if (!scope) throw notFound(`No resident ${input.personId}`);
    const decision = authorize(principal, action, { jurisdictionPath: scope.path, householdId: scope.householdId });
    if (!decision.allow) throw forbidden(decision.reason);
    if (principal.kind === 'resident' && principal.id !== input.personId)
      throw forbidden('Residents may report symptoms only for themselves.');
    const candidate = {
      provenance: defaultProvenance(principal, input.kind),
      ...input,
      id: `fact:${randomUUID()}`,
      recordedAt: now.toISOString(),
      recordedBy: principal.kind === 'anonymous' ? 'anonymous' : principal.id,
    };
    const parsed = parseFact(candidate);
    if (!parsed.ok)
      throw badRequest(`The fact is not valid: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, {
        errors: parsed.errors,
      });
    const fact = parsed.fact;
    await insertFact(trx, fact, {
      role:
        principal.kind === 'staff'
          ? principal.role
          : principal.kind === 'device'
            ? principal.deviceKind
            : principal.kind,
      scope: principal.kind === 'staff' || principal.kind === 'device' ? principal.scopeId : null,
    });
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: 'fact.record',
      subjectKind: 'health_fact',
      subjectId: fact.id,
      personId: fact.personId,
      purpose: opts.purpose ?? (principal.kind === 'resident' ? 'self_report' : 'tracing'),
      detail: { kind: fact.kind, provenance: fact.provenance.source },
    });
    await emitEvent(
      trx,
      now,
      'fact.recorded',
      {
        factId: fact.id,
        personId: fact.personId,
        kind: fact.kind,
        gridCode: scope.gridCode,
        recordedBy: fact.recordedBy,
      },
      fact.personId,
    );
    const { status } = await recomputeStatusTx(trx, ctx, fact.personId, now, `fact:${fact.id}`);
    return { fact, status };
  };
  return opts.trx ? run(opts.trx) : ctx.db.transaction().execute(run);
}
