import { randomUUID } from 'node:crypto';
import type { Principal } from '../../core/policy/roles.ts';
import { evaluate, type HealthFact } from '../../core/rules/index.ts';
import type { AppContext } from '../../platform/context.ts';
import { conflict, notFound } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { auditSigningKey } from '../audit/audit-keys.ts';
import { personScope } from '../status/person-scope.ts';
import { ruleSetFor } from '../status/rulesets.service.ts';
import { currentStatus } from '../status/status.service.ts';
import { myTransparency } from '../transparency/me-transparency.service.ts';
import { accessLog } from '../transparency/access-log.ts';
import { certifyDeletionTx } from './certificates.service.ts';
import { STORES, type Candidate } from './stores.ts';

type Resident = Extract<Principal, { kind: 'resident' }>;

const parse = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);
const DAY = 24 * 3600_000;
/** How far back contact tracing looks: data younger than this may still be needed if someone you met tests positive. */
export const TRACING_LOOKBACK_DAYS = 14;

/** Everything the system holds about the resident, as one JSON document (audited as the resident's own access). */
export async function exportMyData(ctx: AppContext, me: Resident) {
  const now = ctx.clock.now();
  const person = await ctx.db
    .selectFrom('residents')
    .innerJoin('households', 'households.id', 'residents.household_id')
    .select([
      'residents.id',
      'residents.name',
      'residents.birth_date',
      'residents.phone',
      'residents.national_id_masked',
      'residents.created_at',
      'households.id as household_id',
      'households.address',
      'households.grid_code',
    ])
    .where('residents.id', '=', me.id)
    .executeTakeFirst();
  if (!person) throw notFound('Your resident record was not found.');
  const t = await myTransparency(ctx, me.id);
  const fullLog = [];
  for (let cursor: string | undefined, i = 0; i < 100; i++) {
    const page = await accessLog(ctx, me.id, { cursor, limit: 1000 });
    fullLog.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const [facts, notifications, scans, exposures, cases, requests] = await Promise.all([
    ctx.db
      .selectFrom('health_facts')
      .select(['id', 'data', 'withdrawn_at', 'withdrawn_reason'])
      .where('person_id', '=', me.id)
      .execute(),
    ctx.db.selectFrom('notifications').selectAll().where('person_id', '=', me.id).orderBy('created_at').execute(),
    ctx.db
      .selectFrom('scans')
      .select(['id', 'scanned_at', 'place_id', 'direction'])
      .where('person_id', '=', me.id)
      .orderBy('scanned_at')
      .execute(),
    ctx.db
      .selectFrom('exposures')
      .select([
        'id',
        'case_id',
        'designation_id',
        'degree',
        'place_id',
        'window_start',
        'window_end',
        'state',
        'reason',
      ])
      .where('person_id', '=', me.id)
      .execute(),
    ctx.db
      .selectFrom('cases')
      .select(['id', 'state', 'opened_at', 'closed_at'])
      .where('person_id', '=', me.id)
      .execute(),
    ctx.db.selectFrom('data_requests').selectAll().where('person_id', '=', me.id).execute(),
  ]);
  const id = randomUUID();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('data_requests')
      .values({
        id,
        person_id: me.id,
        kind: 'export',
        created_at: now,
        completed_at: now,
        result: JSON.stringify({ facts: facts.length, scans: scans.length }),
      })
      .execute();
    await appendAudit(trx, now, {
      actor: actorOf(me),
      action: 'data.export',
      subjectKind: 'resident',
      subjectId: me.id,
      personId: me.id,
      purpose: 'self_access',
    });
  });
  const iso = (v: Date | string | null) => (v ? new Date(v).toISOString() : null);
  return {
    format: 'tessera.resident-export.v1',
    exportedAt: now.toISOString(),
    requestId: id,
    person: {
      id: person.id,
      name: person.name,
      birthDate: String(person.birth_date).slice(0, 10),
      phone: person.phone,
      nationalIdMasked: person.national_id_masked,
      registeredAt: iso(person.created_at),
      household: { id: person.household_id, address: person.address, gridCode: person.grid_code },
    },
    status: t.status,
    statusHistory: t.statusHistory,
    facts: facts.map((f) => ({
      ...(parse(f.data) as HealthFact),
      withdrawnAt: iso(f.withdrawn_at),
      withdrawnReason: f.withdrawn_reason,
    })),
    overrides: t.overrides,
    appeals: t.appeals,
    notifications: notifications.map((n) => ({
      kind: n.kind,
      payload: parse(n.payload),
      createdAt: iso(n.created_at),
      readAt: iso(n.read_at),
    })),
    scans: scans.map((s) => ({ id: s.id, at: iso(s.scanned_at), placeId: s.place_id, direction: s.direction })),
    exposures: exposures.map((e) => ({
      id: e.id,
      caseId: e.case_id,
      designationId: e.designation_id,
      degree: e.degree,
      placeId: e.place_id,
      window: { start: iso(e.window_start), end: iso(e.window_end) },
      state: e.state,
      reason: parse(e.reason),
    })),
    cases: cases.map((c) => ({ id: c.id, state: c.state, openedAt: iso(c.opened_at), closedAt: iso(c.closed_at) })),
    dataRequests: requests.map((r) => ({ id: r.id, kind: r.kind, at: iso(r.created_at), result: parse(r.result) })),
    accessLog: fullLog,
  };
}

/**
 * A resident asks to delete what is no longer needed. "Needed" is decided, not asserted: data younger than the tracing
 * look-back, anything an open case or a red or yellow status rests on, the fact behind the vaccination mark and facts
 * under open appeal are kept; and the rest is deleted only if re-evaluating the person without it gives the same
 * status. Each category deleted gets its certificate. Audit entries stay: they are the record of who did what.
 */
export async function requestDeletion(ctx: AppContext, me: Resident) {
  const now = ctx.clock.now();
  const scope = await personScope(ctx.db, me.id);
  if (!scope) throw notFound('Your resident record was not found.');
  const key = await auditSigningKey(ctx);
  if (!key) throw conflict('The system has no audit key to certify a deletion yet.');
  const ruleSet = await ruleSetFor(ctx, scope.cityId, now);
  const cutoff = new Date(now.getTime() - TRACING_LOOKBACK_DAYS * DAY);
  const plan: Array<{ category: string; go: Candidate[]; held: Map<string, string> }> = [];
  for (const store of STORES) {
    // Cases and contacts go with the scheduled purge once the case is closed; photos are not personal records.
    if (!(await store.available(ctx))) continue;
    const due = await personalDue(ctx, store.category, me.id, cutoff);
    if (!due) continue;
    const held = await store.held(ctx, due);
    plan.push({ category: store.category, go: due.filter((c) => !held.has(c.id)), held });
  }
  // Safety net: without the facts about to go, the status must come out the same.
  const facts = plan.find((p) => p.category === 'health_facts');
  if (facts?.go.length) {
    const going = new Set(facts.go.map((c) => c.id.slice('health_fact:'.length)));
    const all = await ctx.db
      .selectFrom('health_facts')
      .select('data')
      .where('person_id', '=', me.id)
      .where('withdrawn_at', 'is', null)
      .execute();
    const parsed = all.map((r) => parse(r.data) as HealthFact);
    const before = evaluate(parsed, ruleSet, now.toISOString());
    const after = evaluate(
      parsed.filter((f) => !going.has(f.id)),
      ruleSet,
      now.toISOString(),
    );
    if (before.color !== after.color || before.vaccinated !== after.vaccinated) {
      for (const c of facts.go) facts.held.set(c.id, 'needed for the current status');
      facts.go = [];
    }
  }
  const status = await currentStatus(ctx, me.id);
  const id = randomUUID();
  const result = await ctx.db.transaction().execute(async (trx) => {
    const out: Array<{
      category: string;
      deleted: number;
      kept: number;
      keptReasons: string[];
      certificateId: string | null;
    }> = [];
    for (const p of plan) {
      const store = STORES.find((s) => s.category === p.category)!;
      let certificateId: string | null = null;
      let deleted = 0;
      if (p.go.length) {
        deleted = await store.remove(trx, p.go);
        const cert = await certifyDeletionTx(trx, now, key, {
          category: p.category,
          ids: p.go.map((c) => c.id),
          times: p.go.map((c) => c.at),
          basis: `resident request ${id}: no longer needed`,
          trigger: `resident_request:${id}`,
        });
        certificateId = cert.certificate.id;
      }
      out.push({
        category: p.category,
        deleted,
        kept: p.held.size,
        keptReasons: [...new Set(p.held.values())],
        certificateId,
      });
    }
    const summary = {
      categories: out,
      status: status.color,
      keptAlways: ['audit entries (accountability record)', 'registry record'],
    };
    await trx
      .insertInto('data_requests')
      .values({
        id,
        person_id: me.id,
        kind: 'deletion',
        created_at: now,
        completed_at: now,
        result: JSON.stringify(summary),
      })
      .execute();
    await appendAudit(trx, now, {
      actor: actorOf(me),
      action: 'data.deletion_request',
      subjectKind: 'resident',
      subjectId: me.id,
      personId: me.id,
      purpose: 'self_access',
      detail: { categories: out.map((o) => ({ category: o.category, deleted: o.deleted, kept: o.kept })) },
    });
    return summary;
  });
  return { requestId: id, ...result };
}

/** One person's records past the tracing look-back, by category, read through indexed per-person queries. */
async function personalDue(
  ctx: AppContext,
  category: string,
  personId: string,
  cutoff: Date,
): Promise<Candidate[] | null> {
  if (category === 'health_facts') {
    const rows = await ctx.db
      .selectFrom('health_facts')
      .select(['id', 'recorded_at', 'withdrawn_at'])
      .where('person_id', '=', personId)
      .execute();
    // Withdrawn facts no longer count for anything, whatever their age.
    return rows
      .filter((r) => new Date(r.recorded_at) <= cutoff || r.withdrawn_at !== null)
      .map((r) => ({ id: `health_fact:${r.id}`, at: new Date(r.recorded_at), personId }));
  }
  if (category === 'statuses') {
    const rows = await ctx.db
      .selectFrom('status_history')
      .select(['id', 'changed_at'])
      .where('person_id', '=', personId)
      .orderBy('id', 'desc')
      .execute();
    return rows
      .slice(1)
      .filter((r) => new Date(r.changed_at) <= cutoff)
      .map((r) => ({ id: `status_history:${r.id}`, at: new Date(r.changed_at), personId }));
  }
  if (category === 'scans') {
    const rows = await ctx.db
      .selectFrom('scans')
      .select(['id', 'scanned_at'])
      .where('person_id', '=', personId)
      .where('scanned_at', '<=', cutoff)
      .execute();
    return rows.map((r) => ({ id: `scan:${r.id}`, at: new Date(r.scanned_at), personId }));
  }
  return null;
}
