import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRuleSet } from './compile.ts';
import { defaultRuleSet } from './default-ruleset.ts';
import { evaluate, nextChangeAt, sameStatus, type Status } from './evaluate.ts';
import { HealthFactSchema, type HealthFact } from './facts.ts';
import type { Color, RuleSet } from './ruleset.ts';
import { arrival, exposure, isolationCompleted, override, pcr, symptoms, vaccination } from './testing.ts';

/*
 * Facts are generated on a 60-day time line in whole hours, so that ties between specimens, results, period ends and
 * override expiries happen often. Rule sets vary every number and release option the language has.
 */

const T0 = Date.UTC(2022, 2, 1);
const H = 3_600_000;
const iso = (hours: number): string => new Date(T0 + hours * H).toISOString();
const RANK: Record<Color, number> = { green: 0, yellow: 1, red: 2 };

const hour = fc.integer({ min: 0, max: 50 * 24 });
const lag = (max: number) => fc.integer({ min: 0, max });

type Build = (id: string) => HealthFact;

const pcrArb: fc.Arbitrary<Build> = fc
  .record({ positive: fc.boolean(), spec: hour, result: lag(48), rec: lag(24) })
  .map(
    (g) => (id) =>
      pcr(id, g.positive ? 'positive' : 'negative', iso(g.spec), iso(g.spec + g.result), {
        recordedAt: iso(g.spec + g.result + g.rec),
      }),
  );
const antigenArb: fc.Arbitrary<Build> = fc
  .record({ positive: fc.boolean(), t: hour })
  .map((g) => (id) => ({ ...pcr(id, g.positive ? 'positive' : 'negative', iso(g.t)), method: 'antigen' as const }));
const exposureArb: fc.Arbitrary<Build> = fc
  .record({ degree: fc.constantFrom('close', 'secondary', 'risk_place'), t: hour, rec: lag(20 * 24) })
  .map((g) => (id) => exposure(id, g.degree as 'close', iso(g.t), iso(g.t + g.rec)));
const symptomArb: fc.Arbitrary<Build> = hour.map((t) => (id) => symptoms(id, iso(t), ['cough']));
const arrivalArb: fc.Arbitrary<Build> = hour.map((t) => (id) => arrival(id, iso(t)));
const vaccinationArb: fc.Arbitrary<Build> = fc
  .record({ t: hour, complete: fc.boolean() })
  .map((g) => (id) => vaccination(id, iso(g.t), g.complete));
const isolationArb: fc.Arbitrary<Build> = hour.map((t) => (id) => isolationCompleted(id, iso(t)));
const overrideArb: fc.Arbitrary<Build> = fc
  .record({
    target: fc.constantFrom('green', 'yellow', 'red', 'clear'),
    t: hour,
    len: fc.integer({ min: 1, max: 240 }),
  })
  .map((g) => (id) => override(id, g.target as 'green', iso(g.t), g.target === 'clear' ? null : iso(g.t + g.len)));

const factsArb = (overrides = true): fc.Arbitrary<HealthFact[]> =>
  fc
    .array(
      fc.oneof(
        { arbitrary: pcrArb, weight: 5 },
        { arbitrary: antigenArb, weight: 1 },
        { arbitrary: exposureArb, weight: 2 },
        { arbitrary: symptomArb, weight: 1 },
        { arbitrary: arrivalArb, weight: 1 },
        { arbitrary: vaccinationArb, weight: 1 },
        { arbitrary: isolationArb, weight: 1 },
        { arbitrary: overrideArb, weight: overrides ? 1 : 0 },
      ),
      { maxLength: 9 },
    )
    .map((builds) => builds.map((b, i) => b(`f${i}`)));

const ruleSetArb: fc.Arbitrary<RuleSet> = fc
  .record({
    redDays: fc.integer({ min: 1, max: 20 }),
    yellowDays: fc.integer({ min: 1, max: 10 }),
    redCount: fc.integer({ min: 1, max: 3 }),
    redGap: fc.integer({ min: 0, max: 48 }),
    yellowCount: fc.integer({ min: 1, max: 2 }),
    within: fc.integer({ min: 1, max: 20 }),
    acceptIsolation: fc.boolean(),
    yellowPeriodOnly: fc.boolean(),
    markValidity: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
    // Without R1 a positive PCR triggers nothing and only blocks releases, which the citation rules must cover.
    dropR1: fc.boolean(),
  })
  .map((p) => ({
    ...defaultRuleSet,
    parameters: {
      ...defaultRuleSet.parameters,
      redQuarantineDays: p.redDays,
      yellowIsolationDays: p.yellowDays,
      redReleaseNegativePcrCount: p.redCount,
      redReleaseMinHoursApart: p.redGap,
      yellowReleaseNegativePcrCount: p.yellowCount,
      closeContactWithinDays: p.within,
    },
    rules: defaultRuleSet.rules
      .filter((r) => !(p.dropR1 && r.id === 'R1'))
      .map((r) => ({
        ...r,
        release:
          r.color === 'yellow' && p.yellowPeriodOnly
            ? { negativePcr: null, acceptIsolationCompleted: false }
            : { ...r.release, acceptIsolationCompleted: p.acceptIsolation },
      })),
    vaccinationMark: { ...defaultRuleSet.vaccinationMark!, validForDays: p.markValidity },
  }));

const nowArb = fc.integer({ min: 0, max: 60 * 24 });
const status = (facts: HealthFact[], rs: RuleSet, nowHours: number): Status => evaluate(facts, rs, iso(nowHours));
const cited = (s: Status): Set<string> => new Set(s.reasons.flatMap((r) => r.factIds));

describe('evaluate: properties', () => {
  it('generated facts are valid facts', () => {
    fc.assert(
      fc.property(factsArb(), (facts) => {
        for (const f of facts) expect(HealthFactSchema.safeParse(f).error?.issues ?? []).toEqual([]);
      }),
    );
  });

  it('is deterministic and independent of the order of the facts', () => {
    fc.assert(
      fc.property(factsArb(), ruleSetArb, nowArb, fc.integer(), (facts, rs, now, seed) => {
        const a = status(facts, rs, now);
        const shuffled = [...facts].sort(
          (x, y) => ((x.id.charCodeAt(1) * seed) % 7) - ((y.id.charCodeAt(1) * seed) % 7),
        );
        expect(status(facts, rs, now)).toEqual(a);
        expect(status(shuffled, structuredClone(rs), now)).toEqual(a);
      }),
    );
  });

  it('is green at any time when there are no facts', () => {
    fc.assert(
      fc.property(ruleSetArb, fc.integer({ min: -1e6, max: 1e6 }), (rs, now) => {
        const s = status([], rs, now);
        expect(s).toMatchObject({ color: 'green', vaccinated: false, since: null, reasons: [], clears: null });
      }),
    );
  });

  it('a negative result, whenever taken, never turns a status redder', () => {
    fc.assert(
      fc.property(factsArb(), ruleSetArb, nowArb, pcrArb, (facts, rs, now, extra) => {
        const neg: HealthFact = {
          ...(extra('neg') as Extract<HealthFact, { kind: 'test_result' }>),
          result: 'negative',
        };
        const before = status(facts, rs, now);
        const after = status([...facts, neg], rs, now);
        expect(RANK[after.color]).toBeLessThanOrEqual(RANK[before.color]);
      }),
    );
  });

  it('removing a fact that no reason cites changes nothing', () => {
    fc.assert(
      fc.property(factsArb(), ruleSetArb, nowArb, (facts, rs, now) => {
        const s = status(facts, rs, now);
        const ids = cited(s);
        for (const f of facts) {
          if (ids.has(f.id)) continue;
          const without = status(
            facts.filter((g) => g !== f),
            rs,
            now,
          );
          if (!sameStatus(s, without)) expect({ removed: f.id, status: without }).toEqual({ removed: f.id, status: s });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('every cited fact exists, has happened and was recorded by now', () => {
    fc.assert(
      fc.property(factsArb(), ruleSetArb, nowArb, (facts, rs, now) => {
        const s = status(facts, rs, now);
        const byId = new Map(facts.map((f) => [f.id, f]));
        for (const id of cited(s)) {
          const f = byId.get(id);
          expect(f).toBeDefined();
          expect(Date.parse(f!.occurredAt)).toBeLessThanOrEqual(T0 + now * H);
          expect(Date.parse(f!.recordedAt)).toBeLessThanOrEqual(T0 + now * H);
        }
      }),
    );
  });

  it("release never happens before the rule's duration", () => {
    fc.assert(
      fc.property(factsArb(false), ruleSetArb, nowArb, (facts, rs, now) => {
        const t = T0 + now * H;
        const s = status(facts, rs, now);
        for (const rule of compileRuleSet(rs).rules) {
          for (const f of facts) {
            const start = Date.parse(f.occurredAt);
            const recorded = Date.parse(f.recordedAt);
            if (!rule.matches(f) || recorded > t) continue;
            if (rule.withinMs !== null && recorded - start > rule.withinMs) continue;
            if (start <= t && t < start + rule.periodMs) {
              expect(RANK[s.color]).toBeGreaterThanOrEqual(RANK[rule.color]);
              expect(s.reasons.some((r) => r.effect === 'color' && r.factIds[0] === f.id)).toBe(true);
            }
          }
        }
      }),
    );
  });

  it('a released rule cites the negative results that released it, taken after its trigger', () => {
    fc.assert(
      fc.property(factsArb(false), nowArb, (facts, now) => {
        const s = status(facts, defaultRuleSet, now);
        const byId = new Map(facts.map((f) => [f.id, f]));
        for (const r of s.reasons.filter((x) => x.effect === 'released')) {
          const trigger = byId.get(r.factIds[0]!)!;
          const negatives = r.factIds
            .map((id) => byId.get(id)!)
            .filter((f) => f.kind === 'test_result' && f.result === 'negative');
          expect(negatives).toHaveLength(r.ruleId.startsWith('R') ? 2 : 1);
          for (const n of negatives) {
            if (n.kind !== 'test_result') continue;
            expect(n.method).toBe('pcr');
            expect(Date.parse(n.specimenCollectedAt)).toBeGreaterThanOrEqual(Date.parse(trigger.occurredAt));
          }
        }
      }),
    );
  });

  it('nextChangeAt: nothing changes before it, something changes at it', () => {
    fc.assert(
      fc.property(
        factsArb(),
        ruleSetArb,
        nowArb,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
        (facts, rs, now, fractions) => {
          const s = status(facts, rs, now);
          const next = nextChangeAt(facts, rs, iso(now));
          const end = next === null ? T0 + 90 * 24 * H : Date.parse(next);
          expect(end).toBeGreaterThan(T0 + now * H);
          for (const x of fractions) {
            const t = Math.floor(T0 + now * H + x * (end - T0 - now * H - 1));
            expect(sameStatus(s, evaluate(facts, rs, t))).toBe(true);
          }
          if (next !== null) expect(sameStatus(s, evaluate(facts, rs, next))).toBe(false);
        },
      ),
    );
  });
});
