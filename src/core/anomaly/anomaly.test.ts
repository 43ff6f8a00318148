import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { burstVerdict } from './burst.ts';
import { defectGroupKey, statusChainDefects, type CitedFact } from './fact-chain.ts';
import { massFlipVerdict } from './mass-flip.ts';
import { scopeVerdict } from './scope.ts';
import { DEFAULT_THRESHOLDS as T } from './thresholds.ts';

const burst = (people: number, baselineEvents: number, unsupported = 0) =>
  burstVerdict({ people, baselineEvents, unsupported }, { ...T, minPeople: T.burstMinPeople });

describe('burst detector', () => {
  it('needs both enough people and a rate far above the key’s own usual', () => {
    expect(burst(T.burstMinPeople - 1, 0)).toBeNull();
    expect(burst(T.burstMinPeople, 0)).not.toBeNull();
    // 168 windows in the baseline week: 30 per window usual means 30 now is nothing special.
    expect(burst(30, 30 * 168)).toBeNull();
    expect(burst(300, 30 * 168)).not.toBeNull();
  });

  it('ranks a burst without confirmed cases highest', () => {
    expect(burst(30, 0, 30)?.severity).toBe('high');
    expect(burst(30, 0, 0)?.severity).not.toBe('high');
    expect(burst(30, 0, 30)?.reasons.join(' ')).toMatch(/30 of them with no confirmed case/);
  });

  it('is monotone: more people never turns a flag off', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.nat(500), fc.nat(5000), (a, extra, base) => {
        if (burst(a, base)) expect(burst(a + extra, base)).not.toBeNull();
      }),
    );
  });
});

describe('fact-chain detector', () => {
  const fact = (over: Partial<CitedFact>): CitedFact => ({
    id: 'f',
    kind: 'exposure',
    withdrawn: false,
    supported: true,
    ...over,
  });
  it('accepts green, and red resting on supported facts', () => {
    expect(statusChainDefects('green', [], new Map())).toEqual([]);
    expect(statusChainDefects('red', ['f'], new Map([['f', fact({})]]))).toEqual([]);
  });
  it('names every defect', () => {
    const facts = new Map([
      ['w', fact({ id: 'w', withdrawn: true })],
      ['u', fact({ id: 'u', supported: false, placeId: 'p1', caseId: 'c0' })],
      ['o', fact({ id: 'o', kind: 'override', twoPerson: false })],
    ]);
    expect(statusChainDefects('red', [], facts)).toEqual([{ kind: 'no-reasons' }]);
    const d = statusChainDefects('yellow', ['gone', 'w', 'u', 'o'], facts);
    expect(d.map((x) => x.kind)).toEqual([
      'missing-fact',
      'withdrawn-fact',
      'unsupported-exposure',
      'unapproved-override',
    ]);
    expect(defectGroupKey(d[2]!, 'person-1')).toBe('place:p1');
    expect(defectGroupKey(d[0]!, 'person-1')).toBe('missing-fact:person-1');
  });
});

describe('recorder-scope detector', () => {
  const base = {
    recorderScopePath: '990100.990101',
    personPath: '990100.990101.x',
    personDistrict: '990101',
    history: new Map<string, number>(),
    recentInDistrict: 0,
    localRecorder: true,
  };
  it('flags a fact outside the recorder’s jurisdiction as high', () => {
    expect(scopeVerdict({ ...base, personPath: '990100.990102.y' }, T)?.severity).toBe('high');
  });
  it('flags a batch far from where a local recorder usually works, but not a city-wide epidemiologist', () => {
    const history = new Map([['990102', 100]]);
    const far = { ...base, recorderScopePath: '990100', personPath: '990100.990101.x', history, recentInDistrict: 6 };
    expect(scopeVerdict(far, T)?.severity).toBe('medium');
    expect(scopeVerdict({ ...far, recentInDistrict: 2 }, T)).toBeNull();
    expect(scopeVerdict({ ...far, localRecorder: false }, T)).toBeNull();
    // A history spread over many districts has no "usual".
    const spread = new Map([
      ['990102', 20],
      ['990103', 20],
      ['990104', 20],
    ]);
    expect(scopeVerdict({ ...far, history: spread }, T)).toBeNull();
  });
});

describe('mass-flip detector', () => {
  it('flags a rule set that turns many people red or yellow at once', () => {
    expect(massFlipVerdict({ toColor: { red: 10, yellow: 10 }, evaluated: 1000 }, 50)).toBeNull();
    expect(massFlipVerdict({ toColor: { red: 60 }, evaluated: 1000 }, 50)?.severity).toBe('high');
    expect(massFlipVerdict({ toColor: { yellow: 60, green: 500 }, evaluated: 1000 }, 50)).toMatchObject({
      severity: 'medium',
      worsened: 60,
    });
  });
});
