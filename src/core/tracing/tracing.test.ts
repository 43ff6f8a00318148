import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGraph, likelySource, type ChainCase, type ChainExposure } from './chains.ts';
import { closeContacts, secondaryContacts } from './contacts.ts';
import { encounter, findContacts, type ScanRef } from './overlap.ts';
import { mergeRanges } from './ranges.ts';
import { contactReason, riskVisitReason, span } from './reasons.ts';
import { contactWindowMs, infectiousFrom, utcDay, utcDaysBetween, widestWindowMs } from './windows.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T12:00:00Z');
const W = 30 * MIN;
const scan = (id: string, personId: string, placeId: string, atMs: number): ScanRef => ({
  id,
  personId,
  placeId,
  atMs,
});

describe('encounters', () => {
  it('is the overlap of both presences when the scans are at most one window apart', () => {
    expect(encounter(scan('a', 'case', 'P', T0), scan('b', 'x', 'P', T0 + 10 * MIN), W)).toMatchObject({
      startMs: T0 + 10 * MIN,
      endMs: T0 + 30 * MIN,
    });
    // Symmetric: the contact may have arrived first.
    expect(encounter(scan('a', 'case', 'P', T0), scan('b', 'x', 'P', T0 - 10 * MIN), W)).toMatchObject({
      startMs: T0,
      endMs: T0 + 20 * MIN,
    });
    expect(encounter(scan('a', 'case', 'P', T0), scan('b', 'x', 'P', T0 + W), W)).toMatchObject({
      startMs: T0 + W,
      endMs: T0 + W,
    });
    expect(encounter(scan('a', 'case', 'P', T0), scan('b', 'x', 'P', T0 + W + 1), W)).toBeNull();
    expect(encounter(scan('a', 'case', 'P', T0), scan('b', 'x', 'Q', T0), W)).toBeNull();
    expect(encounter(scan('a', 'case', 'P', T0), scan('b', 'case', 'P', T0), W)).toBeNull();
  });

  it('finds exactly what comparing every pair finds (property)', () => {
    const arb = fc.array(
      fc.record({
        person: fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5'),
        place: fc.constantFrom('A', 'B', 'C'),
        minute: fc.integer({ min: 0, max: 600 }),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(arb, arb, fc.integer({ min: 1, max: 120 }), (src, cand, windowMin) => {
        const sources = src.map((s, i) => scan(`s${i}`, 'case', s.place, T0 + s.minute * MIN));
        const candidates = cand.map((c, i) => scan(`c${i}`, c.person, c.place, T0 + c.minute * MIN));
        const w = windowMin * MIN;
        const got = findContacts(sources, candidates, () => w, new Set(['p5']));
        const expected = new Map<string, number>();
        for (const s of sources)
          for (const c of candidates)
            if (c.personId !== 'p5' && c.placeId === s.placeId && Math.abs(c.atMs - s.atMs) <= w)
              expected.set(c.personId, (expected.get(c.personId) ?? 0) + 1);
        expect(new Map(got.map((f) => [f.personId, f.encounters.length]))).toEqual(expected);
        for (const f of got) {
          const ends = f.encounters.map((e) => e.endMs);
          expect(f.last.endMs).toBe(Math.max(...ends));
          expect(f.first.endMs).toBe(Math.min(...ends));
        }
        expect(got.map((f) => f.personId)).toEqual([...got.map((f) => f.personId)].sort());
      }),
    );
  });

  it('uses the window of each place', () => {
    const windowOf = (placeId: string) => (placeId === 'office' ? 480 * MIN : W);
    const found = findContacts(
      [scan('s1', 'case', 'office', T0), scan('s2', 'case', 'shop', T0)],
      [scan('c1', 'a', 'office', T0 + 3 * 3600_000), scan('c2', 'b', 'shop', T0 + 3 * 3600_000)],
      windowOf,
      new Set(),
    );
    expect(found.map((f) => f.personId)).toEqual(['a']);
  });

  it('ignores encounters that ended before a source could pass anything on', () => {
    const src = [{ ...scan('s1', 'k', 'P', T0), fromMs: T0 + 2 * 3600_000 }];
    expect(findContacts(src, [scan('c1', 'a', 'P', T0 + 5 * MIN)], () => W, new Set())).toEqual([]);
  });
});

describe('contact degrees', () => {
  const windowOf = () => W;
  it('makes people who met a close contact after their exposure secondary contacts, and nobody both', () => {
    const caseScans = [scan('c0', 'case', 'R', T0)];
    const near = [scan('a1', 'A', 'R', T0 + 5 * MIN), scan('x1', 'case', 'R', T0)];
    const close = closeContacts('case', caseScans, near, windowOf);
    expect(close.map((c) => [c.personId, c.degree])).toEqual([['A', 'close']]);
    const aScans = [scan('a1', 'A', 'R', T0 + 5 * MIN), scan('a2', 'A', 'S', T0 + DAY), scan('a0', 'A', 'S', T0 - DAY)];
    const near2 = [
      scan('b1', 'B', 'S', T0 + DAY + 10 * MIN),
      scan('old', 'D', 'S', T0 - DAY + 5 * MIN), // met A before A was exposed
      scan('c9', 'case', 'S', T0 + DAY),
      scan('a9', 'A', 'S', T0 + DAY),
    ];
    const secondary = secondaryContacts('case', close, aScans, near2, windowOf);
    expect(secondary.map((s) => [s.personId, s.degree, s.via])).toEqual([['B', 'secondary', ['A']]]);
  });
});

describe('windows and periods', () => {
  const params = { closeContactMinutesByPlaceCategory: { default: 30, office: 240 } };
  it('takes the category window, else the default', () => {
    expect(contactWindowMs(params, 'office')).toBe(240 * MIN);
    expect(contactWindowMs(params, 'restaurant')).toBe(30 * MIN);
    expect(contactWindowMs(params, 'toString')).toBe(30 * MIN);
    expect(widestWindowMs(params)).toBe(240 * MIN);
  });
  it('starts the infectious period N days before onset, or before the specimen', () => {
    const specimen = Date.parse('2026-03-05T08:00:00Z');
    expect(infectiousFrom({ onsetMs: null, specimenMs: specimen, daysBefore: 2 })).toBe(specimen - 2 * DAY);
    expect(infectiousFrom({ onsetMs: specimen - DAY, specimenMs: specimen, daysBefore: 2 })).toBe(specimen - 3 * DAY);
    expect(infectiousFrom({ onsetMs: specimen + DAY, specimenMs: specimen, daysBefore: 2 })).toBe(specimen - 2 * DAY);
  });
  it('lists the UTC days of an interval', () => {
    expect(utcDay(Date.parse('2026-03-01T23:59:59Z'))).toBe('2026-03-01');
    expect(utcDaysBetween(Date.parse('2026-02-27T23:00:00Z'), Date.parse('2026-03-01T00:00:00Z'))).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
    ]);
  });
});

describe('reasons', () => {
  it('name the place and the time, in both languages', () => {
    const r = contactReason(
      'close',
      { zh: '文华餐厅', en: 'Wenhua Restaurant' },
      T0,
      T0 + 20 * MIN,
      'Asia/Shanghai',
      1,
    );
    expect(r.en).toBe(
      'At Wenhua Restaurant on 1 Mar 2026 20:00–20:20 you were there at the same time as a confirmed case: close contact',
    );
    expect(r['zh-CN']).toBe('2026年3月1日 20:00至20:20在文华餐厅与一名确诊病例同时在场，判定为密切接触者');
    const s = contactReason('secondary', { zh: '店', en: 'Shop' }, T0, T0 + 5 * MIN, 'UTC', 3);
    expect(s.en).toMatch(/close contact of a confirmed case: secondary contact \(last of 3 encounters\)$/);
    expect(span(T0 + 11.9 * 3600_000, T0 + 12.1 * 3600_000, 'UTC', 'en')).toBe('1 Mar 2026 23:54–2 Mar 2026 00:06');
    const v = riskVisitReason(
      { zh: '东湖区', en: 'Donghu District' },
      { zh: '店', en: 'Shop' },
      T0,
      T0 - DAY,
      T0 + DAY,
      'UTC',
    );
    expect(v.en).toBe(
      'You visited Shop in Donghu District on 1 Mar 2026 12:00, within its risk window 28 Feb 2026 12:00–2 Mar 2026 12:00',
    );
  });
});

describe('transmission chains', () => {
  const cases: ChainCase[] = [
    { id: 'K1', personId: 'case1', sourceCaseId: null, openedAtMs: T0, specimenAtMs: T0, state: 'open' },
    {
      id: 'K2',
      personId: 'A',
      sourceCaseId: 'K1',
      openedAtMs: T0 + 3 * DAY,
      specimenAtMs: T0 + 3 * DAY,
      state: 'open',
    },
  ];
  const e = (id: string, over: Partial<ChainExposure>): ChainExposure => ({
    id,
    caseId: 'K1',
    personId: 'A',
    degree: 'close',
    viaPersonId: null,
    placeId: 'R',
    startMs: T0 - DAY,
    endMs: T0 - DAY + W,
    state: 'confirmed',
    ...over,
  });
  it('draws edges with place and time, marks likely transmissions and clusters places linking cases', () => {
    const g = buildGraph(cases, [
      e('e1', {}),
      e('e2', { personId: 'B', degree: 'secondary', viaPersonId: 'A', placeId: 'S' }),
      e('e3', { caseId: 'K2', personId: 'C', placeId: 'R', startMs: T0 + 2 * DAY, endMs: T0 + 2 * DAY + W }),
      e('e4', { personId: 'D', state: 'dismissed' }),
    ]);
    expect(g.nodes).toEqual([
      { personId: 'A', kind: 'case', caseId: 'K2' },
      { personId: 'case1', kind: 'case', caseId: 'K1' },
      { personId: 'C', kind: 'close', caseId: null },
      { personId: 'B', kind: 'secondary', caseId: null },
    ]);
    const edge = g.edges.find((x) => x.exposureId === 'e1')!;
    expect(edge).toMatchObject({ from: 'case1', to: 'A', placeId: 'R', becameCase: true });
    expect(g.edges.find((x) => x.exposureId === 'e2')).toMatchObject({ from: 'A', to: 'B', becameCase: false });
    expect(g.edges.some((x) => x.exposureId === 'e4')).toBe(false);
    expect(g.clusters[0]).toMatchObject({ placeId: 'R', caseIds: ['K1', 'K2'], cluster: true, contacts: 2 });
    expect(g.clusters.find((c) => c.placeId === 'S')).toMatchObject({ cluster: false });
  });
  it('picks the likely source: close over secondary, the latest, within the lookback, never after the specimen', () => {
    const x = (caseId: string, endMs: number, degree: 'close' | 'secondary' | 'risk_place' = 'close') => ({
      caseId,
      endMs,
      degree,
    });
    expect(likelySource([x('K1', T0 - DAY), x('K2', T0 - 2 * DAY)], T0, 14 * DAY)).toBe('K1');
    expect(likelySource([x('K1', T0 - DAY, 'secondary'), x('K2', T0 - 2 * DAY)], T0, 14 * DAY)).toBe('K2');
    expect(
      likelySource([x('K1', T0 + DAY), x('K2', T0 - 20 * DAY), x('K3', T0, 'risk_place')], T0, 14 * DAY),
    ).toBeNull();
  });
});

describe('probe ranges', () => {
  it('merges overlapping ranges per place and keeps every probed instant covered (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            placeId: fc.constantFrom('A', 'B'),
            from: fc.integer({ min: 0, max: 1000 }),
            len: fc.integer({ min: 0, max: 100 }),
          }),
        ),
        (raw) => {
          const ranges = raw.map((r) => ({ placeId: r.placeId, from: r.from, to: r.from + r.len }));
          const merged = mergeRanges(ranges);
          for (const r of ranges)
            expect(merged.some((m) => m.placeId === r.placeId && m.from <= r.from && r.to <= m.to)).toBe(true);
          for (let i = 1; i < merged.length; i++)
            if (merged[i]!.placeId === merged[i - 1]!.placeId)
              expect(merged[i]!.from).toBeGreaterThan(merged[i - 1]!.to);
          const covered = (list: typeof ranges, place: string, x: number) =>
            list.some((m) => m.placeId === place && m.from <= x && x <= m.to);
          for (const m of merged)
            expect(covered(ranges, m.placeId, m.from) && covered(ranges, m.placeId, m.to)).toBe(true);
        },
      ),
    );
  });
});
