import { describe, expect, it } from 'vitest';
import { FACT_KINDS, HealthFactSchema, parseFact } from './facts.ts';
import { arrival, exposure, isolationCompleted, override, pcr, symptoms, vaccination } from './testing.ts';

const T = '2022-03-02T10:00:00Z';

function errorsOf(input: unknown): { path: string; message: string }[] {
  const r = parseFact(input);
  if (r.ok) throw new Error('expected the fact to be rejected');
  return r.errors;
}

describe('health facts', () => {
  it('accepts one valid fact of every kind', () => {
    const facts = [
      pcr('a', 'positive', T),
      vaccination('b', T),
      exposure('c', 'close', T),
      symptoms('d', T),
      arrival('e', T),
      isolationCompleted('f', T),
      override('g', 'green', T, '2022-03-05T00:00:00Z'),
    ];
    expect(facts.map((f) => f.kind).sort()).toEqual([...FACT_KINDS].sort());
    for (const f of facts) expect(parseFact(f)).toEqual({ ok: true, fact: f });
  });

  it('has no kind outside the closed list', () => {
    const errs = errorsOf({ ...symptoms('x', T), kind: 'petition' });
    expect(errs[0]?.path).toBe('/kind');
  });

  it('rejects non-medical fields on any kind', () => {
    for (const extra of [{ ethnicity: 'x' }, { petitionCount: 3 }, { creditScore: 500 }, { notes: 'protester' }]) {
      const errs = errorsOf({ ...exposure('x', 'close', T), ...extra });
      expect(errs.some((e) => e.message.includes('Unrecognized key'))).toBe(true);
    }
  });

  it('rejects prose smuggled into identifiers', () => {
    const errs = errorsOf({ ...pcr('x', 'positive', T), recordedBy: 'attended the protest on Monday' });
    expect(errs).toEqual([expect.objectContaining({ path: '/recordedBy' })]);
  });

  it('only accepts sources that can produce the kind', () => {
    expect(errorsOf({ ...pcr('x', 'positive', T), provenance: { source: 'self_reported' } })[0]?.path).toBe(
      '/provenance/source',
    );
    expect(errorsOf({ ...symptoms('x', T), provenance: { source: 'lab', labId: 'L', specimenId: 'S' } })[0]?.path).toBe(
      '/provenance/source',
    );
  });

  it('requires the specimen to be collected before the result', () => {
    const errs = errorsOf(pcr('x', 'positive', '2022-03-03T00:00:00Z', '2022-03-02T00:00:00Z'));
    expect(errs).toEqual([expect.objectContaining({ path: '/specimenCollectedAt' })]);
  });

  it('pins an exposure to the end of its window and to its case', () => {
    const e = exposure('x', 'close', T);
    expect(errorsOf({ ...e, occurredAt: '2022-03-03T00:00:00Z' })[0]?.path).toBe('/occurredAt');
    expect(errorsOf({ ...e, caseId: null, provenance: { source: 'officer', officerId: 'O' } })[0]?.path).toBe(
      '/caseId',
    );
    expect(errorsOf({ ...e, provenance: { source: 'case', caseId: 'C2' } })[0]?.path).toBe('/provenance/caseId');
    expect(errorsOf({ ...e, window: { start: '2022-03-03T00:00:00Z', end: T } })[0]?.path).toBe('/window/start');
    expect(errorsOf({ ...exposure('y', 'risk_place', T), placeId: null })[0]?.path).toBe('/placeId');
  });

  it('needs two different people for an override, and an expiry for a color', () => {
    const o = override('x', 'red', T, '2022-03-09T00:00:00Z');
    expect(errorsOf({ ...o, approvedBy: o.proposedBy })).toEqual([
      expect.objectContaining({ path: '/approvedBy', message: expect.stringContaining('two different people') }),
    ]);
    expect(errorsOf({ ...o, expiresAt: null })[0]?.path).toBe('/expiresAt');
    expect(errorsOf({ ...o, expiresAt: T })[0]?.path).toBe('/expiresAt');
    expect(errorsOf({ ...override('y', 'clear', T), expiresAt: '2022-03-09T00:00:00Z' })[0]?.path).toBe('/expiresAt');
    expect(HealthFactSchema.safeParse(override('z', 'clear', T)).success).toBe(true);
  });

  it('rejects timestamps without an offset and symptoms outside the list', () => {
    expect(errorsOf({ ...symptoms('x', T), occurredAt: '2022-03-02 10:00' })[0]?.path).toBe('/occurredAt');
    expect(errorsOf({ ...symptoms('x', T), symptoms: ['sadness'] })[0]?.path).toBe('/symptoms/0');
    expect(errorsOf({ ...symptoms('x', T), symptoms: [] })[0]?.path).toBe('/symptoms');
  });
});
