import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { closeContacts, secondaryContacts, type TracedContact } from '../../core/tracing/contacts.ts';
import type { ScanRef } from '../../core/tracing/overlap.ts';
import { contactReason } from '../../core/tracing/reasons.ts';
import { contactWindowMs } from '../../core/tracing/windows.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { placesById, type PlaceInfo } from '../scans/place-directory.ts';
import { scansNear, scansOfPersons, type ScanRow } from '../scans/scans.repository.ts';
import { personScope } from '../status/person-scope.ts';
import { publishedRuleSets, ruleSetFor } from '../status/rulesets.service.ts';
import { casesDueForTracing, findCase } from './cases.repository.ts';
import { linkFacts, recordExposureFacts } from './exposure-facts.ts';
import { holdsForReview, reviewSettings } from './review-settings.ts';

/** Encounters kept as evidence on an exposure (the last one is always among them). */
const MAX_EVIDENCE = 50;
/** Case-level lock so two processes never trace the same case at once. */
const TRACE_LOCK = 7_400_100;

export interface TraceReport {
  caseId: string;
  caseScans: number;
  close: number;
  secondary: number;
  created: number;
  updated: number;
  held: number;
  ms: { search: number; record: number; total: number };
}

const toRef = (s: ScanRow): ScanRef => ({
  id: s.id,
  personId: s.person_id,
  placeId: s.place_id,
  atMs: new Date(s.scanned_at).getTime(),
});

/**
 * Finds a case's close and secondary contacts from scans and records them as exposures. Close contacts: everyone who
 * scanned a place the case scanned during its infectious period, within the place's window. Secondary contacts: everyone
 * who met a close contact, in the same way, after that close contact was exposed. Re-running is safe: known exposures
 * are kept, new ones are added, and a later encounter with a known contact moves their exposure (and quarantine) on.
 */
export interface ExposureSearch {
  caseScans: ScanRef[];
  close: TracedContact[];
  secondary: TracedContact[];
  places: Map<string, PlaceInfo>;
}

/**
 * The search alone (no writes): close contacts from the case's scans in its infectious period, then secondary contacts
 * from the close contacts' scans after their exposure. Three or four statements whatever the number of scans.
 */
export async function searchExposures(
  ctx: AppContext,
  c: { person_id: string; infectious_from: Date | string },
  parameters: Parameters<typeof contactWindowMs>[0],
  until: Date,
  opts: { secondary?: boolean } = {},
): Promise<ExposureSearch> {
  const places = new Map<string, PlaceInfo>();
  const loadPlaces = async (ids: Iterable<string>) => {
    const missing = [...new Set(ids)].filter((id) => !places.has(id));
    for (const [id, p] of await placesById(ctx, missing)) places.set(id, p);
  };
  // A scan at a place that has since been deleted keeps the default window.
  const windowOf = (placeId: string) => contactWindowMs(parameters, places.get(placeId)?.category ?? 'default');
  const probe = (scans: ScanRef[]) =>
    scans.map((s) => ({ placeId: s.placeId, at: new Date(s.atMs), windowMs: windowOf(s.placeId) }));

  const caseScans = (await scansOfPersons(ctx.db, [c.person_id], new Date(c.infectious_from), until)).map(toRef);
  await loadPlaces(caseScans.map((s) => s.placeId));
  const near = (await scansNear(ctx.db, probe(caseScans))).map(toRef);
  const close = closeContacts(c.person_id, caseScans, near, windowOf);

  let secondary: TracedContact[] = [];
  if (close.length > 0 && opts.secondary !== false) {
    const exposedFrom = new Map(close.map((k) => [k.personId, k.first.startMs]));
    const earliest = Math.min(...exposedFrom.values());
    const contactScans = (await scansOfPersons(ctx.db, [...exposedFrom.keys()], new Date(earliest), until))
      .map(toRef)
      .filter((s) => s.atMs >= exposedFrom.get(s.personId)! - windowOf(s.placeId));
    await loadPlaces(contactScans.map((s) => s.placeId));
    const near2 = (await scansNear(ctx.db, probe(contactScans))).map(toRef);
    secondary = secondaryContacts(c.person_id, close, contactScans, near2, windowOf);
  }
  await loadPlaces([...close, ...secondary].map((k) => k.last.placeId));
  return { caseScans, close, secondary, places };
}

/**
 * Finds a case's close and secondary contacts from scans and records them as exposures. Close contacts: everyone who
 * scanned a place the case scanned during its infectious period, within the place's window. Secondary contacts: everyone
 * who met a close contact, in the same way, after that close contact was exposed. Re-running is safe: known exposures
 * are kept, new ones are added, and a later encounter with a known contact moves their exposure (and quarantine) on.
 */
export async function traceCase(ctx: AppContext, caseId: string): Promise<TraceReport | null> {
  const t0 = performance.now();
  await publishedRuleSets(ctx);
  const now = ctx.clock.now();
  const c = await findCase(ctx.db, caseId);
  if (!c || c.state !== 'open') return null;
  const scope = await personScope(ctx.db, c.person_id);
  if (!scope) return null;
  const ruleSet = await ruleSetFor(ctx, scope.cityId, now);
  const { caseScans, close, secondary, places } = await searchExposures(ctx, c, ruleSet.parameters, now);
  const tSearch = performance.now();

  const settings = await reviewSettings(ctx.db);
  const result = await ctx.db.transaction().execute(async (trx) => {
    const locked = await sql<{
      ok: boolean;
    }>`select pg_try_advisory_xact_lock(${TRACE_LOCK}, hashtext(${caseId})) as ok`.execute(trx);
    if (!locked.rows[0]?.ok) return null;
    return persist(trx, ctx, {
      caseId,
      contacts: [...close, ...secondary],
      places,
      timeZone: ruleSet.timeZone,
      settings,
      now,
      stats: { caseScans: caseScans.length, close: close.length, secondary: secondary.length },
    });
  });
  if (!result) return null;
  const t1 = performance.now();
  return {
    caseId,
    caseScans: caseScans.length,
    close: close.length,
    secondary: secondary.length,
    ...result,
    ms: { search: round(tSearch - t0), record: round(t1 - tSearch), total: round(t1 - t0) },
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

async function persist(
  trx: Transaction<DB>,
  ctx: AppContext,
  input: {
    caseId: string;
    contacts: TracedContact[];
    places: Map<string, PlaceInfo>;
    timeZone: string;
    settings: Awaited<ReturnType<typeof reviewSettings>>;
    now: Date;
    stats: { caseScans: number; close: number; secondary: number };
  },
): Promise<{ created: number; updated: number; held: number }> {
  const { caseId, now } = input;
  const existing = await trx
    .selectFrom('exposures')
    .select(['id', 'person_id', 'degree', 'state', 'window_end', 'fact_id'])
    .where('case_id', '=', caseId)
    .execute();
  const known = new Map(existing.map((e) => [`${e.person_id}|${e.degree}`, e]));
  const live = existing.filter((e) => e.state !== 'dismissed').length;
  const fresh = input.contacts.filter((k) => !known.has(`${k.personId}|${k.degree}`));
  const hold = holdsForReview(input.settings, live + fresh.length);

  const rowOf = (k: TracedContact) => {
    const last = k.last;
    const place = input.places.get(last.placeId);
    const name = place ? { zh: place.nameZh, en: place.nameEn } : { zh: '已注销场所', en: 'a deregistered place' };
    return {
      place_id: place ? last.placeId : null,
      via_person_id: k.degree === 'secondary' ? last.source.personId : null,
      source_person_id: last.source.personId,
      source_scan_id: last.source.id,
      source_scanned_at: new Date(last.source.atMs),
      contact_scan_id: last.contact.id,
      contact_scanned_at: new Date(last.contact.atMs),
      window_start: new Date(last.startMs),
      window_end: new Date(last.endMs),
      encounters: k.encounters.length,
      evidence: JSON.stringify(
        k.encounters.slice(-MAX_EVIDENCE).map((e) => ({
          placeId: e.placeId,
          sourcePersonId: e.source.personId,
          sourceScanId: e.source.id,
          sourceAt: new Date(e.source.atMs).toISOString(),
          contactScanId: e.contact.id,
          contactAt: new Date(e.contact.atMs).toISOString(),
          start: new Date(e.startMs).toISOString(),
          end: new Date(e.endMs).toISOString(),
        })),
      ),
      reason: JSON.stringify(
        contactReason(k.degree, name, last.startMs, last.endMs, input.timeZone, k.encounters.length),
      ),
    };
  };

  let created = 0;
  let updated = 0;
  let held = 0;
  const toRecord: Array<{ exposureId: string; k: TracedContact; reason: string }> = [];
  const rows = fresh.map((k) => ({
    id: randomUUID(),
    case_id: caseId,
    person_id: k.personId,
    degree: k.degree,
    state: hold ? ('pending' as const) : ('confirmed' as const),
    created_at: now,
    ...rowOf(k),
  }));
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await trx.insertInto('exposures').values(chunk).execute();
  }
  created = rows.length;
  if (hold) held = rows.length;
  else rows.forEach((r, i) => toRecord.push({ exposureId: r.id, k: fresh[i]!, reason: r.reason }));

  // A later encounter with someone already found: their last contact (and quarantine) moves on.
  for (const k of input.contacts) {
    const e = known.get(`${k.personId}|${k.degree}`);
    if (!e || e.state === 'dismissed' || k.last.endMs <= new Date(e.window_end).getTime()) continue;
    const row = rowOf(k);
    await trx.updateTable('exposures').set(row).where('id', '=', e.id).execute();
    updated++;
    if (e.state === 'confirmed') toRecord.push({ exposureId: e.id, k, reason: row.reason });
  }

  const factIds = await recordExposureFacts(
    trx,
    ctx,
    toRecord.map(({ k, reason }) => ({
      reason: JSON.parse(reason) as Record<string, string>,
      personId: k.personId,
      degree: k.degree,
      caseId,
      placeId: input.places.has(k.last.placeId) ? k.last.placeId : null,
      windowStart: new Date(k.last.startMs),
      windowEnd: new Date(k.last.endMs),
      provenance: { source: 'case' as const, caseId },
    })),
    'system',
    now,
  );
  await linkFacts(
    trx,
    toRecord.map((r) => r.exposureId),
    factIds,
  );

  const stats = { ...input.stats, created, updated, held, at: now.toISOString() };
  await trx
    .updateTable('cases')
    .set({ traced_at: now, trace_stats: JSON.stringify(stats) })
    .where('id', '=', caseId)
    .execute();
  await appendAudit(trx, now, {
    actor: { kind: 'system', id: 'tracing' },
    action: 'case.trace',
    subjectKind: 'case',
    subjectId: caseId,
    purpose: 'tracing',
    detail: stats,
  });
  await emitEvent(trx, now, 'case.traced', { caseId, ...stats }, caseId);
  if (held > 0) await emitEvent(trx, now, 'exposures.review_needed', { caseId, pending: held }, caseId);
  return { created, updated, held };
}

/** Traces every open case that asked for it; the safety net behind the event subscription. */
export async function runPendingTracing(ctx: AppContext, limit = 50): Promise<TraceReport[]> {
  const due = await casesDueForTracing(ctx.db, limit);
  const out: TraceReport[] = [];
  for (const d of due) {
    const r = await traceCase(ctx, d.id);
    if (r) out.push(r);
  }
  return out;
}
