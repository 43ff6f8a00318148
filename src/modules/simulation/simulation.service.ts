import { randomUUID } from 'node:crypto';
import type { Principal } from '../../core/policy/roles.ts';
import { generateDemoCity } from '../../core/geo/demo-city.ts';
import { parseFhirSubmission } from '../../core/labs/fhir.ts';
import { Prng } from '../../core/random/prng.ts';
import { planDay, spread } from '../../core/tracing/simulator/day.ts';
import {
  tracingMetrics,
  type FoundContact,
  type TracedCase,
  type TracingMetrics,
} from '../../core/tracing/simulator/metrics.ts';
import {
  DAY_MS,
  DEFAULT_SIM_PARAMETERS,
  HOUR_MS,
  infect,
  pcrPositive,
  type Infection,
  type SimPlace,
} from '../../core/tracing/simulator/model.ts';
import { buildPopulation } from '../../core/tracing/simulator/population.ts';
import { contactWindowMs } from '../../core/tracing/windows.ts';
import type { ManualClock } from '../../platform/clock.ts';
import type { AppContext } from '../../platform/context.ts';
import { issueApiToken } from '../auth/auth.service.ts';
import { reviewSettings, storeReviewSettings } from '../cases/review-settings.ts';
import { runPendingTracing, type TraceReport } from '../cases/tracing.service.ts';
import { seedDemoCity } from '../demo/demo-seed.service.ts';
import { submitLabResults } from '../labs/labs.service.ts';
import { placesById } from '../scans/place-directory.ts';
import { signPlaceCode } from '../scans/place-codes.service.ts';
import { ingestScans } from '../scans/scans.service.ts';
import { cityOfPath } from '../status/person-scope.ts';
import { publishedRuleSets, ruleSetFor } from '../status/rulesets.service.ts';
import { runStatusScheduler } from '../status/status.service.ts';

export interface SimulationOptions {
  days: number;
  residents: number;
  seed: number;
  /** Infections introduced at the start. */
  seeds?: number | undefined;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface SimulationReport {
  days: number;
  residents: number;
  seed: number;
  start: string;
  end: string;
  infections: { total: number; atPlaces: number; atScannedPlaces: number; household: number; seeded: number };
  scans: number;
  tests: number;
  positives: number;
  cases: number;
  metrics: TracingMetrics;
  timings: {
    ingestion: { uploads: number; scans: number; seconds: number; msPerUpload: number };
    tracing: { cases: number; p50Ms: number; p99Ms: number; maxMs: number; totalSeconds: number };
    labResults: { submissions: number; totalSeconds: number };
    wallSeconds: number;
  };
  diagnosis: string[];
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : 0;
};
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

/**
 * Runs an outbreak on the demo city through the real pipeline: scans go through the ingestion service, test results
 * through the lab service (FHIR), cases are traced by the tracing service, statuses follow the published rules, and
 * people who are red or yellow stay home. Afterwards the exposures found are compared with the ground truth.
 * The context's clock must be a ManualClock: simulated days pass on it.
 */
export async function runSimulation(ctx: AppContext, opts: SimulationOptions): Promise<SimulationReport> {
  const t0 = performance.now();
  const clock = ctx.clock as ManualClock;
  if (typeof clock.set !== 'function') throw new Error('the simulation needs a manual clock');
  const progress = opts.onProgress ?? (() => {});
  const realNow = clock.now();
  const startMs = Date.UTC(realNow.getUTCFullYear(), realNow.getUTCMonth(), realNow.getUTCDate()) - opts.days * DAY_MS;

  // The city: seeded by the simulation itself when the database is empty.
  clock.set(new Date(startMs - 2 * DAY_MS));
  const any = await ctx.db.selectFrom('jurisdictions').select('id').limit(1).execute();
  if (any.length === 0) {
    progress('seeding city', 0, 1);
    await seedDemoCity(ctx, { seed: opts.seed, residents: opts.residents });
  }
  const demo = await ctx.db.selectFrom('settings').select('value').where('key', '=', 'demo_city').executeTakeFirst();
  if (!demo)
    throw new Error('the simulation runs on the demo city (tessera seed), whose national ID numbers it can regenerate');
  const city = (typeof demo.value === 'string' ? JSON.parse(demo.value) : demo.value) as {
    seed: number;
    residents: number;
  };
  const nationalIds = new Map<string, string>();
  const gen = generateDemoCity({ seed: city.seed, residents: city.residents });
  for (const g of gen.grids)
    for (const h of gen.householdsOf(g)) for (const r of h.residents) nationalIds.set(r.id, r.nationalId);

  const residentRows = await ctx.db
    .selectFrom('residents')
    .innerJoin('households', 'households.id', 'residents.household_id')
    .innerJoin('grids', 'grids.code', 'households.grid_code')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
    .select(['residents.id', 'residents.household_id', 'jurisdictions.path'])
    .select((eb) => eb.cast<string>('residents.birth_date', 'text').as('birth_date'))
    .where('residents.national_id_hmac', 'is not', null)
    .orderBy('residents.household_id')
    .limit(opts.residents)
    .execute();
  const placeRows = await ctx.db
    .selectFrom('places')
    .innerJoin('grids', 'grids.code', 'places.grid_code')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
    .select(['places.id', 'places.category', 'places.grid_code', 'jurisdictions.path'])
    .execute();
  const places = new Map<string, SimPlace>(
    placeRows.map((p) => [p.id, { id: p.id, category: p.category, gridCode: p.grid_code.trim(), path: p.path }]),
  );
  const rng = new Prng(opts.seed ^ 0x51_0a7e);
  const agentList = buildPopulation(
    residentRows
      .filter((r) => nationalIds.has(r.id))
      .map((r) => ({
        id: r.id,
        householdId: r.household_id,
        path: r.path,
        birthYear: Number(r.birth_date.slice(0, 4)),
      })),
    [...places.values()],
    new Date(startMs).getUTCFullYear(),
    rng,
  );
  const agents = new Map(agentList.map((a) => [a.id, a]));
  const cityId = cityOfPath(agentList[0]?.path ?? '');
  await publishedRuleSets(ctx);
  const ruleSet = await ruleSetFor(ctx, cityId, new Date(startMs));

  // Posters are printed before the outbreak; a lab gets a token; tracing runs without review for the simulation.
  const used = new Set<string>();
  for (const a of agentList) {
    if (a.workPlaceId) used.add(a.workPlaceId);
    for (const v of a.venueIds) used.add(v);
  }
  const codeOf = new Map<string, string>();
  let signed = 0;
  for (const p of (await placesById(ctx, used)).values()) {
    codeOf.set(p.id, (await signPlaceCode(ctx, p)).code);
    if (++signed % 200 === 0) progress('place codes', signed, used.size);
  }
  const admin = await ctx.db
    .selectFrom('staff')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'staff.scope_jurisdiction_id')
    .select(['staff.id', 'staff.scope_jurisdiction_id', 'jurisdictions.path'])
    .where('staff.role', '=', 'admin')
    .orderBy('jurisdictions.depth')
    .limit(1)
    .executeTakeFirstOrThrow();
  const adminPrincipal: Principal = {
    kind: 'staff',
    id: admin.id,
    role: 'admin',
    scopeId: admin.scope_jurisdiction_id,
    scopePath: admin.path,
  };
  const token = await issueApiToken(ctx, adminPrincipal, {
    kind: 'lab',
    name: 'simulation laboratory',
    scopeJurisdictionId: admin.scope_jurisdiction_id,
  });
  const lab: Principal = {
    kind: 'device',
    id: token.id,
    deviceKind: 'lab',
    scopeId: admin.scope_jurisdiction_id,
    scopePath: admin.path,
    placeId: null,
  };
  const previousReview = await reviewSettings(ctx.db);
  await ctx.db.transaction().execute((trx) => storeReviewSettings(trx, { mode: 'automatic', threshold: 0 }));

  const runId = randomUUID().slice(0, 8);
  const infections: Infection[] = [];
  const seeds = opts.seeds ?? Math.max(3, Math.round(agentList.length / 300));
  for (let i = 0; i < seeds && agentList.length; i++) {
    const a = rng.pick(agentList);
    if (a.infectedAtMs !== null) continue;
    infect(a, startMs - rng.int(0, 3) * DAY_MS - 12 * HOUR_MS, rng, DEFAULT_SIM_PARAMETERS);
    infections.push({
      infecteeId: a.id,
      infectorId: null,
      placeId: null,
      atMs: a.infectedAtMs!,
      bothScanned: false,
      infectorArrivalMs: null,
      infecteeArrivalMs: null,
    });
  }

  const testsDue = new Map<number, Set<string>>(); // day index → agents to test that day
  const dueOn = (d: number, id: string) => {
    let s = testsDue.get(d);
    if (!s) testsDue.set(d, (s = new Set()));
    s.add(id);
  };
  const symptomDecided = new Set<string>();
  const positive = new Set<string>();
  const contactTested = new Set<string>();
  let scans = 0;
  let ingestMs = 0;
  let uploads = 0;
  let tests = 0;
  let labMs = 0;
  let labSubmissions = 0;
  const traces: TraceReport[] = [];
  let specimenSeq = 0;

  for (let d = 0; d < opts.days; d++) {
    const dayStart = startMs + d * DAY_MS;
    clock.set(new Date(dayStart + HOUR_MS));
    await runStatusScheduler(ctx);
    const ids = agentList.map((a) => a.id);
    const isolated = new Set<string>();
    for (let i = 0; i < ids.length; i += 5000) {
      const rows = await ctx.db
        .selectFrom('statuses')
        .select('person_id')
        .where('color', '!=', 'green')
        .where('person_id', 'in', ids.slice(i, i + 5000))
        .execute();
      for (const r of rows) isolated.add(r.person_id);
    }
    const weekend = [0, 6].includes(new Date(dayStart).getUTCDay());
    const visits = planDay(agentList, dayStart, weekend, isolated, rng, DEFAULT_SIM_PARAMETERS);
    const todays = spread(agents, visits, places, dayStart, rng, DEFAULT_SIM_PARAMETERS);
    infections.push(...todays);
    if (process.env.SIM_DEBUG)
      process.stderr.write(
        `day ${d}: visits ${visits.length}, isolated ${isolated.size}, infections ${todays.length} (${todays.filter((e) => e.placeId).length} at places), infectious ${agentList.filter((a) => a.infectedAtMs !== null && dayStart >= a.infectiousFromMs && dayStart < a.infectiousUntilMs).length}\n`,
      );

    // Phones upload the day's scans in the evening, one batch per person.
    clock.set(new Date(dayStart + 23 * HOUR_MS));
    const byAgent = new Map<string, typeof visits>();
    for (const v of visits) {
      if (!v.scanned || !codeOf.has(v.placeId)) continue;
      const list = byAgent.get(v.agentId);
      if (list) list.push(v);
      else byAgent.set(v.agentId, [v]);
    }
    let k = 0;
    for (const [agentId, list] of byAgent) {
      const a = agents.get(agentId)!;
      const t = performance.now();
      const report = await ingestScans(
        ctx,
        { kind: 'resident', id: a.id, householdId: a.householdId },
        list.map((v, i) => ({
          clientId: `sim-${runId}-${d}-${i}`,
          placeCode: codeOf.get(v.placeId),
          scannedAt: new Date(v.startMs).toISOString(),
        })),
      );
      ingestMs += performance.now() - t;
      uploads++;
      scans += report.accepted;
      if (report.rejected)
        throw new Error(`simulation scan rejected: ${JSON.stringify(report.items.find((x) => x.error))}`);
      if (++k % 500 === 0) progress(`day ${d + 1}/${opts.days} scans`, k, byAgent.size);
    }

    // Symptomatic people decide once whether to get tested (a day or two after onset).
    for (const a of agentList) {
      if (a.onsetMs === null || symptomDecided.has(a.id) || a.onsetMs >= dayStart + DAY_MS) continue;
      symptomDecided.add(a.id);
      if (rng.chance(DEFAULT_SIM_PARAMETERS.testOnSymptoms))
        dueOn(Math.max(d, Math.floor((a.onsetMs - startMs) / DAY_MS)) + rng.int(1, 2), a.id);
    }
    const today = [...(testsDue.get(d) ?? [])].filter((id) => !positive.has(id));
    if (today.length > 0) {
      const specimenAt = new Date(dayStart + 9 * HOUR_MS).toISOString();
      const issued = new Date(dayStart + 20 * HOUR_MS).toISOString();
      const entry = today.flatMap((id, i) => {
        const a = agents.get(id)!;
        const detected = pcrPositive(a, dayStart + 9 * HOUR_MS);
        if (detected) positive.add(id);
        return [
          {
            fullUrl: `urn:uuid:p${i}`,
            resource: {
              resourceType: 'Patient',
              id: `p${i}`,
              identifier: [{ system: 'urn:oid:2.16.156.10011.1.1', value: nationalIds.get(id) }],
            },
          },
          {
            resource: {
              resourceType: 'Observation',
              id: `sim-${runId}-${++specimenSeq}`,
              status: 'final',
              code: { coding: [{ system: 'http://loinc.org', code: '94500-6' }] },
              subject: { reference: `urn:uuid:p${i}` },
              effectiveDateTime: specimenAt,
              issued,
              valueCodeableConcept: {
                coding: [{ system: 'http://snomed.info/sct', code: detected ? '260373001' : '260415000' }],
              },
            },
          },
        ];
      });
      const t = performance.now();
      const report = await submitLabResults(
        ctx,
        lab,
        parseFhirSubmission({ resourceType: 'Bundle', type: 'collection', entry }),
      );
      labMs += performance.now() - t;
      labSubmissions++;
      tests += report.accepted;
      if (report.rejected)
        throw new Error(
          `simulation lab result rejected: ${JSON.stringify(report.records.find((r) => r.status === 'rejected'))}`,
        );
    }
    const traced = await runPendingTracing(ctx, 10_000);
    traces.push(...traced);
    if (process.env.SIM_DEBUG)
      for (const t of traced.filter((x) => x.ms.total > 1000))
        process.stderr.write(
          `  slow trace: ${t.close} close, ${t.secondary} secondary, ${t.created} new: search ${t.ms.search} ms, record ${t.ms.record} ms\n`,
        );

    // People found today are tested on the next day and three days later.
    const found = await ctx.db
      .selectFrom('exposures')
      .select('person_id')
      .where('created_at', '>=', new Date(dayStart))
      .where('degree', 'in', ['close', 'secondary'])
      .execute();
    for (const f of found) {
      if (!agents.has(f.person_id) || contactTested.has(f.person_id)) continue;
      contactTested.add(f.person_id);
      dueOn(d + 1, f.person_id);
      dueOn(d + 3, f.person_id);
    }
    progress('days', d + 1, opts.days);
  }

  // Compare with the ground truth.
  const simCases = await ctx.db
    .selectFrom('cases')
    .select(['id', 'person_id', 'infectious_from', 'traced_at', 'specimen_at'])
    .where('opened_at', '>=', new Date(startMs))
    .execute();
  const cases = new Map<string, TracedCase>();
  for (const c of simCases)
    if (agents.has(c.person_id))
      cases.set(c.person_id, {
        personId: c.person_id,
        infectiousFromMs: new Date(c.infectious_from).getTime(),
        tracedAtMs: c.traced_at ? new Date(c.traced_at).getTime() : null,
        firstPositiveSpecimenMs: new Date(c.specimen_at).getTime(),
      });
  const caseIds = simCases.map((c) => c.id);
  const casePerson = new Map(simCases.map((c) => [c.id, c.person_id]));
  const contacts = new Map<string, FoundContact & { viaCasesOf: Set<string> }>();
  for (let i = 0; i < caseIds.length; i += 1000) {
    const rows = await ctx.db
      .selectFrom('exposures')
      .select(['person_id', 'degree', 'created_at', 'case_id'])
      .where('case_id', 'in', caseIds.slice(i, i + 1000))
      .where('state', '!=', 'dismissed')
      .execute();
    for (const r of rows) {
      const at = new Date(r.created_at).getTime();
      const degree = r.degree as 'close' | 'secondary';
      const prev = contacts.get(r.person_id);
      const next = prev ?? { personId: r.person_id, degree, createdAtMs: at, viaCasesOf: new Set<string>() };
      next.degree = prev && (prev.degree === 'close' || degree === 'close') ? 'close' : degree;
      next.createdAtMs = Math.min(next.createdAtMs, at);
      next.viaCasesOf.add(casePerson.get(r.case_id!)!);
      contacts.set(r.person_id, next);
    }
  }
  const infected = new Set(agentList.filter((a) => a.infectedAtMs !== null).map((a) => a.id));
  const metrics = tracingMetrics({
    infections,
    cases,
    contacts,
    infected,
    windowMsOf: (placeId) => contactWindowMs(ruleSet.parameters, places.get(placeId)?.category ?? 'default'),
  });
  await ctx.db.transaction().execute((trx) => storeReviewSettings(trx, previousReview));

  const traceMs = traces.map((t) => t.ms.total);
  const atPlaces = infections.filter((e) => e.placeId !== null);
  const report: SimulationReport = {
    days: opts.days,
    residents: agentList.length,
    seed: opts.seed,
    start: new Date(startMs).toISOString(),
    end: new Date(startMs + opts.days * DAY_MS).toISOString(),
    infections: {
      total: infections.length,
      atPlaces: atPlaces.length,
      atScannedPlaces: atPlaces.filter((e) => e.bothScanned).length,
      household: infections.filter((e) => e.placeId === null && e.infectorId !== null).length,
      seeded: infections.filter((e) => e.infectorId === null).length,
    },
    scans,
    tests,
    positives: positive.size,
    cases: cases.size,
    metrics,
    timings: {
      ingestion: {
        uploads,
        scans,
        seconds: round(ingestMs / 1000, 2),
        msPerUpload: round(ingestMs / Math.max(1, uploads), 2),
      },
      tracing: {
        cases: traces.length,
        p50Ms: round(pct(traceMs, 50)),
        p99Ms: round(pct(traceMs, 99)),
        maxMs: round(Math.max(0, ...traceMs)),
        totalSeconds: round(traceMs.reduce((s, x) => s + x, 0) / 1000, 2),
      },
      labResults: { submissions: labSubmissions, totalSeconds: round(labMs / 1000, 2) },
      wallSeconds: round((performance.now() - t0) / 1000, 1),
    },
    diagnosis: diagnose(metrics, ruleSet.parameters.infectiousPeriodDaysBefore),
  };
  clock.set(realNow);
  return report;
}

/** Why recall falls short, in words, from the classified misses. */
function diagnose(m: TracingMetrics, daysBefore: number): string[] {
  const out: string[] = [];
  if (m.recall === null)
    return ['No infection at a scanned place had an infector who tested positive: nothing to trace.'];
  const missed = m.traceable - m.found;
  if (missed === 0) return ['Every traceable infection was found.'];
  const share = (n: number) => `${n} of ${missed} misses (${Math.round((100 * n) / missed)}%)`;
  if (m.missed.outside_contact_window)
    out.push(
      `${share(m.missed.outside_contact_window)}: the two arrived further apart than the contact window of the place ` +
        '(±30 min by default) but stayed together for hours (offices, schools, a long meal). Scans record arrivals only; ' +
        'a per-category window (closeContactMinutesByPlaceCategory) or check-out scans would catch these.',
    );
  if (m.missed.before_infectious_period)
    out.push(
      `${share(m.missed.before_infectious_period)}: the infector was already infectious before the traced period, which ` +
        `starts ${daysBefore} days (rule-set parameter) before onset or specimen; some people shed earlier, and people ` +
        'without symptoms are anchored on a specimen taken days after they became infectious.',
    );
  if (m.missed.case_not_traced)
    out.push(`${share(m.missed.case_not_traced)}: the infector's case was opened but not traced before the end.`);
  if (m.missed.other) out.push(`${share(m.missed.other)}: not explained by the window or the period.`);
  return out;
}
