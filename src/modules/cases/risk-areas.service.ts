import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import { riskVisitReason } from '../../core/tracing/reasons.ts';
import { contactWindowMs, DAY_MS, utcDay } from '../../core/tracing/windows.ts';
import type { AppContext } from '../../platform/context.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { cityOfPath } from '../status/person-scope.ts';
import { publishedRuleSets, ruleSetFor } from '../status/rulesets.service.ts';
import { linkFacts, recordExposureFacts } from './exposure-facts.ts';

/** How long a designation stays published after its risk window by default (the yellow period of its visitors). */
const DEFAULT_PUBLISHED_DAYS_AFTER = 14;
const MAX_WINDOW_DAYS = 28;

export interface DesignationInput {
  areaKind: 'place' | 'grid' | 'jurisdiction';
  areaId: string;
  from: string;
  until: string;
  expiresAt?: string | undefined;
  caseIds: string[];
  note: string;
}

async function areaOf(ctx: AppContext, kind: DesignationInput['areaKind'], id: string) {
  if (kind === 'place') {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const p = await ctx.db
      .selectFrom('places')
      .innerJoin('grids', 'grids.code', 'places.grid_code')
      .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
      .select(['places.name_zh', 'places.name_en', 'jurisdictions.path'])
      .where('places.id', '=', id)
      .executeTakeFirst();
    return p ? { zh: p.name_zh, en: p.name_en, path: p.path } : null;
  }
  if (kind === 'grid') {
    const g = await ctx.db
      .selectFrom('grids')
      .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
      .select(['grids.name_zh', 'grids.name_en', 'jurisdictions.path'])
      .where('grids.code', '=', id)
      .executeTakeFirst();
    return g ? { zh: g.name_zh, en: g.name_en, path: g.path } : null;
  }
  const j = await ctx.db
    .selectFrom('jurisdictions')
    .select(['name_zh', 'name_en', 'path'])
    .where('id', '=', id)
    .executeTakeFirst();
  return j ? { zh: j.name_zh, en: j.name_en, path: j.path } : null;
}

/**
 * A health officer designates a place, grid or jurisdiction as a risk area for a time window, citing the cases that
 * justify it. The designation is public until it expires; everyone who scanned a place in the area during the window
 * gets a risk-place exposure (yellow under the default rules). Visitors whose scans arrive later are picked up by the
 * sweep job.
 */
export async function designateRiskArea(ctx: AppContext, principal: Principal, input: DesignationInput) {
  if (principal.kind !== 'staff') throw forbidden('Risk areas are designated by health officers.');
  const fail = (field: string, message: string): never => {
    throw unprocessable(`body.${field}: ${message}`, { errors: [{ field: `body.${field}`, message }] });
  };
  const area = await areaOf(ctx, input.areaKind, input.areaId);
  if (!area) throw notFound(`body.areaId: no ${input.areaKind} ${input.areaId}`);
  const d = authorize(principal, 'risk_area.designate', { jurisdictionPath: area.path });
  if (!d.allow) throw forbidden(d.reason);
  const now = ctx.clock.now();
  const from = new Date(input.from);
  const until = new Date(input.until);
  if (until <= from) fail('until', 'the risk window must end after it starts');
  if (until.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS)
    fail('until', `a risk window is at most ${MAX_WINDOW_DAYS} days; designate again to extend it`);
  if (from.getTime() > now.getTime()) fail('from', 'a risk window cannot start in the future');
  const expiresAt = input.expiresAt
    ? new Date(input.expiresAt)
    : new Date(until.getTime() + DEFAULT_PUBLISHED_DAYS_AFTER * DAY_MS);
  if (expiresAt < until) fail('expiresAt', 'a designation must stay published at least until its window ends');
  if (input.caseIds.length === 0) fail('caseIds', 'cite at least one case: a risk area needs an epidemiological basis');
  const cases = await ctx.db.selectFrom('cases').select('id').where('id', 'in', input.caseIds).execute();
  const unknown = input.caseIds.filter((id) => !cases.some((c) => c.id === id));
  if (unknown.length) fail('caseIds', `no case ${unknown.join(', ')}`);
  const id = randomUUID();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('risk_designations')
      .values({
        id,
        area_kind: input.areaKind,
        area_id: input.areaId,
        area_name_zh: area.zh,
        area_name_en: area.en,
        area_path: area.path,
        risk_from: from,
        risk_until: until,
        expires_at: expiresAt,
        case_ids: JSON.stringify([...new Set(input.caseIds)]),
        note: input.note,
        designated_by: principal.id,
        designated_at: now,
      })
      .execute();
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: 'risk_area.designate',
      subjectKind: 'risk_designation',
      subjectId: id,
      detail: {
        areaKind: input.areaKind,
        areaId: input.areaId,
        from: input.from,
        until: input.until,
        caseIds: input.caseIds,
      },
    });
    await emitEvent(trx, now, 'risk_area.designated', { id, areaKind: input.areaKind, areaId: input.areaId }, id);
  });
  const swept = await sweepRiskArea(ctx, id);
  return { ...(await getDesignation(ctx, id, true)), visitorsExposed: swept };
}

export async function revokeRiskArea(ctx: AppContext, principal: Principal, id: string, note: string) {
  if (principal.kind !== 'staff') throw forbidden('Risk areas are managed by health officers.');
  const row = await ctx.db.selectFrom('risk_designations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`No risk area ${id}`);
  const d = authorize(principal, 'risk_area.designate', { jurisdictionPath: row.area_path });
  if (!d.allow) throw forbidden(d.reason);
  if (row.revoked_at) throw conflict(`risk area ${id} was already revoked`);
  if (note.trim().length < 5) throw badRequest('body.note: say why the designation is revoked');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('risk_designations')
      .set({ revoked_at: now, revoked_by: principal.id, revoke_note: note.trim() })
      .where('id', '=', id)
      .execute();
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: 'risk_area.revoke',
      subjectKind: 'risk_designation',
      subjectId: id,
      detail: { note: note.trim() },
    });
  });
  return getDesignation(ctx, id, true);
}

/**
 * Gives everyone who scanned a place in the area during the risk window a risk-place exposure (once per designation and
 * person, for their last visit). Returns how many were newly exposed.
 */
export async function sweepRiskArea(ctx: AppContext, id: string): Promise<number> {
  await publishedRuleSets(ctx);
  const now = ctx.clock.now();
  const des = await ctx.db.selectFrom('risk_designations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!des || des.revoked_at) return 0;
  const from = new Date(des.risk_from);
  const until = new Date(Math.min(new Date(des.risk_until).getTime(), now.getTime()));
  if (until < from) return 0;
  const placeFilter =
    des.area_kind === 'place'
      ? sql`p.id = ${des.area_id}::uuid`
      : des.area_kind === 'grid'
        ? sql`p.grid_code = ${des.area_id}`
        : sql`(j.path = ${des.area_path} or j.path like ${`${des.area_path}.%`})`;
  // Each visitor's last visit in the window, at a place inside the area.
  const visits = await sql<{
    person_id: string;
    place_id: string;
    scanned_at: Date;
    category: string;
    name_zh: string;
    name_en: string;
  }>`
    select distinct on (s.person_id) s.person_id, s.place_id, s.scanned_at, p.category, p.name_zh, p.name_en
    from places p
    join grids g on g.code = p.grid_code
    join jurisdictions j on j.id = g.community_id
    join scans s on s.place_id = p.id
      and s.scanned_at between ${from.toISOString()}::timestamptz and ${until.toISOString()}::timestamptz
      and s.scanned_day between ${utcDay(from.getTime())}::date and ${utcDay(until.getTime())}::date
    where ${placeFilter}
      and not exists (select 1 from exposures e where e.designation_id = ${id}::uuid and e.person_id = s.person_id)
    order by s.person_id, s.scanned_at desc`.execute(ctx.db);
  const cityId = cityOfPath(des.area_path);
  const ruleSet = await ruleSetFor(ctx, cityId, now);
  const area = { zh: des.area_name_zh, en: des.area_name_en };
  let exposed = 0;
  await ctx.db.transaction().execute(async (trx) => {
    const created: Array<{ id: string; personId: string; placeId: string; at: Date; end: Date; reason: string }> = [];
    for (const v of visits.rows) {
      const at = new Date(v.scanned_at);
      const end = new Date(at.getTime() + contactWindowMs(ruleSet.parameters, v.category));
      const exposureId = randomUUID();
      const reason = JSON.stringify(
        riskVisitReason(
          area,
          { zh: v.name_zh, en: v.name_en },
          at.getTime(),
          new Date(des.risk_from).getTime(),
          new Date(des.risk_until).getTime(),
          ruleSet.timeZone,
        ),
      );
      const inserted = await trx
        .insertInto('exposures')
        .values({
          id: exposureId,
          designation_id: id,
          person_id: v.person_id,
          degree: 'risk_place',
          place_id: v.place_id,
          contact_scan_id: null,
          contact_scanned_at: at,
          window_start: at,
          window_end: end,
          encounters: 1,
          evidence: JSON.stringify([{ placeId: v.place_id, contactAt: at.toISOString() }]),
          reason,
          state: 'confirmed',
          created_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['designation_id', 'person_id']).where('designation_id', 'is not', null).doNothing(),
        )
        .returning('id')
        .executeTakeFirst();
      if (inserted) created.push({ id: exposureId, personId: v.person_id, placeId: v.place_id, at, end, reason });
    }
    const factIds = await recordExposureFacts(
      trx,
      ctx,
      created.map((c) => ({
        reason: JSON.parse(c.reason) as Record<string, string>,
        personId: c.personId,
        degree: 'risk_place' as const,
        caseId: null,
        placeId: des.area_kind === 'place' ? des.area_id : c.placeId,
        windowStart: c.at,
        windowEnd: c.end,
        provenance: { source: 'officer' as const, officerId: des.designated_by },
      })),
      'system',
      now,
    );
    await linkFacts(
      trx,
      created.map((c) => c.id),
      factIds,
    );
    exposed = created.length;
    await trx.updateTable('risk_designations').set({ swept_at: now }).where('id', '=', id).execute();
    if (exposed > 0)
      await appendAudit(trx, now, {
        actor: { kind: 'system', id: 'tracing' },
        action: 'risk_area.sweep',
        subjectKind: 'risk_designation',
        subjectId: id,
        purpose: 'tracing',
        detail: { exposed },
      });
  });
  return exposed;
}

/** Sweeps every designation still in force whose window was not fully covered at its last sweep (late uploads). */
export async function sweepActiveRiskAreas(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .selectFrom('risk_designations')
    .select('id')
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .execute();
  let n = 0;
  for (const d of due) n += await sweepRiskArea(ctx, d.id);
  return n;
}

function present(
  r: {
    id: string;
    area_kind: string;
    area_id: string;
    area_name_zh: string;
    area_name_en: string;
    risk_from: Date | string;
    risk_until: Date | string;
    expires_at: Date | string;
    case_ids: unknown;
    note: string;
    designated_at: Date | string;
    revoked_at: Date | string | null;
  },
  staff: boolean,
  now: Date,
) {
  const caseIds = (typeof r.case_ids === 'string' ? JSON.parse(r.case_ids) : r.case_ids) as string[];
  const expiresAt = new Date(r.expires_at);
  return {
    id: r.id,
    areaKind: r.area_kind,
    areaId: r.area_id,
    nameZh: r.area_name_zh,
    nameEn: r.area_name_en,
    riskFrom: new Date(r.risk_from).toISOString(),
    riskUntil: new Date(r.risk_until).toISOString(),
    expiresAt: expiresAt.toISOString(),
    designatedAt: new Date(r.designated_at).toISOString(),
    /** The public sees how many cases ground the designation; staff see which. */
    basis: { cases: caseIds.length, caseIds: staff ? caseIds : null },
    note: r.note,
    active: !r.revoked_at && expiresAt > now,
    revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
  };
}

async function getDesignation(ctx: AppContext, id: string, staff: boolean) {
  const r = await ctx.db.selectFrom('risk_designations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound(`No risk area ${id}`);
  return present(r, staff, ctx.clock.now());
}

/** The public list: designations in force (or, on request, also expired and revoked ones). */
export async function listRiskAreas(ctx: AppContext, opts: { includeInactive: boolean; staff: boolean }) {
  const now = ctx.clock.now();
  let q = ctx.db.selectFrom('risk_designations').selectAll();
  if (!opts.includeInactive) q = q.where('revoked_at', 'is', null).where('expires_at', '>', now);
  const rows = await q.orderBy('designated_at', 'desc').limit(1000).execute();
  return rows.map((r) => present(r, opts.staff, now));
}
