import { sql } from 'kysely';
import type { AnomalyThresholds } from '../../core/anomaly/thresholds.ts';
import type { AppContext } from '../../platform/context.ts';
import type { BusEvent } from '../../platform/events/bus.ts';
import { Detectors, type DetectionOutcome } from './detectors.ts';
import { SupportChecker } from './support.ts';

const started = new WeakSet<AppContext['bus']>();
const LOOK_AGAIN_MS = 2_000;

/**
 * Continuous detection: the detectors run on the event stream as facts, statuses and overrides change. Returns a
 * function that stops it. Idempotent per bus, so every server process runs it exactly once.
 */
export function startAnomalyDetection(ctx: AppContext, thresholds?: AnomalyThresholds): () => void {
  if (started.has(ctx.bus)) return () => {};
  started.add(ctx.bus);
  const d = new Detectors(ctx, thresholds);
  // A rule-set recomputation emits one event per changed person: count them and look once per batch of that size.
  const flips = new Map<string, number>();
  // Tracing can record thousands of exposures in one go: look at the same fact pattern at most once per couple of
  // seconds of event time (one look after a bulk write already sees all of it, as it runs after the commit).
  const lastLook = new Map<string, number>();
  const due = (key: string, at: Date) => {
    const prev = lastLook.get(key);
    if (prev !== undefined && at.getTime() - prev < LOOK_AGAIN_MS) return false;
    lastLook.set(key, at.getTime());
    if (lastLook.size > 50_000) lastLook.clear();
    return true;
  };
  // What was skipped is looked at once more shortly after, so the tail of a burst is not missed.
  const deferred = new Map<string, () => Promise<void>>();
  const later = (key: string, look: () => Promise<void>) => {
    if (!deferred.has(key))
      setTimeout(() => {
        const f = deferred.get(key);
        deferred.delete(key);
        f?.().catch((err: unknown) => ctx.logger.error({ err }, 'deferred anomaly check failed'));
      }, LOOK_AGAIN_MS).unref();
    deferred.set(key, look);
  };
  const onFact = async (e: BusEvent) => {
    const factId = String(e.payload.factId ?? '');
    if (!factId) return;
    const recorder = String(e.payload.recordedBy ?? '');
    const scopeKey = `scope:${recorder}:${String(e.payload.gridCode ?? '')}`;
    const scope = () => d.recorderScope(factId, e.createdAt);
    if (due(scopeKey, e.createdAt)) await scope();
    else later(scopeKey, scope);
    if (e.payload.kind !== 'exposure') return;
    const burstKey = `exposure:${recorder}`;
    const burst = () => d.exposureBurst(factId, e.createdAt);
    if (due(burstKey, e.createdAt)) await burst();
    else later(burstKey, burst);
  };
  const onStatus = async (e: BusEvent) => {
    const personId = String(e.payload.personId ?? '');
    if (personId && e.payload.to !== 'green') await d.statusChain(personId, e.createdAt);
    const ruleSet = String(e.payload.ruleSet ?? '');
    if (e.payload.cause === 'ruleset' && e.payload.colorChanged && ruleSet.includes('@')) {
      const n = (flips.get(ruleSet) ?? 0) + 1;
      flips.set(ruleSet, n);
      if (n % d.t.massFlipMinPeople === 0) {
        const at = ruleSet.lastIndexOf('@');
        await d.massFlip(ruleSet.slice(0, at), Number(ruleSet.slice(at + 1)), e.createdAt);
      }
    }
  };
  const onOverride = async (e: BusEvent) => {
    const id = String(e.payload.overrideId ?? '');
    if (id) await d.overrideBurst(id, e.createdAt);
  };
  const subs = [
    ctx.bus.subscribe('fact.recorded', onFact),
    ctx.bus.subscribe('status.changed', onStatus),
    ctx.bus.subscribe('override.*', onOverride),
  ];
  return () => {
    for (const s of subs) s();
    deferred.clear();
    started.delete(ctx.bus);
  };
}

/**
 * On-demand sweep (auditors, or after detection was down): every red or yellow status, bursts over the last window,
 * recent facts' recorders, and every rule set published within the baseline period.
 */
export async function scanNow(
  ctx: AppContext,
  thresholds?: AnomalyThresholds,
): Promise<DetectionOutcome & { checked: Record<string, number> }> {
  const d = new Detectors(ctx, thresholds);
  const support = new SupportChecker(ctx);
  const now = ctx.clock.now();
  const from = new Date(now.getTime() - d.t.windowMs);
  const checked: Record<string, number> = {};
  const nonGreen = await ctx.db.selectFrom('statuses').select('person_id').where('color', '!=', 'green').execute();
  for (const r of nonGreen) await d.statusChain(r.person_id, now, support);
  checked.statuses = nonGreen.length;

  const keys = (
    await sql<{ dim: string; key: string }>`
      select distinct 'place' as dim, data->>'placeId' as key from health_facts
        where kind = 'exposure' and recorded_at > ${from} and data->>'placeId' is not null
      union select distinct 'case', data->>'caseId' from health_facts
        where kind = 'exposure' and recorded_at > ${from} and data->>'caseId' is not null
      union select distinct 'recorder', recorded_by from health_facts where kind = 'exposure' and recorded_at > ${from}`.execute(
      ctx.db,
    )
  ).rows;
  for (const k of keys) await d.exposureBurstFor(k.dim, k.key, now, now, support);
  checked.exposureKeys = keys.length;

  const overrides = await ctx.db
    .selectFrom('overrides')
    .select('id')
    .where((eb) => eb.or([eb('proposed_at', '>', from), eb('decided_at', '>', from)]))
    .execute();
  for (const o of overrides) await d.overrideBurst(o.id, now);
  checked.overrides = overrides.length;

  const recent = await ctx.db
    .selectFrom('health_facts')
    .select(['recorded_by', (eb) => eb.fn.max('id').as('id')])
    .where('recorded_at', '>', from)
    .groupBy(['recorded_by', 'person_id'])
    .limit(20_000)
    .execute();
  for (const f of recent) if (f.id) await d.recorderScope(String(f.id), now);
  checked.facts = recent.length;

  const ruleSets = await ctx.db
    .selectFrom('rulesets')
    .select(['id', 'version'])
    .where('published_at', '>', new Date(now.getTime() - d.t.baselineMs))
    .execute();
  for (const r of ruleSets) await d.massFlip(r.id, r.version, now);
  checked.ruleSets = ruleSets.length;
  return { ...d.outcome, checked };
}
