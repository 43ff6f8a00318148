import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dsc, makeHc1, NOW, NOW_S, tesseraKey } from '../../../test/fixtures/codes/fixtures.ts';
import { BASE45_ALPHABET, base45Decode, base45Encode } from './base45.ts';
import { cborEncode } from './cbor.ts';
import { decodeCoseSign1, encodeCoseSign1, sigStructure, signBytes } from './cose.ts';
import { openEnvelope, wrapEnvelope } from './envelope.ts';
import { issueHealthCode } from './tsr1.ts';
import { TrustStore, verifyCode } from './verify.ts';
import type { Trust, VerifyResult } from './verify.ts';

const es = tesseraKey('ES256');
const ed = tesseraKey('EdDSA');
const other = tesseraKey('ES256');
const trust: Trust = { keys: [es.trusted, ed.trusted], certs: [dsc('dsc-es256-any').cert, dsc('dsc-ps256-r').cert] };
const store = new TrustStore(trust);

const health = (k = es, over: Partial<{ issuer: string; ttlSeconds: number }> = {}, now = NOW) =>
  issueHealthCode({
    claims: { issuer: '110105', subject: 's', color: 'red', vaccination: 0, ...over },
    key: k.privateKey,
    kid: k.kid,
    alg: k.alg,
    now,
  }).code;

const tsr1 = health();
const hc1 = makeHc1();
const hc1Rsa = makeHc1({ signer: 'dsc-ps256-r', type: 'r' });

function expectFailure(r: VerifyResult, check: keyof VerifyResult['checks'], message: RegExp) {
  expect(r.valid).toBe(false);
  expect(r.checks[check]).toBe(false);
  expect(r.error).toMatch(message);
  // Checks after the failing stage of the envelope could not run.
  const order = ['prefix', 'base45', 'decompress', 'cose'] as const;
  const i = order.indexOf(check as (typeof order)[number]);
  if (i >= 0) {
    for (const before of order.slice(0, i)) expect(r.checks[before]).toBe(true);
    for (const after of order.slice(i + 1)) expect(r.checks[after]).toBeNull();
    // A bad claim (cose=false) still leaves a well-formed envelope whose signature is checked.
    if (check !== 'cose') expect(r.checks.signature).toBeNull();
    expect(r.checks.expiry).toBeNull();
  }
}

describe('verifyCode: TSR1', () => {
  it('accepts ES256 and EdDSA codes', () => {
    expect(verifyCode(tsr1, store, NOW)).toMatchObject({ valid: true, color: 'red', vaccination: 0 });
    expect(verifyCode(health(ed), trust, NOW).valid).toBe(true);
  });

  it('rejects an expired code (exp is exclusive) and accepts it a second before', () => {
    expect(verifyCode(tsr1, store, new Date(NOW.getTime() + 179_000)).valid).toBe(true);
    expectFailure(
      verifyCode(tsr1, store, new Date(NOW.getTime() + 180_000)),
      'expiry',
      /expired at 2026-06-01T10:03:00/,
    );
  });

  it('rejects a code forged with another key under a trusted kid', () => {
    const forged = issueHealthCode({
      claims: { issuer: '110105', subject: 's', color: 'green', vaccination: 2 },
      key: other.privateKey,
      kid: es.kid,
      alg: 'ES256',
      now: NOW,
    }).code;
    const r = verifyCode(forged, store, NOW);
    expectFailure(r, 'signature', /signature does not verify with key .* of 110105/);
    expect(r.color).toBe('green'); // shown to explain, but not valid
  });

  it('rejects an unknown kid', () => {
    expectFailure(
      verifyCode(health(other), store, NOW),
      'signature',
      /unknown kid .*not in the trust list|no such key/,
    );
  });

  it('rejects an algorithm swap against the key on record', () => {
    // An EdDSA signature under the kid of an ES256 key: refused before any verification.
    const swapped = issueHealthCode({
      claims: { issuer: '110105', subject: 's', color: 'green', vaccination: 2 },
      key: ed.privateKey,
      kid: es.kid,
      alg: 'EdDSA',
      now: NOW,
    }).code;
    expectFailure(verifyCode(swapped, store, NOW), 'signature', /is ES256, the code says EdDSA/);
  });

  it('rejects PS256 for Tessera codes', () => {
    const cose = decodeCoseSign1((openEnvelope(tsr1) as { cose: Buffer }).cose);
    const prot = cborEncode(
      new Map<number, unknown>([
        [1, -37],
        [4, es.kid],
      ]),
    );
    const code = wrapEnvelope('TSR1', encodeCoseSign1(prot, new Map(), cose.payload, cose.signature));
    expectFailure(verifyCode(code, store, NOW), 'signature', /unsupported algorithm PS256 for Tessera codes/);
  });

  it("rejects a key signing for another jurisdiction's issuer", () => {
    const r = verifyCode(health(es, { issuer: '310101' }), store, NOW);
    expectFailure(r, 'keyUsage', /belongs to jurisdiction 110105, code claims issuer 310101/);
    expect(r.checks.signature).toBe(true);
  });

  it('keeps verifying a retired key until its codes expire, but not codes it signs after retirement', () => {
    const retired = { ...es.trusted, notAfter: new Date(NOW.getTime() + 60_000) };
    const s = new TrustStore({ keys: [retired], certs: [] });
    // Signed just before retirement, checked 2 minutes later (after notAfter, before exp).
    expect(verifyCode(tsr1, s, new Date(NOW.getTime() + 120_000)).valid).toBe(true);
    const late = health(es, {}, new Date(NOW.getTime() + 120_000));
    expectFailure(verifyCode(late, s, new Date(NOW.getTime() + 130_000)), 'expiry', /outside the key's signing period/);
    const early = health(es, {}, new Date('2025-12-31T23:59:00Z'));
    expectFailure(verifyCode(early, s, new Date('2025-12-31T23:59:30Z')), 'expiry', /signing period/);
  });

  it('rejects a code with a broken claim as a cose failure but still checks the signature', () => {
    const cose = decodeCoseSign1((openEnvelope(tsr1) as { cose: Buffer }).cose);
    const payload = cborEncode(
      new Map<number, unknown>([
        [1, '110105'],
        [6, NOW_S],
        [4, NOW_S + 60],
      ]),
    );
    const prot = cose.protectedBytes;
    const sig = signBytes('ES256', es.privateKey, sigStructure(prot, payload));
    const code = wrapEnvelope('TSR1', encodeCoseSign1(prot, new Map(), payload, sig));
    const r = verifyCode(code, store, NOW);
    expect(r).toMatchObject({ valid: false, checks: { cose: false, signature: true, expiry: null } });
    expect(r.error).toMatch(/health claim \(-70001\) is missing/);
  });
});

describe('verifyCode: malformed input', () => {
  it.each([
    ['empty', '', 'prefix', /empty code/],
    ['no prefix', 'NCFV80U20FFWTWGSLKC', 'prefix', /unknown prefix 'NCFV80U2…'/],
    ['future version', 'HC2:NCFOXN%TS3DH', 'prefix', /unknown prefix 'HC2:'/],
    ['lower case prefix', `tsr1:${tsr1.slice(5)}`, 'prefix', /unknown prefix 'tsr1:'/],
    ['nothing after prefix', 'TSR1:', 'base45', /nothing after the prefix/],
    [
      'bad Base45 character',
      `${tsr1.slice(0, 20)}#${tsr1.slice(21)}`,
      'base45',
      /invalid Base45 character '#' at position 20/,
    ],
    ['lower-case Base45', tsr1.toLowerCase().replace('tsr1:', 'TSR1:'), 'base45', /upper case only/],
    ['dangling character', `${tsr1}0`, 'base45', /trailing group of 1 character/],
    ['not zlib', `TSR1:${base45Encode(Buffer.from('plain text, not compressed'))}`, 'decompress', /zlib/],
    [
      'bytes after the zlib stream',
      `TSR1:${base45Encode(Buffer.concat([base45Decode(tsr1.slice(5)), Buffer.from([0])]))}`,
      'decompress',
      /1 unexpected byte\(s\) after the zlib stream/,
    ],
    ['zip bomb', `TSR1:${base45Encode(deflateSync(Buffer.alloc(1 << 20)))}`, 'decompress', /exceeds 65536 bytes/],
    ['not CBOR', wrapEnvelope('TSR1', Buffer.from([0xff, 0x00])), 'cose', /malformed CBOR/],
    ['CBOR but not COSE', wrapEnvelope('HC1', cborEncode({ hello: 'world' })), 'cose', /array of 4/],
    [
      'COSE with CBOR garbage payload',
      wrapEnvelope(
        'TSR1',
        encodeCoseSign1(cborEncode(new Map([[1, -7]])), new Map(), Buffer.from([0x1c]), Buffer.alloc(64)),
      ),
      'cose',
      /malformed CBOR in CWT payload/,
    ],
    [
      'COSE with array payload',
      wrapEnvelope(
        'HC1',
        encodeCoseSign1(cborEncode(new Map([[1, -7]])), new Map(), cborEncode([1]), Buffer.alloc(64)),
      ),
      'cose',
      /CWT payload must be a CBOR map/,
    ],
  ])('%s → valid:false with the failing check', (_name, code, check, message) => {
    expectFailure(verifyCode(code, store, NOW), check as keyof VerifyResult['checks'], message);
  });

  it('reports the format once the prefix is known', () => {
    expect(verifyCode('HC1:###', store, NOW).format).toBe('HC1');
    expect(verifyCode('XYZ:###', store, NOW).format).toBeNull();
  });

  it('never throws on non-string input from untyped callers', () => {
    expect(verifyCode(42 as unknown as string, store, NOW)).toMatchObject({ valid: false, checks: { prefix: false } });
  });

  it('every truncation of a valid code is invalid and never throws', () => {
    for (const code of [tsr1, hc1, hc1Rsa]) {
      for (let n = 0; n < code.length; n++) {
        const r = verifyCode(code.slice(0, n), store, NOW);
        expect(r.valid).toBe(false);
        expect(r.error).toBeTypeOf('string');
      }
      expect(verifyCode(code, store, NOW).valid).toBe(true);
    }
  });

  it('any string never throws and is never valid', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `TSR1:${s}`),
          fc.string().map((s) => `HC1:${s}`),
        ),
        (s) => {
          const r = verifyCode(s, store, NOW);
          expect(r.valid).toBe(false);
          expect(JSON.parse(JSON.stringify(r))).toEqual(r);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** The signed parts of a code; a corrupted code may only verify if these are untouched. */
function signedParts(code: string): string | null {
  const env = openEnvelope(code);
  if (!env.ok) return null;
  try {
    const m = decodeCoseSign1(env.cose);
    return `${m.protectedBytes.toString('hex')}.${m.payload.toString('hex')}`;
  } catch {
    return null;
  }
}

describe('verifyCode: corruption (property tests)', () => {
  const codes = { tsr1, hc1, hc1Rsa };

  it.each(Object.keys(codes))('character corruption of %s never throws and never validates altered content', (name) => {
    const code = codes[name as keyof typeof codes];
    const original = signedParts(code);
    const alphabet = `${BASE45_ALPHABET}abc#\u00e9\n`.split('');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: code.length - 1 }), fc.constantFrom(...alphabet)), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          const chars = code.split('');
          for (const [i, c] of edits) chars[i] = c;
          const mutated = chars.join('');
          const r = verifyCode(mutated, store, NOW);
          if (r.valid) expect(signedParts(mutated)).toBe(original);
          if (mutated !== code && !r.valid) expect(r.error).toBeTypeOf('string');
        },
      ),
      { numRuns: 400 },
    );
  });

  it.each(Object.keys(codes))(
    'byte corruption of the compressed %s never throws and never validates altered content',
    (name) => {
      const code = codes[name as keyof typeof codes];
      const prefix = code.slice(0, code.indexOf(':') + 1);
      const bytes = base45Decode(code.slice(prefix.length));
      const original = signedParts(code);
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 })), {
            minLength: 1,
            maxLength: 3,
          }),
          (edits) => {
            const b = Buffer.from(bytes);
            for (const [i, x] of edits) b[i]! ^= x;
            const mutated = prefix + base45Encode(b);
            const r = verifyCode(mutated, store, NOW);
            if (r.valid) expect(signedParts(mutated)).toBe(original);
          },
        ),
        { numRuns: 400 },
      );
    },
  );

  it.each(Object.keys(codes))('byte corruption of the COSE message of %s is never valid', (name) => {
    const code = codes[name as keyof typeof codes];
    const prefix = code.slice(0, code.indexOf(':')) as 'TSR1' | 'HC1';
    const env = openEnvelope(code);
    if (!env.ok) throw new Error(env.error);
    const cose = env.cose;
    // Tag (1) + array head (1) + bstr head (1, protected headers are < 24 bytes) + protected bytes.
    const unprotectedAt = 3 + decodeCoseSign1(cose).protectedBytes.length;
    expect(cose[unprotectedAt]).toBe(0xa0); // the empty unprotected map
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: cose.length - 1 }), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 3,
        }),
        (edits) => {
          const b = Buffer.from(cose);
          for (const [i, x] of edits) b[i]! ^= x;
          const r = verifyCode(wrapEnvelope(prefix, b), store, NOW);
          if (r.valid) {
            // Only the unsigned unprotected header may change without breaking the signature.
            expect(edits.every(([i]) => i === unprotectedAt)).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('TrustStore', () => {
  it('gives the same answers as a plain trust object', () => {
    for (const code of [tsr1, hc1, hc1Rsa, health(ed)]) {
      expect(verifyCode(code, store, NOW)).toEqual(verifyCode(code, trust, NOW));
    }
  });

  it('rejects HC1 against Tessera keys alone and TSR1 against DSCs alone', () => {
    expect(verifyCode(hc1, { keys: trust.keys, certs: [] }, NOW).valid).toBe(false);
    expect(verifyCode(tsr1, { keys: [], certs: trust.certs }, NOW).valid).toBe(false);
  });

  it('treats an invalid verification time as an error result, not a throw', () => {
    expect(verifyCode(tsr1, store, new Date(NaN))).toMatchObject({
      valid: false,
      error: 'verification time is not a valid date',
      checks: { prefix: null },
    });
  });

  it('refuses a trusted key whose type does not fit its declared algorithm', () => {
    const confused = { ...es.trusted, publicKey: ed.publicKey };
    const r = verifyCode(tsr1, { keys: [confused], certs: [] }, NOW);
    expect(r).toMatchObject({ valid: false, checks: { signature: false } });
    expect(r.error).toMatch(/ES256 needs a P-256 EC key, got ed25519 key/);
  });
});
