import type { Principal } from '../../core/policy/roles.ts';
import { Prng } from '../../core/random/prng.ts';
import { ManualClock } from '../../platform/clock.ts';
import { loadConfig } from '../../platform/config.ts';
import type { AppContext } from '../../platform/context.ts';
import { openDatabase } from '../../platform/database/database.ts';
import { migrateToLatest } from '../../platform/database/migrator.ts';
import { EventBus } from '../../platform/events/bus.ts';
import { createLogger } from '../../platform/logger.ts';
import { seedDemoCity } from '../demo/demo-seed.service.ts';
import { recordFact } from '../status/facts.service.ts';
import { decideOverride, proposeOverride } from '../status/overrides.service.ts';
import { presentFlag } from './anomalies.repository.ts';
import { scanNow, startAnomalyDetection } from './detection.ts';

export const SCENARIOS = ['zhengzhou', 'normal'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = new Date('2026-06-13T08:00:00Z');
const FABRICATED_CASE = 'case-2026-0613-001';

export interface DetectedFlag {
  detector: string;
  severity: string;
  summary: string;
  /** Which phase of the scenario raised it, and after how many of that phase's actions. */
  phase: string;
  afterActions: number;
  /** Simulated minutes from the first action of the phase to the flag. */
  simMinutes: number;
  /** Wall-clock milliseconds from the commit of the triggering action to the flag being stored. */
  latencyMs: number;
}

export interface ScenarioReport {
  scenario: ScenarioName;
  residents: number;
  actions: Record<string, number>;
  flags: DetectedFlag[];
  /** Flags the on-demand sweep found after the run (should add nothing new to continuous detection). */
  sweep: { raised: number; updated: number };
  firstFlag: DetectedFlag | null;
  wallMs: number;
}

/** A throwaway embedded database with a seeded city and a simulated clock, so a scenario never touches real data. */
export async function scenarioContext(residents: number, seed: number) {
  const handle = await openDatabase({ dataDir: 'memory://' });
  await migrateToLatest(handle.db);
  const clock = new ManualClock(START);
  const logger = createLogger('silent');
  const ctx: AppContext = {
    db: handle.db,
    dbKind: handle.kind,
    clock,
    config: loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: 'memory://' }),
    logger,
    bus: new EventBus(handle.db, logger),
    secrets: {
      idHmacKey: Buffer.from(`scenario-${seed}-hmac-key-0123456789abcdef`),
      keyEncryptionKey: Buffer.alloc(32, 3),
      pseudonymSecret: Buffer.alloc(32, 4),
    },
  };
  clock.set(new Date(START.getTime() - 8 * 24 * HOUR));
  await seedDemoCity(ctx, { seed, residents });
  clock.set(START);
  return { ctx, clock, close: () => handle.close() };
}

async function staffPrincipal(ctx: AppContext, username: string): Promise<Extract<Principal, { kind: 'staff' }>> {
  const s = await ctx.db
    .selectFrom('staff')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'staff.scope_jurisdiction_id')
    .select(['staff.id', 'staff.role', 'staff.scope_jurisdiction_id', 'jurisdictions.path'])
    .where('staff.username', '=', username)
    .executeTakeFirstOrThrow();
  return {
    kind: 'staff',
    id: s.id,
    role: s.role as Extract<Principal, { kind: 'staff' }>['role'],
    scopeId: s.scope_jurisdiction_id,
    scopePath: s.path,
  };
}

/**
 * Drives a scenario action by action on a simulated clock; after each action the event bus is drained (as the relay
 * does every 250 ms in a server), so continuous detection sees exactly what it would see live.
 */
class Runner {
  readonly flags: DetectedFlag[] = [];
  readonly actions: Record<string, number> = {};
  private seen = new Set<string>();
  private phase = '';
  private phaseStart = 0;
  private phaseActions = 0;

  constructor(
    private ctx: AppContext,
    private clock: ManualClock,
  ) {}

  startPhase(name: string) {
    this.phase = name;
    this.phaseStart = this.clock.now().getTime();
    this.phaseActions = 0;
  }

  async act(step: () => Promise<unknown>, advanceMs: number) {
    this.clock.advance(advanceMs);
    await step();
    const committed = performance.now();
    this.phaseActions++;
    this.actions[this.phase] = (this.actions[this.phase] ?? 0) + 1;
    await this.ctx.bus.drain();
    const rows = await this.ctx.db.selectFrom('anomaly_flags').selectAll().execute();
    for (const r of rows) {
      if (this.seen.has(r.id)) continue;
      this.seen.add(r.id);
      const f = presentFlag(r);
      this.flags.push({
        detector: f.detector,
        severity: f.severity,
        summary: f.summary,
        phase: this.phase,
        afterActions: this.phaseActions,
        simMinutes: Math.round(((this.clock.now().getTime() - this.phaseStart) / MIN) * 10) / 10,
        latencyMs: Math.round((performance.now() - committed) * 10) / 10,
      });
    }
  }
}

export async function runScenario(
  name: ScenarioName,
  opts: {
    residents?: number;
    people?: number;
    seed?: number;
    onProgress?: (phase: string, done: number, total: number) => void;
  } = {},
): Promise<ScenarioReport> {
  const t0 = performance.now();
  const residents = opts.residents ?? 3000;
  const seed = opts.seed ?? 1;
  const env = await scenarioContext(residents, seed);
  const { ctx, clock } = env;
  try {
    startAnomalyDetection(ctx);
    const run = new Runner(ctx, clock);
    const prng = new Prng(seed ^ 0x2e7);
    const people = (await ctx.db.selectFrom('residents').select('id').orderBy('id').execute()).map((r) => r.id);
    const places = await ctx.db.selectFrom('places').select(['id', 'category', 'kind']).orderBy('id').execute();
    const lab = await staffPrincipal(ctx, 'lab');
    const health = await staffPrincipal(ctx, 'health');
    const health2 = await staffPrincipal(ctx, 'health2');
    const iso = (offset = 0) => new Date(clock.now().getTime() + offset).toISOString();
    const pick = <T>(xs: readonly T[]) => xs[prng.int(0, xs.length - 1)] as T;
    const progress = opts.onProgress ?? (() => {});

    // Both scenarios start with the same ordinary outbreak work: positive cases and their traced close contacts.
    const outbreak = async (cases: number, contactsPerCase: [number, number]) => {
      run.startPhase('outbreak');
      for (let c = 0; c < cases; c++) {
        const index = pick(people);
        const officer = c % 2 ? health2 : health;
        const pos = await (async () => {
          let id = '';
          await run.act(
            async () => {
              const r = await recordFact(ctx, lab, {
                personId: index,
                kind: 'test_result',
                method: 'pcr',
                result: 'positive',
                specimenCollectedAt: iso(-8 * HOUR),
                occurredAt: iso(),
                provenance: { source: 'lab', labId: 'lab-1', specimenId: `sp-${seed}-${c}` },
              });
              id = r.fact.id;
            },
            prng.int(2, 5) * HOUR,
          );
          return id;
        })();
        const venue = pick(places.filter((p) => p.kind === 'venue'));
        const n = prng.int(contactsPerCase[0], contactsPerCase[1]);
        for (let k = 0; k < n; k++) {
          const contact = pick(people);
          if (contact === index) continue;
          const end = iso(-prng.int(20, 60) * HOUR);
          await run.act(
            () =>
              recordFact(ctx, officer, {
                personId: contact,
                kind: 'exposure',
                degree: 'close',
                caseId: pos,
                placeId: venue.id,
                window: { start: new Date(Date.parse(end) - HOUR).toISOString(), end },
                occurredAt: end,
                provenance: { source: 'case', caseId: pos },
              }),
            prng.int(8, 25) * MIN,
          );
        }
        // Visitors of the case's venue in its risk window: yellow, with the place's confirmed case as the basis.
        for (let k = 0; k < 3; k++) {
          const visitor = pick(people);
          const end = iso(-30 * HOUR);
          await run.act(
            () =>
              recordFact(ctx, officer, {
                personId: visitor,
                kind: 'exposure',
                degree: 'risk_place',
                caseId: null,
                placeId: venue.id,
                window: { start: new Date(Date.parse(end) - 2 * HOUR).toISOString(), end },
                occurredAt: end,
                provenance: { source: 'officer', officerId: officer.id },
              }),
            prng.int(10, 30) * MIN,
          );
        }
        progress('outbreak', c + 1, cases);
      }
      // A clinician's two-person correction, as happens a few times in any outbreak.
      const target = pick(people);
      await run.act(async () => {
        const o = await proposeOverride(ctx, health, {
          personId: target,
          target: 'yellow',
          reasonCode: 'clinical_assessment',
          reason: 'Fever clinic assessment: symptomatic household member, awaiting PCR result.',
          expiresAt: iso(3 * 24 * HOUR),
        });
        clock.advance(40 * MIN);
        await decideOverride(ctx, health2, o.id, { decision: 'approve', note: 'Reviewed the clinic notes; agreed.' });
      }, 2 * HOUR);
    };

    if (name === 'normal') {
      await outbreak(12, [6, 14]);
    } else {
      await outbreak(3, [5, 8]);
      // Phase 1: one officer gives hundreds of people who passed one station exit an exposure, with no case there.
      const station =
        places.find((p) => p.category === 'metro_station') ??
        places.find((p) => p.category === 'railway_station') ??
        places.find((p) => p.kind === 'sentinel') ??
        (places[0] as (typeof places)[number]);
      const targets = people.slice(0, Math.min(opts.people ?? 300, people.length));
      run.startPhase('station-exposures');
      for (let i = 0; i < targets.length; i++) {
        const end = iso(-2 * HOUR);
        await run.act(
          () =>
            recordFact(ctx, health, {
              personId: targets[i] as string,
              kind: 'exposure',
              // A close contact of a case that does not exist: red, as in Zhengzhou.
              degree: 'close',
              caseId: FABRICATED_CASE,
              placeId: station.id,
              window: { start: new Date(Date.parse(end) - 30 * MIN).toISOString(), end },
              occurredAt: end,
              provenance: { source: 'officer', officerId: health.id },
            }),
          5_000,
        );
        progress('station-exposures', i + 1, targets.length);
      }
      // Phase 2: the same two officers propose and approve red overrides for a crowd, one after another.
      run.startPhase('mass-overrides');
      const crowd = people.slice(targets.length, targets.length + 40);
      for (let i = 0; i < crowd.length; i++) {
        await run.act(async () => {
          const o = await proposeOverride(ctx, health, {
            personId: crowd[i] as string,
            target: 'red',
            reasonCode: 'data_entry_error',
            reason: 'Data correction requested by the district command: mark as close contact.',
            expiresAt: iso(14 * 24 * HOUR),
          });
          await decideOverride(ctx, health2, o.id, { decision: 'approve', note: 'Approved as requested by command.' });
        }, 20_000);
        progress('mass-overrides', i + 1, crowd.length);
      }
    }
    const sweep = await scanNow(ctx);
    const flags = run.flags.sort((a, b) => a.phase.localeCompare(b.phase) || a.afterActions - b.afterActions);
    return {
      scenario: name,
      residents,
      actions: run.actions,
      flags,
      sweep: { raised: sweep.raised, updated: sweep.updated },
      firstFlag: flags[0] ?? null,
      wallMs: Math.round(performance.now() - t0),
    };
  } finally {
    await env.close();
  }
}
