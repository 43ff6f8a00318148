import { describe, expect, it } from 'vitest';
import { Prng } from '../../random/prng.ts';
import { planDay, spread } from './day.ts';
import { tracingMetrics, type FoundContact, type TracedCase } from './metrics.ts';
import {
  DAY_MS,
  DEFAULT_SIM_PARAMETERS,
  HOUR_MS,
  infect,
  isInfectiousAt,
  pcrPositive,
  transmissionProbability,
  type Agent,
  type Infection,
  type SimPlace,
  type Visit,
} from './model.ts';
import { buildPopulation } from './population.ts';

const T0 = Date.UTC(2026, 2, 2); // a Monday
const agent = (id: string, over: Partial<Agent> = {}): Agent => ({
  id,
  householdId: `h-${id}`,
  path: '1.2.3',
  age: 30,
  role: 'worker',
  workPlaceId: 'office',
  venueIds: ['cafe'],
  infectedAtMs: null,
  infectiousFromMs: 0,
  infectiousUntilMs: 0,
  onsetMs: null,
  shedding: 0,
  ...over,
});
const places = new Map<string, SimPlace>([
  ['office', { id: 'office', category: 'office', gridCode: 'g', path: '1.2.3' }],
  ['cafe', { id: 'cafe', category: 'restaurant', gridCode: 'g', path: '1.2.3' }],
]);
const sick = (id: string) =>
  agent(id, {
    infectedAtMs: T0 - 5 * DAY_MS,
    infectiousFromMs: T0 - DAY_MS,
    infectiousUntilMs: T0 + 5 * DAY_MS,
    onsetMs: T0,
    shedding: 1,
  });
const visit = (agentId: string, placeId: string, fromH: number, toH: number, scanned = true): Visit => ({
  agentId,
  placeId,
  startMs: T0 + fromH * HOUR_MS,
  endMs: T0 + toH * HOUR_MS,
  scanned,
});

describe('disease model', () => {
  it('gives an incubation of 3–7 days and infectiousness from 1–3 days before onset', () => {
    const rng = new Prng(5);
    for (let i = 0; i < 200; i++) {
      const a = agent(`a${i}`);
      infect(a, T0, rng, DEFAULT_SIM_PARAMETERS);
      expect(a.infectiousFromMs).toBeGreaterThanOrEqual(T0 + DAY_MS);
      if (a.onsetMs !== null) {
        expect(a.onsetMs - T0).toBeGreaterThanOrEqual(3 * DAY_MS);
        expect(a.onsetMs - T0).toBeLessThanOrEqual(7 * DAY_MS);
        expect(a.onsetMs - a.infectiousFromMs).toBeLessThanOrEqual(3 * DAY_MS);
        expect(a.shedding).toBe(1);
      } else expect(a.shedding).toBe(0.5);
      expect(isInfectiousAt(a, T0)).toBe(false);
      expect(pcrPositive(a, T0 + DAY_MS)).toBe(false);
      expect(pcrPositive(a, T0 + 3 * DAY_MS)).toBe(true);
      expect(pcrPositive(a, T0 + 30 * DAY_MS)).toBe(false);
    }
  });
  it('makes longer co-presence likelier to infect, and nothing happens without it', () => {
    const p = (m: number) => transmissionProbability('restaurant', m, 1, DEFAULT_SIM_PARAMETERS);
    expect(p(0)).toBe(0);
    expect(p(60)).toBeGreaterThan(p(10));
    expect(transmissionProbability('restaurant', 60, 0.5, DEFAULT_SIM_PARAMETERS)).toBeLessThan(p(60));
  });
});

describe('a day of movement and spread', () => {
  it('sends workers to work on weekdays, keeps isolated people home, and is deterministic', () => {
    const agents = [agent('a'), agent('b', { role: 'student', age: 10, workPlaceId: 'office' }), agent('c')];
    const plan = (seed: number) => planDay(agents, T0, false, new Set(['c']), new Prng(seed), DEFAULT_SIM_PARAMETERS);
    const visits = plan(1);
    expect(visits.some((v) => v.agentId === 'a' && v.placeId === 'office')).toBe(true);
    expect(visits.some((v) => v.agentId === 'c')).toBe(false);
    expect(plan(1)).toEqual(visits);
    const weekend = planDay(agents, T0 + 5 * DAY_MS, true, new Set(), new Prng(2), DEFAULT_SIM_PARAMETERS);
    expect(weekend.some((v) => v.placeId === 'office')).toBe(false);
  });

  it('infects only people present at the same place at the same time as someone infectious', () => {
    const strong = { ...DEFAULT_SIM_PARAMETERS, hazardPerHour: { default: 1000 }, householdDaily: 0 };
    const agents = new Map([sick('s'), agent('x'), agent('y'), agent('z')].map((a) => [a.id, a]));
    const visits = [
      visit('s', 'cafe', 12, 13),
      visit('x', 'cafe', 12.5, 13.5, false),
      visit('y', 'cafe', 14, 15),
      visit('z', 'office', 12, 13),
    ];
    const out = spread(agents, visits, places, T0, new Prng(1), strong);
    expect(out).toEqual([
      {
        infecteeId: 'x',
        infectorId: 's',
        placeId: 'cafe',
        atMs: T0 + 12.5 * HOUR_MS,
        bothScanned: false,
        infectorArrivalMs: T0 + 12 * HOUR_MS,
        infecteeArrivalMs: T0 + 12.5 * HOUR_MS,
      },
    ]);
    expect(agents.get('x')!.infectedAtMs).toBe(T0 + 12.5 * HOUR_MS);
    // Infected today means infectious from tomorrow at the earliest: no chains within one day.
    expect(isInfectiousAt(agents.get('x')!, T0 + 23 * HOUR_MS)).toBe(false);
  });

  it('spreads at home with no place and no scans', () => {
    const home = { ...DEFAULT_SIM_PARAMETERS, householdDaily: 1 };
    const s = sick('s');
    const m = agent('m', { householdId: s.householdId });
    const out = spread(new Map([s, m].map((a) => [a.id, a])), [], places, T0, new Prng(1), home);
    expect(out).toMatchObject([{ infecteeId: 'm', infectorId: 's', placeId: null, bothScanned: false }]);
  });
});

describe('population', () => {
  it('gives roles by age and prefers workplaces near home', () => {
    const residents = Array.from({ length: 200 }, (_, i) => ({
      id: `r${i}`,
      householdId: `h${i}`,
      path: '1.2.3.4',
      birthYear: i % 2 ? 2016 : 1990,
    }));
    const ps: SimPlace[] = [
      { id: 'near-office', category: 'office', gridCode: 'g', path: '1.2.3.4' },
      { id: 'far-office', category: 'office', gridCode: 'g', path: '1.9.9.9' },
      { id: 'school', category: 'school', gridCode: 'g', path: '1.2.3.5' },
      { id: 'cafe', category: 'restaurant', gridCode: 'g', path: '1.2.3.4' },
    ];
    const agents = buildPopulation(residents, ps, 2026, new Prng(3));
    expect(agents.filter((a) => a.age === 10).every((a) => a.role === 'student' && a.workPlaceId === 'school')).toBe(
      true,
    );
    const workers = agents.filter((a) => a.role === 'worker');
    expect(workers.length).toBeGreaterThan(50);
    // Half look for work in their own community first (an office or the café there), the rest further away.
    const local = workers.filter((a) => a.workPlaceId !== 'far-office').length;
    expect(local / workers.length).toBeGreaterThan(0.35);
    expect(local / workers.length).toBeLessThan(0.65);
    expect(agents.every((a) => a.venueIds.includes('cafe'))).toBe(true);
  });
});

describe('recall and precision', () => {
  const inf = (id: string, by: string, over: Partial<Infection> = {}): Infection => ({
    infecteeId: id,
    infectorId: by,
    placeId: 'cafe',
    atMs: T0,
    bothScanned: true,
    infectorArrivalMs: T0,
    infecteeArrivalMs: T0 + 10 * 60_000,
    ...over,
  });
  const kase = (personId: string, over: Partial<TracedCase> = {}): [string, TracedCase] => [
    personId,
    {
      personId,
      infectiousFromMs: T0 - DAY_MS,
      tracedAtMs: T0 + 3 * DAY_MS,
      firstPositiveSpecimenMs: T0 + 2 * DAY_MS,
      ...over,
    },
  ];
  const found = (
    personId: string,
    degree: 'close' | 'secondary',
    via: string,
    at = T0 + DAY_MS,
  ): [string, FoundContact] => [personId, { personId, degree, createdAtMs: at, viaCasesOf: new Set([via]) }];
  it('counts only infections at scanned places whose infector tested positive, and explains each miss', () => {
    const m = tracingMetrics({
      infections: [
        inf('a', 'S'),
        inf('b', 'S'),
        inf('c', 'S', { infectorArrivalMs: T0 - 2 * DAY_MS }),
        inf('d', 'S', { infecteeArrivalMs: T0 + 3 * HOUR_MS }),
        inf('e', 'S', { bothScanned: false }),
        inf('f', 'U'),
        inf('g', 'S', { placeId: null }),
      ],
      cases: new Map([kase('S'), kase('b', { firstPositiveSpecimenMs: T0 + DAY_MS / 2 })]),
      contacts: new Map([found('a', 'close', 'S'), found('b', 'secondary', 'X'), found('q', 'close', 'S')]),
      infected: new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g']),
      windowMsOf: () => 30 * 60_000,
    });
    expect(m).toMatchObject({
      traceable: 4,
      found: 2,
      foundViaInfector: 1,
      foundBeforeOwnPositive: 1,
      recall: 0.5,
      missed: { before_infectious_period: 1, outside_contact_window: 1, case_not_traced: 0, other: 0 },
      closeContacts: 2,
      closeContactsInfected: 1,
      precision: 0.5,
      secondaryContacts: 1,
      secondaryContactsInfected: 1,
    });
  });
});
