import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cborDecode, cborEncode, cborToJson, Tag } from './cbor.ts';
import {
  COSE_ALG_ID,
  CoseError,
  decodeCoseSign1,
  encodeCoseSign1,
  keyMismatch,
  sigStructure,
  signBytes,
  signCoseSign1,
  verifyBytes,
} from './cose.ts';
import type { CoseAlg } from './cose.ts';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const pairs: Record<CoseAlg, typeof ec> = { ES256: ec, EdDSA: ed, PS256: rsa };
const kid = Buffer.from('0123456789abcdef', 'hex');
const payload = cborEncode(new Map([[1, 'XX']]));

describe('CBOR helpers', () => {
  it('round-trips integer-keyed maps as Maps', () => {
    const m = new Map<unknown, unknown>([
      [1, 'a'],
      [-70001, new Map([['v', 1]])],
    ]);
    expect(cborDecode(cborEncode(m))).toEqual(m);
  });

  it('encodes byte strings without tags, maps without tag 259', () => {
    expect(cborEncode(new Uint8Array([1, 2])).toString('hex')).toBe('420102');
    expect(cborEncode(new Map([[1, -7]])).toString('hex')).toBe('a10126');
  });

  it('rejects trailing bytes and truncation', () => {
    expect(() => cborDecode(Buffer.from('a1012600', 'hex'))).toThrow();
    expect(() => cborDecode(Buffer.from('a101', 'hex'))).toThrow();
  });

  it('converts decoded CBOR to JSON with named claim keys', () => {
    const json = cborToJson(
      new Map<unknown, unknown>([
        [1, 'XX'],
        [99, Buffer.from([1, 2, 3])],
        [-5, new Tag('x', 1004)],
        ['big', 2n ** 70n],
        ['nan', NaN],
      ]),
      new Map([[1, 'iss']]),
    );
    expect(json).toEqual({
      iss: 'XX',
      99: 'AQID',
      '-5': { tag: 1004, value: 'x' },
      big: '1180591620717411303424',
      nan: null,
    });
  });

  it('refuses cyclic or absurdly deep structures instead of overflowing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => cborToJson(deep)).toThrow(/deeper than 32/);
  });
});

describe('COSE_Sign1', () => {
  it.each(['ES256', 'EdDSA', 'PS256'] as const)('signs and verifies with %s', (alg) => {
    const cose = signCoseSign1({ payload, alg, privateKey: pairs[alg].privateKey, kid });
    const msg = decodeCoseSign1(cose);
    expect(msg.algId).toBe(COSE_ALG_ID[alg]);
    expect(msg.kid).toEqual(kid);
    expect(msg.payload).toEqual(payload);
    const data = sigStructure(msg.protectedBytes, msg.payload);
    expect(verifyBytes(alg, pairs[alg].publicKey, data, msg.signature)).toBe(true);
    const tampered = Buffer.from(msg.signature);
    tampered[5]! ^= 1;
    expect(verifyBytes(alg, pairs[alg].publicKey, data, tampered)).toBe(false);
  });

  it('uses raw r||s ECDSA signatures of 64 bytes (not DER)', () => {
    const msg = decodeCoseSign1(signCoseSign1({ payload, alg: 'ES256', privateKey: ec.privateKey, kid }));
    expect(msg.signature.length).toBe(64);
    const der = signBytes('ES256', ec.privateKey, Buffer.from('x'));
    expect(der.length).toBe(64);
  });

  it('builds the RFC 9052 Sig_structure', () => {
    const s = sigStructure(Buffer.from('a10126', 'hex'), Buffer.from('ff', 'hex'));
    // array(4) "Signature1" bstr(a10126) bstr() bstr(ff)
    expect(s.toString('hex')).toBe('846a5369676e61747572653143a101264041ff');
  });

  it.each([0, 23, 24, 255, 256, 65535, 65536])(
    'builds the same Sig_structure as a CBOR encoder for a %i-byte payload',
    (n) => {
      const prot = cborEncode(
        new Map<number, unknown>([
          [1, -7],
          [4, kid],
        ]),
      );
      const body = Buffer.alloc(n, 7);
      expect(sigStructure(prot, body)).toEqual(cborEncode(['Signature1', prot, Buffer.alloc(0), body]));
    },
  );

  it('emits tag 18 with alg and kid protected', () => {
    const cose = signCoseSign1({ payload, alg: 'ES256', privateKey: ec.privateKey, kid });
    expect(cose[0]).toBe(0xd2);
    const item = cborDecode(cose) as Tag;
    const prot = cborDecode((item.value as Buffer[])[0]!) as Map<number, unknown>;
    expect(prot.get(1)).toBe(-7);
    expect(prot.get(4)).toEqual(kid);
  });

  it('reads the kid from the unprotected header, but the protected kid wins', () => {
    const unprot = decodeCoseSign1(
      signCoseSign1({ payload, alg: 'ES256', privateKey: ec.privateKey, kid, kidUnprotected: true }),
    );
    expect(unprot.kid).toEqual(kid);
    const prot = cborEncode(
      new Map<number, unknown>([
        [1, -7],
        [4, Buffer.from('aaaaaaaa')],
      ]),
    );
    const both = encodeCoseSign1(prot, new Map([[4, Buffer.from('bbbbbbbb')]]), payload, Buffer.alloc(64));
    expect(decodeCoseSign1(both).kid!.toString()).toBe('aaaaaaaa');
  });

  it('accepts an untagged COSE_Sign1', () => {
    const prot = cborEncode(new Map([[1, -7]]));
    const untagged = cborEncode([prot, new Map(), payload, Buffer.alloc(64)]);
    expect(decodeCoseSign1(untagged).kid).toBeNull();
  });

  it.each([
    ['not CBOR', Buffer.from('ff', 'hex'), /malformed CBOR/],
    ['wrong tag', cborEncode(new Tag([], 98)), /found CBOR tag 98/],
    ['not an array', cborEncode(new Map()), /array of 4/],
    ['3 items', cborEncode([Buffer.alloc(0), new Map(), Buffer.alloc(0)]), /array of 4/],
    [
      'protected not bstr',
      cborEncode([new Map(), new Map(), Buffer.alloc(0), Buffer.alloc(0)]),
      /protected header must be a byte string/,
    ],
    [
      'protected not a map',
      cborEncode([cborEncode([1]), new Map(), Buffer.alloc(0), Buffer.alloc(0)]),
      /must encode a map/,
    ],
    [
      'protected malformed',
      cborEncode([Buffer.from('a1', 'hex'), new Map(), Buffer.alloc(0), Buffer.alloc(0)]),
      /malformed protected/,
    ],
    [
      'unprotected not map',
      cborEncode([Buffer.alloc(0), 5, Buffer.alloc(0), Buffer.alloc(0)]),
      /unprotected header must be a map/,
    ],
    ['detached payload', cborEncode([Buffer.alloc(0), new Map(), null, Buffer.alloc(0)]), /detached/],
    [
      'signature not bstr',
      cborEncode([cborEncode(new Map([[1, -7]])), new Map(), Buffer.alloc(0), 'x']),
      /signature must be a byte string/,
    ],
    ['no alg', cborEncode([Buffer.alloc(0), new Map(), Buffer.alloc(0), Buffer.alloc(0)]), /alg \(1\) missing/],
    [
      'alg unprotected',
      cborEncode([Buffer.alloc(0), new Map([[1, -7]]), Buffer.alloc(0), Buffer.alloc(0)]),
      /found only in the unprotected/,
    ],
    [
      'alg as text',
      cborEncode([cborEncode(new Map([[1, 'ES256']])), new Map(), Buffer.alloc(0), Buffer.alloc(0)]),
      /alg \(1\) must be an integer/,
    ],
    [
      'kid not bstr',
      cborEncode([
        cborEncode(
          new Map<number, unknown>([
            [1, -7],
            [4, 'k'],
          ]),
        ),
        new Map(),
        Buffer.alloc(0),
        Buffer.alloc(0),
      ]),
      /kid \(4\) in the protected header/,
    ],
  ])('rejects %s with a precise CoseError', (_name, bytes, message) => {
    expect(() => decodeCoseSign1(bytes)).toThrow(CoseError);
    expect(() => decodeCoseSign1(bytes)).toThrow(message);
  });

  it('refuses keys of the wrong type for an algorithm', () => {
    expect(keyMismatch('ES256', ed.publicKey)).toMatch(/ES256 needs a P-256 EC key, got ed25519/);
    expect(keyMismatch('ES256', p384.publicKey)).toMatch(/secp384r1/);
    expect(keyMismatch('EdDSA', ec.publicKey)).toMatch(/Ed25519/);
    expect(keyMismatch('PS256', ec.publicKey)).toMatch(/RSA/);
    expect(keyMismatch('PS256', rsa.publicKey)).toBeNull();
    expect(() => signCoseSign1({ payload, alg: 'ES256', privateKey: rsa.privateKey, kid })).toThrow(/P-256/);
    // A signature made by one key never verifies under another algorithm's key.
    const sig = signBytes('ES256', ec.privateKey, payload);
    expect(verifyBytes('EdDSA', ec.publicKey, payload, sig)).toBe(false);
    expect(verifyBytes('ES256', p384.publicKey, payload, sig)).toBe(false);
    expect(verifyBytes('ES256', ec.publicKey, payload, sig.subarray(0, 63))).toBe(false);
    expect(verifyBytes('PS256', rsa.publicKey, payload, Buffer.alloc(3))).toBe(false);
  });
});
