import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { base45Encode } from '../../../src/core/codes/base45.ts';
import { cborEncode, Tag } from '../../../src/core/codes/cbor.ts';
import { encodeCoseSign1, signBytes, sigStructure as serverSigStructure } from '../../../src/core/codes/cose.ts';
import { issueHealthCode, issuePlaceCode } from '../../../src/core/codes/tsr1.ts';
import { signTrustList, trustListEntry, type TrustListDocument } from '../../../src/core/codes/trust-list.ts';
import { TrustStore, verifyCode } from '../../../src/core/codes/verify.ts';
import { spkiDer } from '../../../src/core/codes/keys.ts';
import { makeHc1, NOW, tesseraKey, type TesseraKey } from '../../../test/fixtures/codes/fixtures.ts';
import { cborDecode, CborTag } from './cbor.ts';
import { base45Decode } from './envelope.ts';
import { TrustListError, verifyTrustList, type TrustAnchor } from './trust-list.ts';
import { HC1_NEEDS_SERVER, verifyOffline } from './verify.ts';

/**
 * The browser verifier against the server's own code and trust-list functions (src/core/codes): the same codes
 * must get the same answer, check for check.
 */

const es = tesseraKey('ES256', '110105');
const ed = tesseraKey('EdDSA', '110105');
const other = tesseraKey('ES256', '310101');
const listKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const anchor: TrustAnchor = { alg: 'ES256', publicKey: spkiDer(listKey.publicKey).toString('base64') };

const entry = (k: TesseraKey) =>
  trustListEntry({
    publicKey: k.publicKey,
    alg: k.alg,
    jurisdiction: k.trusted.jurisdiction,
    notBefore: k.trusted.notBefore,
    notAfter: k.trusted.notAfter,
  });
const doc = (keys = [entry(es), entry(ed), entry(other)]): TrustListDocument => ({
  version: 7,
  issuedAt: '2026-06-01T00:00:00Z',
  issuer: '110105',
  keys,
});
const signed = signTrustList(doc(), { privateKey: listKey.privateKey, alg: 'ES256' });
const serverTrust = new TrustStore({ keys: [es.trusted, ed.trusted, other.trusted], certs: [] });

const health = (k: TesseraKey, over: { issuer?: string; color?: 'green' | 'yellow' | 'red'; now?: Date } = {}) =>
  issueHealthCode({
    key: k.privateKey,
    kid: k.kid,
    alg: k.alg,
    now: over.now ?? NOW,
    claims: {
      issuer: over.issuer ?? k.trusted.jurisdiction,
      subject: 'pseudo',
      color: over.color ?? 'green',
      vaccination: 2,
    },
  }).code;

const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

async function both(code: string, when = at(30)) {
  const trust = await verifyTrustList(signed, [anchor]);
  const offline = await verifyOffline(code, trust, when);
  const server = verifyCode(code, serverTrust, when);
  return { offline, server };
}

function sameVerdict(o: Awaited<ReturnType<typeof both>>) {
  expect(o.offline.valid).toBe(o.server.valid);
  expect(o.offline.checks).toEqual(o.server.checks);
  for (const k of ['format', 'kid', 'issuer', 'issuedAt', 'expiresAt', 'color', 'vaccination'] as const) {
    expect(o.offline[k]).toEqual(o.server[k]);
  }
  expect(o.offline.payload).toEqual(o.server.payload);
}

/** One Base45 character swapped, the way a damaged print or a forger would. */
const damage = (code: string, index: number) => {
  const c = code[index] === '0' ? '1' : '0';
  return code.slice(0, index) + c + code.slice(index + 1);
};

describe('offline CBOR decoder', () => {
  it('reads what the server encodes: integer keys, negative keys, nested maps, tags, bytes', () => {
    const value = new Map<unknown, unknown>([
      [1, 'x'],
      [
        -70001,
        new Map<unknown, unknown>([
          ['v', 1],
          ['vx', 2],
        ]),
      ],
      [4, 1780308180],
      [7, new Uint8Array([1, 2, 3])],
      [8, [true, false, null, -1, 65536, 2 ** 40]],
    ]);
    const decoded = cborDecode(cborEncode(new Tag(value, 61)));
    expect(decoded).toBeInstanceOf(CborTag);
    expect((decoded as CborTag).value).toEqual(value);
  });
  it('rejects trailing bytes and truncation', () => {
    expect(() => cborDecode(new Uint8Array([0x01, 0x02]))).toThrow(/unexpected byte/);
    expect(() => cborDecode(new Uint8Array([0x82, 0x01]))).toThrow(/end of CBOR/);
    expect(() => cborDecode(new Uint8Array([0x5a, 0xff, 0xff, 0xff, 0xff]))).toThrow(/exceeds/);
  });
  it('floats (half, single, double) read as numbers', () => {
    expect(cborDecode(new Uint8Array([0xf9, 0x3c, 0x00]))).toBe(1);
    expect(cborDecode(new Uint8Array([0xfa, 0x47, 0xc3, 0x50, 0x00]))).toBe(100000);
    expect(cborDecode(cborEncode(1.5))).toBe(1.5);
  });
  it('base45 decodes as RFC 9285 says', () => {
    expect(new TextDecoder().decode(base45Decode('BB8'))).toBe('AB');
    expect(new TextDecoder().decode(base45Decode('%69 VD92EX0'))).toBe('Hello!!');
    expect(() => base45Decode('GGW')).toThrow(/65535/);
    expect(() => base45Decode('a2')).toThrow(/character/);
  });
});

describe('trust list in the browser (WebCrypto)', () => {
  it('accepts the server-signed list against the pinned anchor, with every key', async () => {
    const trust = await verifyTrustList(signed, [anchor]);
    expect(trust.document.version).toBe(7);
    expect(trust.keys.map((k) => k.kidB64)).toEqual(signed.trustList.keys.map((k) => k.kid));
  });
  it('refuses an altered list, another anchor, a rollback, and a kid that is not its key', async () => {
    const altered = structuredClone(signed);
    altered.trustList.keys[0]!.jurisdiction = '310101';
    await expect(verifyTrustList(altered, [anchor])).rejects.toThrow(/does not verify/);

    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const strangerAnchor: TrustAnchor = { alg: 'ES256', publicKey: spkiDer(stranger.publicKey).toString('base64') };
    await expect(verifyTrustList(signed, [strangerAnchor])).rejects.toThrow(/not the pinned trust-list key/);
    await expect(verifyTrustList(signed, [{ ...anchor, alg: 'EdDSA' }])).rejects.toThrow(TrustListError);

    await expect(verifyTrustList(signed, [anchor], { minVersion: 8 })).rejects.toThrow(/older than/);

    const wrongKid = doc([{ ...entry(es), kid: entry(other).kid }]);
    // The server refuses to sign an inconsistent list, so sign its canonical bytes directly.
    const forged = {
      trustList: wrongKid,
      signature: {
        alg: 'ES256',
        kid: signed.signature.kid,
        value: signBytes(
          'ES256',
          listKey.privateKey,
          Buffer.from(`tessera-trust-list/v1\n${(await import('./jcs.ts')).canonicalJson(wrongKid)}`),
        ).toString('base64'),
      },
    };
    await expect(verifyTrustList(forged, [anchor])).rejects.toThrow(/does not match the key/);
  });
  it('an Ed25519 trust-list key works too', async () => {
    const edList = generateKeyPairSync('ed25519');
    const s = signTrustList(doc(), { privateKey: edList.privateKey, alg: 'EdDSA' });
    const trust = await verifyTrustList(s, [{ alg: 'EdDSA', publicKey: spkiDer(edList.publicKey).toString('base64') }]);
    expect(trust.keys).toHaveLength(3);
  });
});

describe('offline verification matches the server, check for check', () => {
  it('valid ES256 and EdDSA codes of every colour', async () => {
    for (const k of [es, ed]) {
      for (const color of ['green', 'yellow', 'red'] as const) {
        const r = await both(health(k, { color }));
        sameVerdict(r);
        expect(r.offline).toMatchObject({ valid: true, color, vaccination: 2, issuer: '110105', format: 'TSR1' });
      }
    }
  });
  it('a place code (TSP1) verifies the same way', async () => {
    const code = issuePlaceCode({
      key: es.privateKey,
      kid: es.kid,
      alg: 'ES256',
      now: NOW,
      claims: {
        issuer: '110105',
        placeId: 'p1',
        jurisdiction: '110105001',
        kind: 'venue',
        category: 'cafe',
        name: '咖啡馆',
      },
    }).code;
    const r = await both(code);
    sameVerdict(r);
    expect(r.offline.valid).toBe(true);
  });
  it('expired at exp (exclusive) on the device clock, and not yet valid too far in the future', async () => {
    const code = health(es);
    const justBefore = await both(code, at(179));
    sameVerdict(justBefore);
    expect(justBefore.offline.valid).toBe(true);
    const expired = await both(code, at(180));
    sameVerdict(expired);
    expect(expired.offline.checks.expiry).toBe(false);
    expect(expired.offline.error).toMatch(/^expiry: expired at/);
    const early = await both(code, at(-61));
    sameVerdict(early);
    expect(early.offline.error).toMatch(/issued in the future/);
  });
  it('tampering anywhere is caught: every single-character change of a code', async () => {
    const code = health(es);
    const trust = await verifyTrustList(signed, [anchor]);
    for (let i = 5; i < code.length; i++) {
      const bad = damage(code, i);
      if (bad === code) continue;
      const offline = await verifyOffline(bad, trust, at(30));
      const server = verifyCode(bad, serverTrust, at(30));
      expect(offline.valid, `position ${i}`).toBe(false);
      // Which stage notices first is the same on both sides.
      const firstFailed = (c: Record<string, boolean | null>) => Object.entries(c).find(([, v]) => v === false)?.[0];
      expect(firstFailed(offline.checks), `position ${i}`).toBe(firstFailed(server.checks));
    }
  }, 60_000);
  it('a re-signed payload with a colour changed fails the signature', async () => {
    const code = health(es, { color: 'red' });
    const { cose } = await import('../../../src/core/codes/envelope.ts').then(
      (m) => m.openEnvelope(code) as { cose: Buffer },
    );
    const green = Buffer.from(cose.toString('latin1').replace('cred', 'cgre'), 'latin1');
    const forged = `TSR1:${base45Encode(deflateSync(green))}`;
    const r = await both(forged);
    expect(r.offline.valid).toBe(false);
    expect(r.offline.valid).toBe(r.server.valid);
  });
  it('a key signing for another jurisdiction fails keyUsage; an unknown key fails signature', async () => {
    const r = await both(health(other, { issuer: '110105' }));
    sameVerdict(r);
    expect(r.offline.checks.keyUsage).toBe(false);
    const stranger = tesseraKey('ES256', '110105');
    const u = await both(health(stranger));
    sameVerdict(u);
    expect(u.offline.error).toMatch(/unknown kid/);
  });
  it('codes signed outside the key validity, with a wrong alg header, or with trailing zlib bytes are refused', async () => {
    const late = await both(health(es, { now: new Date('2027-02-01T00:00:00Z') }), new Date('2027-02-01T00:01:00Z'));
    sameVerdict(late);
    expect(late.offline.error).toMatch(/signing period/);

    const claims = cborEncode(
      new Map<unknown, unknown>([
        [1, '110105'],
        [6, NOW.getTime() / 1000],
        [4, NOW.getTime() / 1000 + 180],
        [
          -70001,
          new Map<unknown, unknown>([
            ['v', 1],
            ['sub', 's'],
            ['c', 'green'],
            ['vx', 0],
          ]),
        ],
      ]),
    );
    // alg -37 (PS256) is not allowed for Tessera codes.
    const prot = cborEncode(
      new Map<number, unknown>([
        [1, -37],
        [4, es.kid],
      ]),
    );
    const sig = signBytes('ES256', es.privateKey, serverSigStructure(prot, claims));
    const ps = `TSR1:${base45Encode(deflateSync(encodeCoseSign1(prot, new Map(), claims, sig)))}`;
    const r = await both(ps);
    sameVerdict(r);
    expect(r.offline.error).toMatch(/unsupported algorithm/);

    const good = health(es);
    const { cose } = await import('../../../src/core/codes/envelope.ts').then(
      (m) => m.openEnvelope(good) as { cose: Buffer },
    );
    const trailing = `TSR1:${base45Encode(Buffer.concat([deflateSync(cose), Buffer.from([0, 0])]))}`;
    const t = await both(trailing);
    expect(t.offline.valid).toBe(false);
    expect(t.offline.checks.decompress).toBe(false);
    expect(t.server.checks.decompress).toBe(false);
  });
  it('garbage never throws', async () => {
    const trust = await verifyTrustList(signed, [anchor]);
    for (const junk of ['', 'HELLO', 'TSR1:', 'TSR1:a', 'TSR1:0000', 'HC2:ABC', 'TSR1:' + '%'.repeat(300)]) {
      const r = await verifyOffline(junk, trust, at(0));
      expect(r.valid).toBe(false);
      expect(r.error).toBeTruthy();
    }
  });
  it('EU DCC (HC1) is recognised but sent to the server: the trust list holds no DSCs', async () => {
    const trust = await verifyTrustList(signed, [anchor]);
    const r = await verifyOffline(makeHc1(), trust, at(0));
    expect(r.format).toBe('HC1');
    expect(r.valid).toBe(false);
    expect(r.error).toContain(HC1_NEEDS_SERVER);
  });
});

describe('the worked example of docs/codes.md §10, verified by this independent implementation', () => {
  const doc = readFileSync(new URL('../../../docs/codes.md', import.meta.url), 'utf8');
  const ex = Object.fromEntries(
    [...doc.matchAll(/<!-- example:([\w-]+) -->\n```\w*\n([\s\S]*?)```/g)].map((m) => [m[1]!, m[2]!.trim()]),
  );
  const pem = ex['trust-list-key']!.replace(/-----[A-Z ]+-----|\s/g, '');

  it('the Ed25519-signed list verifies against its key, and the code is valid at 10:01 and expired at 10:03', async () => {
    const trust = await verifyTrustList(JSON.parse(ex['trust-list']!), [{ alg: 'EdDSA', publicKey: pem }]);
    const ok = await verifyOffline(ex.code!, trust, new Date('2026-06-01T10:01:00Z'));
    expect(ok).toMatchObject({
      valid: true,
      kid: 'UD2O5G1YHGQ=',
      issuer: '110105',
      color: 'green',
      vaccination: 2,
      expiresAt: '2026-06-01T10:03:00.000Z',
      payload: {
        iss: '110105',
        iat: 1780308000,
        exp: 1780308180,
        health: { v: 1, sub: '8aNTD4c9DzzhCKcyav3jbQ', c: 'green', vx: 2 },
      },
    });
    const late = await verifyOffline(ex.code!, trust, new Date('2026-06-01T10:03:00Z'));
    expect(late.valid).toBe(false);
    expect(late.error).toBe('expiry: expired at 2026-06-01T10:03:00.000Z (now 2026-06-01T10:03:00.000Z)');
  });
});
