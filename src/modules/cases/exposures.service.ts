import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AccessPurpose } from '../../core/policy/purposes.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Database } from '../../platform/database/database.ts';
import { badRequest, forbidden, notFound } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAuditMany, type AuditInput } from '../audit/audit.repository.ts';
import { auditPersonReads } from '../registry/registry.access.ts';
import { publishedRuleSets } from '../status/rulesets.service.ts';
import { recordExposureFacts, withdrawFact } from './exposure-facts.ts';

function exposureRows(db: Database) {
  return db
    .selectFrom('exposures')
    .leftJoin('places', 'places.id', 'exposures.place_id')
    .innerJoin('residents', 'residents.id', 'exposures.person_id')
    .innerJoin('households', 'households.id', 'residents.household_id')
    .innerJoin('grids', 'grids.code', 'households.grid_code')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
    .select([
      'exposures.id',
      'exposures.case_id',
      'exposures.designation_id',
      'exposures.person_id',
      'exposures.degree',
      'exposures.via_person_id',
      'exposures.place_id',
      'exposures.source_person_id',
      'exposures.source_scan_id',
      'exposures.source_scanned_at',
      'exposures.contact_scan_id',
      'exposures.contact_scanned_at',
      'exposures.window_start',
      'exposures.window_end',
      'exposures.encounters',
      'exposures.evidence',
      'exposures.reason',
      'exposures.state',
      'exposures.fact_id',
      'exposures.created_at',
      'exposures.decided_by',
      'exposures.decided_at',
      'exposures.decision_note',
      'places.name_zh as place_name_zh',
      'places.name_en as place_name_en',
      'households.grid_code',
      'jurisdictions.path',
    ]);
}
type ExposureRow = Awaited<ReturnType<ReturnType<typeof exposureRows>['execute']>>[number];

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

export function presentExposure(e: ExposureRow, forStaff = true) {
  return {
    id: e.id,
    caseId: forStaff ? e.case_id : null,
    designationId: e.designation_id,
    personId: e.person_id,
    degree: e.degree,
    viaPersonId: forStaff ? e.via_person_id : null,
    place: e.place_id ? { id: e.place_id, nameZh: e.place_name_zh, nameEn: e.place_name_en } : null,
    window: { start: iso(e.window_start)!, end: iso(e.window_end)! },
    encounters: e.encounters,
    // Both scans, for the epidemiologist to check; a resident sees only when and where.
    scans: forStaff
      ? {
          source: { id: e.source_scan_id, personId: e.source_person_id, at: iso(e.source_scanned_at) },
          contact: { id: e.contact_scan_id, at: iso(e.contact_scanned_at) },
        }
      : null,
    evidence: forStaff ? (parse(e.evidence) as unknown[]) : null,
    reason: parse(e.reason) as Record<string, string>,
    state: e.state,
    factId: e.fact_id,
    gridCode: forStaff ? e.grid_code.trim() : null,
    createdAt: iso(e.created_at)!,
    decidedBy: forStaff ? e.decided_by : null,
    decidedAt: iso(e.decided_at),
    decisionNote: e.decision_note,
  };
}
export type ExposureView = ReturnType<typeof presentExposure>;

/**
 * Exposures for epidemiologists within their jurisdiction: a case's, or every pending one awaiting review. Each person
 * listed is an audited read with the stated purpose.
 */
export async function listExposures(
  ctx: AppContext,
  principal: Principal,
  filter: { caseId?: string | undefined; state?: 'pending' | 'confirmed' | 'dismissed' | undefined; limit: number },
  purpose: AccessPurpose,
) {
  if (principal.kind !== 'staff') throw forbidden('Exposures are for health officers.');
  const gate = authorize(principal, 'case.read', { jurisdictionPath: principal.scopePath });
  if (!gate.allow) throw forbidden(gate.reason);
  let q = exposureRows(ctx.db).where((eb) =>
    eb.or([
      eb('jurisdictions.path', '=', principal.scopePath),
      eb('jurisdictions.path', 'like', `${principal.scopePath}.%`),
    ]),
  );
  if (filter.caseId) q = q.where('exposures.case_id', '=', filter.caseId);
  if (filter.state) q = q.where('exposures.state', '=', filter.state);
  const rows = await q.orderBy('exposures.created_at').orderBy('exposures.id').limit(filter.limit).execute();
  const now = ctx.clock.now();
  if (rows.length > 0)
    await ctx.db.transaction().execute((trx) =>
      auditPersonReads(
        trx,
        now,
        principal,
        purpose,
        rows.map((r) => ({ action: 'exposure.read', subjectKind: 'exposure', subjectId: r.id, personId: r.person_id })),
      ),
    );
  return rows.map((r) => presentExposure(r));
}

/** A resident's own exposures: where, when and why, in both languages. */
export async function myExposures(ctx: AppContext, personId: string) {
  const rows = await exposureRows(ctx.db)
    .where('exposures.person_id', '=', personId)
    .where('exposures.state', '=', 'confirmed')
    .orderBy('exposures.window_end', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => presentExposure(r, false));
}

/**
 * Confirms or dismisses exposures. Confirming a pending exposure records its fact (through the facts service, as the
 * reviewing officer); dismissing one that already took effect withdraws its fact, so the status is recomputed without it.
 * A dismissal must say why.
 */
export async function decideExposures(
  ctx: AppContext,
  principal: Principal,
  input: { ids: string[]; decision: 'confirm' | 'dismiss'; note: string },
) {
  if (principal.kind !== 'staff') throw forbidden('Exposures are reviewed by health officers.');
  const note = input.note.trim();
  if (input.decision === 'dismiss' && note.length < 5)
    throw badRequest('body.note: say why the exposure is dismissed (at least 5 characters)', {
      errors: [{ field: 'body.note', message: 'say why the exposure is dismissed (at least 5 characters)' }],
    });
  await publishedRuleSets(ctx);
  const rows = await exposureRows(ctx.db).where('exposures.id', 'in', input.ids).execute();
  const found = new Map(rows.map((r) => [r.id, r]));
  const missing = input.ids.filter((id) => !found.has(id));
  if (missing.length) throw notFound(`No exposure ${missing.join(', ')}`);
  for (const r of rows) {
    const d = authorize(principal, 'exposure.review', { jurisdictionPath: r.path });
    if (!d.allow) throw forbidden(`exposure ${r.id}: ${d.reason}`);
  }
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const confirm = input.decision === 'confirm' ? rows.filter((r) => r.state !== 'confirmed') : [];
    const factIds = await recordExposureFacts(
      trx,
      ctx,
      confirm.map((r) => ({
        reason: parse(r.reason) as Record<string, string>,
        personId: r.person_id,
        degree: r.degree,
        caseId: r.case_id,
        placeId: r.place_id,
        windowStart: new Date(r.window_start),
        windowEnd: new Date(r.window_end),
        provenance: r.case_id
          ? { source: 'case' as const, caseId: r.case_id }
          : { source: 'officer' as const, officerId: principal.id },
      })),
      principal,
      now,
    );
    const newFact = new Map(confirm.map((r, i) => [r.id, factIds[i]!]));
    const out: Array<{ id: string; state: string; factId: string | null; changed: boolean }> = [];
    const audits: AuditInput[] = [];
    for (const r of rows) {
      let factId = newFact.get(r.id) ?? r.fact_id;
      let state = r.state;
      if (input.decision === 'confirm') state = 'confirmed';
      else if (r.state !== 'dismissed') {
        if (r.state === 'confirmed' && r.fact_id)
          await withdrawFact(trx, ctx, r.fact_id, r.person_id, `exposure dismissed: ${note}`, now);
        state = 'dismissed';
        factId = r.fact_id;
      }
      const changed = state !== r.state;
      if (changed) {
        await trx
          .updateTable('exposures')
          .set({ state, fact_id: factId, decided_by: principal.id, decided_at: now, decision_note: note || null })
          .where('id', '=', r.id)
          .execute();
        audits.push({
          actor: actorOf(principal),
          action: input.decision === 'confirm' ? 'exposure.confirm' : 'exposure.dismiss',
          subjectKind: 'exposure',
          subjectId: r.id,
          personId: r.person_id,
          purpose: 'tracing',
          detail: { caseId: r.case_id, degree: r.degree, from: r.state, note: note || null },
        });
      }
      out.push({ id: r.id, state, factId, changed });
    }
    await appendAuditMany(trx, now, audits);
    return { items: out };
  });
}
