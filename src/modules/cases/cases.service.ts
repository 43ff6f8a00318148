import { randomUUID } from 'node:crypto';
import type { Transaction, Updateable } from 'kysely';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import { likelySource } from '../../core/tracing/chains.ts';
import { DAY_MS, infectiousFrom } from '../../core/tracing/windows.ts';
import type { HealthFact } from '../../core/rules/index.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit, type AuditActor } from '../audit/audit.repository.ts';
import type { AccessPurpose } from '../../core/policy/purposes.ts';
import { auditPersonReads } from '../registry/registry.access.ts';
import { activeFacts } from '../status/facts.repository.ts';
import { personScope } from '../status/person-scope.ts';
import { publishedRuleSets, ruleSetFor } from '../status/rulesets.service.ts';
import { findCase, openCaseOf, presentCase } from './cases.repository.ts';

/** Symptoms reported more than this long before the specimen belong to another illness, not this case. */
const ONSET_LOOKBACK_MS = 14 * DAY_MS;
/** How far back an exposure can explain a new case (the longest incubation period considered). */
const SOURCE_LOOKBACK_MS = 14 * DAY_MS;

/** Earliest symptom onset reported around the specimen (from the person's own symptom facts), or null. */
function onsetFrom(facts: HealthFact[], specimenMs: number): number | null {
  let best: number | null = null;
  for (const f of facts) {
    if (f.kind !== 'symptom_report') continue;
    const at = Date.parse(f.onsetAt ?? f.occurredAt);
    if (at < specimenMs - ONSET_LOOKBACK_MS || at > specimenMs + DAY_MS) continue;
    if (best === null || at < best) best = at;
  }
  return best;
}

export interface CaseOpening {
  caseId: string;
  opened: boolean;
  retrace: boolean;
}

/**
 * A positive result opens a case for the person, or attaches to their open case. The infectious period starts N days
 * (rule-set parameter) before symptom onset or, failing that, before the specimen was collected; an earlier specimen
 * attached later widens the period and asks for tracing again. Runs in the caller's transaction (the result's).
 */
export async function openOrAttachCase(
  trx: Transaction<DB>,
  ctx: AppContext,
  input: { personId: string; factId: string; specimenAt: Date; actor: AuditActor },
  now: Date,
): Promise<CaseOpening> {
  const scope = await personScope(trx, input.personId);
  if (!scope) throw notFound(`No resident ${input.personId}`);
  const ruleSet = await ruleSetFor(ctx, scope.cityId, now);
  const daysBefore = ruleSet.parameters.infectiousPeriodDaysBefore;
  const open = await openCaseOf(trx, input.personId);
  if (open) {
    const ids = [...(parseJson(open.result_fact_ids) as string[]), input.factId];
    const specimenMs = Math.min(new Date(open.specimen_at).getTime(), input.specimenAt.getTime());
    const onsetMs = open.onset_at ? new Date(open.onset_at).getTime() : null;
    const from = infectiousFrom({ onsetMs, specimenMs, daysBefore });
    const widened = from < new Date(open.infectious_from).getTime();
    await trx
      .updateTable('cases')
      .set({
        result_fact_ids: JSON.stringify(ids),
        specimen_at: new Date(specimenMs),
        infectious_from: new Date(from),
        ...(widened ? { trace_requested_at: now } : {}),
      })
      .where('id', '=', open.id)
      .execute();
    await appendAudit(trx, now, {
      actor: input.actor,
      action: 'case.attach_result',
      subjectKind: 'case',
      subjectId: open.id,
      personId: input.personId,
      purpose: 'tracing',
      detail: { factId: input.factId, infectiousFrom: new Date(from).toISOString(), widened },
    });
    if (widened) await emitEvent(trx, now, 'case.trace_requested', { caseId: open.id }, open.id);
    return { caseId: open.id, opened: false, retrace: widened };
  }

  const specimenMs = input.specimenAt.getTime();
  const onsetMs = onsetFrom(await activeFacts(trx, input.personId), specimenMs);
  const from = infectiousFrom({ onsetMs, specimenMs, daysBefore });
  // The likely source: a case this person was recently found to be a contact of. Its outbreak is this one's.
  const exposures = await trx
    .selectFrom('exposures')
    .select(['case_id', 'window_end', 'degree'])
    .where('person_id', '=', input.personId)
    .where('case_id', 'is not', null)
    .where('state', '!=', 'dismissed')
    .execute();
  const sourceCaseId = likelySource(
    exposures.map((e) => ({ caseId: e.case_id!, endMs: new Date(e.window_end).getTime(), degree: e.degree })),
    specimenMs,
    SOURCE_LOOKBACK_MS,
  );
  const source = sourceCaseId ? await findCase(trx, sourceCaseId) : undefined;
  const caseId = randomUUID();
  let outbreakId = source?.outbreak_id;
  if (!outbreakId) {
    outbreakId = randomUUID();
    await trx
      .insertInto('outbreaks')
      .values({ id: outbreakId, jurisdiction_id: scope.cityId, opened_at: now, index_case_id: caseId })
      .execute();
  }
  await trx
    .insertInto('cases')
    .values({
      id: caseId,
      person_id: input.personId,
      outbreak_id: outbreakId,
      source_case_id: source?.id ?? null,
      state: 'open',
      opened_at: now,
      specimen_at: input.specimenAt,
      onset_at: onsetMs === null ? null : new Date(onsetMs),
      infectious_from: new Date(from),
      result_fact_ids: JSON.stringify([input.factId]),
      trace_requested_at: now,
    })
    .execute();
  await appendAudit(trx, now, {
    actor: input.actor,
    action: 'case.open',
    subjectKind: 'case',
    subjectId: caseId,
    personId: input.personId,
    purpose: 'tracing',
    detail: {
      factId: input.factId,
      outbreakId,
      sourceCaseId: source?.id ?? null,
      infectiousFrom: new Date(from).toISOString(),
    },
  });
  await emitEvent(
    trx,
    now,
    'case.opened',
    { caseId, personId: input.personId, outbreakId, gridCode: scope.gridCode, path: scope.path },
    caseId,
  );
  return { caseId, opened: true, retrace: false };
}

function parseJson(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}

async function caseInScope(ctx: AppContext, principal: Principal, id: string, action: 'case.read' | 'case.manage') {
  const c = await findCase(ctx.db, id);
  if (!c) throw notFound(`No case ${id}`);
  const scope = await personScope(ctx.db, c.person_id);
  const d = authorize(principal, action, { jurisdictionPath: scope?.path ?? null });
  if (!d.allow) throw forbidden(d.reason);
  return { c, scope: scope! };
}

export async function getCase(ctx: AppContext, principal: Principal, id: string, purpose: string) {
  const { c } = await caseInScope(ctx, principal, id, 'case.read');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute((trx) =>
    appendAudit(trx, now, {
      actor: actorOf(principal),
      action: 'case.read',
      subjectKind: 'case',
      subjectId: c.id,
      personId: c.person_id,
      purpose,
    }),
  );
  return presentCase(c);
}

/** An epidemiologist corrects the onset (from the case interview): the infectious period moves and tracing reruns. */
export async function updateCase(
  ctx: AppContext,
  principal: Principal,
  id: string,
  patch: { onsetAt?: string | null | undefined; close?: { note: string } | undefined },
) {
  await publishedRuleSets(ctx);
  const now = ctx.clock.now();
  const { c, scope } = await caseInScope(ctx, principal, id, 'case.manage');
  if (c.state === 'closed') throw conflict(`case ${id} is closed`);
  const ruleSet = await ruleSetFor(ctx, scope.cityId, now);
  return ctx.db.transaction().execute(async (trx) => {
    const changes: Updateable<DB['cases']> = {};
    if (patch.onsetAt !== undefined) {
      const onsetMs = patch.onsetAt === null ? null : Date.parse(patch.onsetAt);
      if (onsetMs !== null && onsetMs > now.getTime())
        throw badRequest('body.onsetAt: the onset cannot be in the future');
      const from = infectiousFrom({
        onsetMs,
        specimenMs: new Date(c.specimen_at).getTime(),
        daysBefore: ruleSet.parameters.infectiousPeriodDaysBefore,
      });
      Object.assign(changes, {
        onset_at: onsetMs === null ? null : new Date(onsetMs),
        infectious_from: new Date(from),
        trace_requested_at: now,
      });
    }
    if (patch.close) Object.assign(changes, { state: 'closed', closed_at: now, close_note: patch.close.note });
    if (Object.keys(changes).length === 0) throw badRequest('body: nothing to change');
    await trx.updateTable('cases').set(changes).where('id', '=', id).execute();
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: patch.close ? 'case.close' : 'case.update',
      subjectKind: 'case',
      subjectId: id,
      personId: c.person_id,
      purpose: 'tracing',
      detail: { onsetAt: patch.onsetAt ?? undefined, closed: Boolean(patch.close) },
    });
    if (patch.onsetAt !== undefined && !patch.close)
      await emitEvent(trx, now, 'case.trace_requested', { caseId: id }, id);
    const row = await findCase(trx, id);
    return presentCase(row!);
  });
}

/**
 * The cases in a health officer's jurisdiction, newest first, with the case's home grid and how many contacts its
 * exposure search found (by review state). Each case listed is an audited read of its person with the stated purpose.
 */
export async function listCases(
  ctx: AppContext,
  principal: Principal,
  filter: { state?: 'open' | 'closed' | undefined; limit: number },
  purpose: AccessPurpose,
) {
  if (principal.kind !== 'staff') throw forbidden('Cases are for health officers.');
  const gate = authorize(principal, 'case.read', { jurisdictionPath: principal.scopePath });
  if (!gate.allow) throw forbidden(gate.reason);
  let q = ctx.db
    .selectFrom('cases')
    .innerJoin('residents', 'residents.id', 'cases.person_id')
    .innerJoin('households', 'households.id', 'residents.household_id')
    .innerJoin('grids', 'grids.code', 'households.grid_code')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
    .selectAll('cases')
    .select(['households.grid_code'])
    .where((eb) =>
      eb.or([
        eb('jurisdictions.path', '=', principal.scopePath),
        eb('jurisdictions.path', 'like', `${principal.scopePath}.%`),
      ]),
    );
  if (filter.state) q = q.where('cases.state', '=', filter.state);
  const rows = await q.orderBy('cases.opened_at', 'desc').orderBy('cases.id').limit(filter.limit).execute();
  const ids = rows.map((r) => r.id);
  const counts = ids.length
    ? await ctx.db
        .selectFrom('exposures')
        .select(['case_id', 'state', (eb) => eb.fn.countAll<string>().as('n')])
        .where('case_id', 'in', ids)
        .groupBy(['case_id', 'state'])
        .execute()
    : [];
  const contacts = new Map<string, { pending: number; confirmed: number; dismissed: number }>();
  for (const c of counts) {
    const k = contacts.get(c.case_id!) ?? { pending: 0, confirmed: 0, dismissed: 0 };
    k[c.state as 'pending' | 'confirmed' | 'dismissed'] = Number(c.n);
    contacts.set(c.case_id!, k);
  }
  const now = ctx.clock.now();
  if (rows.length > 0)
    await ctx.db.transaction().execute((trx) =>
      auditPersonReads(
        trx,
        now,
        principal,
        purpose,
        rows.map((r) => ({ action: 'case.list', subjectKind: 'case', subjectId: r.id, personId: r.person_id })),
      ),
    );
  return rows.map((r) => ({
    ...presentCase(r),
    gridCode: r.grid_code.trim(),
    contacts: contacts.get(r.id) ?? { pending: 0, confirmed: 0, dismissed: 0 },
  }));
}
