import { describe, expect, it } from 'vitest';
import { NOW, tesseraKey } from '../../../test/fixtures/codes/fixtures.ts';
import { cborDecode } from './cbor.ts';
import { decodeCoseSign1 } from './cose.ts';
import { ClaimsError, decodeClaims } from './cwt.ts';
import { openEnvelope } from './envelope.ts';
import {
  issueHealthCode,
  issuePlaceCode,
  MAX_HEALTH_CODE_TTL_SECONDS,
  parseHealthClaims,
  parsePlaceClaims,
  pseudonymFor,
} from './tsr1.ts';
import { TrustStore, verifyCode } from './verify.ts';

const es = tesseraKey('ES256');
const ed = tesseraKey('EdDSA');
const signer = (k = es) => ({ key: k.privateKey, kid: k.kid, alg: k.alg, now: NOW });
const health = { issuer: '110105', subject: 'sub-1', color: 'yellow', vaccination: 2 } as const;

function claimsOf(code: string) {
  const env = openEnvelope(code);
  if (!env.ok) throw new Error(env.error);
  return decodeClaims(decodeCoseSign1(env.cose).payload);
}

describe('TSR1 health codes', () => {
  it.each([es, ed])('issues a code that decodes to the documented claims ($alg)', (k) => {
    const issued = issueHealthCode({ claims: health, ...signer(k) });
    expect(issued.code).toMatch(/^TSR1:[0-9A-Z $%*+\-./:]+$/);
    expect(issued.issuedAt.toISOString()).toBe('2026-06-01T10:00:00.000Z');
    expect(issued.expiresAt.toISOString()).toBe('2026-06-01T10:03:00.000Z');
    const claims = claimsOf(issued.code);
    expect([...claims.keys()]).toEqual([1, 6, 4, -70001]);
    expect(claims.get(1)).toBe('110105');
    expect(claims.get(6)).toBe(NOW.getTime() / 1000);
    expect(claims.get(4)).toBe(NOW.getTime() / 1000 + 180);
    expect(claims.get(-70001)).toEqual(
      new Map<string, unknown>([
        ['v', 1],
        ['sub', 'sub-1'],
        ['c', 'yellow'],
        ['vx', 2],
      ]),
    );
    expect(parseHealthClaims(claims)).toEqual({
      issuer: '110105',
      subject: 'sub-1',
      color: 'yellow',
      vaccination: 2,
      issuedAt: 1780308000,
      expiresAt: 1780308180,
    });
  });

  it('is small enough for a low-version QR code', () => {
    const { code } = issueHealthCode({
      claims: { ...health, subject: pseudonymFor(Buffer.alloc(32, 7), 'p1', '2026-06-01') },
      ...signer(),
    });
    expect(code.length).toBeLessThan(260);
  });

  it('verifies offline against the jurisdiction key', () => {
    const { code } = issueHealthCode({ claims: health, ...signer(ed) });
    const r = verifyCode(code, { keys: [ed.trusted], certs: [] }, NOW);
    expect(r).toMatchObject({
      format: 'TSR1',
      valid: true,
      color: 'yellow',
      vaccination: 2,
      issuer: '110105',
      error: null,
    });
    expect(r.kid).toBe(ed.kid.toString('base64'));
  });

  it('refuses bad issuing input', () => {
    expect(() => issueHealthCode({ claims: { ...health, ttlSeconds: 0 }, ...signer() })).toThrow(/ttlSeconds/);
    expect(() =>
      issueHealthCode({ claims: { ...health, ttlSeconds: MAX_HEALTH_CODE_TTL_SECONDS + 1 }, ...signer() }),
    ).toThrow(/ttlSeconds/);
    expect(() => issueHealthCode({ claims: { ...health, color: 'blue' as never }, ...signer() })).toThrow(/color/);
    expect(() => issueHealthCode({ claims: { ...health, vaccination: 3 as never }, ...signer() })).toThrow(
      /vaccination/,
    );
    expect(() => issueHealthCode({ claims: { ...health, subject: '' }, ...signer() })).toThrow(/subject/);
    expect(() => issueHealthCode({ claims: health, ...signer(), kid: Buffer.alloc(4) })).toThrow(/kid must be 8 bytes/);
    expect(() => issueHealthCode({ claims: health, ...signer(), alg: 'PS256' })).toThrow(/ES256 or EdDSA/);
    expect(() => issueHealthCode({ claims: health, ...signer(), alg: 'EdDSA' })).toThrow(/Ed25519/);
    expect(() => issueHealthCode({ claims: health, ...signer(), now: new Date(NaN) })).toThrow(/not a valid date/);
  });

  it.each([
    ['no iss', (m: Map<unknown, unknown>) => m.delete(1), /iss \(1\) claim is missing/],
    ['numeric iss', (m: Map<unknown, unknown>) => m.set(1, 5), /iss \(1\) must be a non-empty text string/],
    ['no exp', (m: Map<unknown, unknown>) => m.delete(4), /exp \(4\) claim is missing/],
    ['text iat', (m: Map<unknown, unknown>) => m.set(6, 'now'), /iat \(6\) must be a non-negative NumericDate/],
    ['exp before iat', (m: Map<unknown, unknown>) => m.set(4, 1), /exp must be after iat/],
    [
      'a week-long code',
      (m: Map<unknown, unknown>) => m.set(4, (m.get(6) as number) + 7 * 86400),
      /lifetime .* exceeds/,
    ],
    ['no health claim', (m: Map<unknown, unknown>) => m.delete(-70001), /health claim \(-70001\) is missing/],
    ['health not a map', (m: Map<unknown, unknown>) => m.set(-70001, [1]), /must be a map, got an array/],
    [
      'version 2',
      (m: Map<unknown, unknown>) => (m.get(-70001) as Map<string, unknown>).set('v', 2),
      /version must be 1, got 2/,
    ],
    [
      'purple',
      (m: Map<unknown, unknown>) => (m.get(-70001) as Map<string, unknown>).set('c', 'purple'),
      /health.c must be one of green\|yellow\|red, got "purple"/,
    ],
    [
      'vx true',
      (m: Map<unknown, unknown>) => (m.get(-70001) as Map<string, unknown>).set('vx', true),
      /health.vx must be 0, 1 or 2, got true/,
    ],
    [
      'no sub',
      (m: Map<unknown, unknown>) => (m.get(-70001) as Map<string, unknown>).delete('sub'),
      /health.sub claim is missing/,
    ],
  ])('rejects claims with %s', (_name, mutate, message) => {
    const claims = claimsOf(issueHealthCode({ claims: health, ...signer() }).code);
    mutate(claims);
    expect(() => parseHealthClaims(claims)).toThrow(ClaimsError);
    expect(() => parseHealthClaims(claims)).toThrow(message);
  });
});

describe('TSP1 place codes', () => {
  const place = {
    issuer: '110105',
    placeId: 'pl_01HZX',
    jurisdiction: '110105001001',
    kind: 'venue',
    category: 'restaurant',
    name: '老北京炸酱面 (Sanlitun)',
  } as const;

  it('round-trips place claims and verifies with the same envelope', () => {
    const issued = issuePlaceCode({ claims: place, ...signer() });
    expect(issued.code.startsWith('TSP1:')).toBe(true);
    expect(issued.expiresAt.getTime() - issued.issuedAt.getTime()).toBe(366 * 86400 * 1000);
    expect(parsePlaceClaims(claimsOf(issued.code))).toMatchObject({ ...place, issuedAt: 1780308000 });
    const r = verifyCode(issued.code, new TrustStore({ keys: [es.trusted], certs: [] }), NOW);
    expect(r).toMatchObject({ format: 'TSP1', valid: true, color: null, issuer: '110105' });
    expect(r.payload).toMatchObject({
      place: { id: 'pl_01HZX', j: '110105001001', k: 'venue', cat: 'restaurant', n: place.name },
    });
  });

  it('rejects a bad place kind and a health code posing as a place code', () => {
    expect(() => issuePlaceCode({ claims: { ...place, kind: 'home' as never }, ...signer() })).toThrow(/kind/);
    const claims = claimsOf(issueHealthCode({ claims: health, ...signer() }).code);
    expect(() => parsePlaceClaims(claims)).toThrow(/place claim \(-70002\) is missing/);
    // A TSR1 body under a TSP1 prefix is not a place code.
    const swapped = issueHealthCode({ claims: health, ...signer() }).code.replace(/^TSR1:/, 'TSP1:');
    expect(verifyCode(swapped, { keys: [es.trusted], certs: [] }, NOW)).toMatchObject({
      valid: false,
      checks: { cose: false },
      error: expect.stringMatching(/place claim/),
    });
  });
});

describe('pseudonymFor', () => {
  const secret = Buffer.alloc(32, 1);

  it('is stable within a day, changes across days and people, and is 22 base64url chars', () => {
    const a = pseudonymFor(secret, 'person-1', '2026-06-01');
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(pseudonymFor(secret, 'person-1', '2026-06-01')).toBe(a);
    expect(pseudonymFor(secret, 'person-1', '2026-06-02')).not.toBe(a);
    expect(pseudonymFor(secret, 'person-2', '2026-06-01')).not.toBe(a);
    expect(pseudonymFor(Buffer.alloc(32, 2), 'person-1', '2026-06-01')).not.toBe(a);
  });

  it('refuses weak secrets and malformed days', () => {
    expect(() => pseudonymFor(Buffer.alloc(8), 'p', '2026-06-01')).toThrow(/16 bytes/);
    expect(() => pseudonymFor(secret, 'p', '2026-6-1')).toThrow(/YYYY-MM-DD/);
    expect(() => pseudonymFor(secret, '', '2026-06-01')).toThrow(/personId/);
  });
});

describe('claims encoding', () => {
  it('keeps the private claim under the CWT private-use range', () => {
    const claims = claimsOf(issueHealthCode({ claims: health, ...signer() }).code);
    const key = [...claims.keys()].find((k) => typeof k === 'number' && k < -65536);
    expect(key).toBe(-70001);
    expect(cborDecode(Buffer.from('3a00011170', 'hex'))).toBe(-70001);
  });
});
