import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NOW, tesseraKey } from '../../../test/fixtures/codes/fixtures.ts';
import type { TesseraKey } from '../../../test/fixtures/codes/fixtures.ts';
import { canonicalJson } from './canonical-json.ts';
import { issueHealthCode } from './tsr1.ts';
import {
  mergeTrustLists,
  parseTrustList,
  signTrustList,
  trustListEntry,
  trustListSigningInput,
  TrustListError,
  verifyTrustList,
} from './trust-list.ts';
import type { TrustListDocument } from './trust-list.ts';
import { verifyCode } from './verify.ts';

const beijing = tesseraKey('ES256', '110105');
const beijingOld = tesseraKey('EdDSA', '110105');
const shanghai = tesseraKey('ES256', '310101');
const federation = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const shanghaiListKey = generateKeyPairSync('ed25519');
const anchors = [{ publicKey: federation.publicKey, alg: 'ES256' as const }];

const entry = (k: TesseraKey) =>
  trustListEntry({
    publicKey: k.publicKey,
    alg: k.alg,
    jurisdiction: k.trusted.jurisdiction,
    notBefore: k.trusted.notBefore,
    notAfter: k.trusted.notAfter,
  });

const doc = (over: Partial<TrustListDocument> = {}): TrustListDocument => ({
  version: 3,
  issuedAt: '2026-06-01T00:00:00Z',
  issuer: '110105',
  keys: [entry(beijing), entry(beijingOld)],
  ...over,
});

const code = (k: TesseraKey) =>
  issueHealthCode({
    claims: { issuer: k.trusted.jurisdiction, subject: 's', color: 'green', vaccination: 1 },
    key: k.privateKey,
    kid: k.kid,
    alg: k.alg,
    now: NOW,
  }).code;

describe('canonicalJson (RFC 8785 subset)', () => {
  it('sorts keys at every depth, drops undefined members, and uses ECMAScript number forms', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: null }], a: 'x', u: undefined, n: 1e21, f: 0.5, e: 'é\n' })).toBe(
      '{"a":"x","b":[3,{"a":null,"z":1}],"e":"é\\n","f":0.5,"n":1e+21}',
    );
    // UTF-16 code-unit order, as JCS requires.
    expect(canonicalJson({ '\u{1F600}': 1, '\uFFFF': 2 })).toBe('{"\u{1F600}":1,"\uFFFF":2}');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ a: NaN })).toThrow(/NaN/);
    expect(() => canonicalJson({ a: () => 1 })).toThrow(/function/);
  });
});

describe('trust lists', () => {
  it('signs and verifies; its keys verify codes offline', () => {
    const signed = signTrustList(doc(), { privateKey: federation.privateKey, alg: 'ES256' });
    // Survives a JSON round trip (what a verifier downloads) with keys in any order.
    const downloaded = JSON.parse(JSON.stringify({ signature: signed.signature, trustList: signed.trustList }));
    const parsed = verifyTrustList(downloaded, anchors);
    expect(parsed.keys.map((k) => k.jurisdiction)).toEqual(['110105', '110105']);
    expect(verifyCode(code(beijing), { keys: parsed.keys, certs: [] }, NOW).valid).toBe(true);
    expect(verifyCode(code(beijingOld), { keys: parsed.keys, certs: [] }, NOW).valid).toBe(true);
    expect(verifyCode(code(shanghai), { keys: parsed.keys, certs: [] }, NOW).valid).toBe(false);
  });

  it('signs the canonical JSON with a context prefix', () => {
    expect(trustListSigningInput(doc()).toString()).toBe(`tessera-trust-list/v1\n${canonicalJson(doc())}`);
  });

  it('detects any change to the signed list', () => {
    const signed = signTrustList(doc(), { privateKey: federation.privateKey, alg: 'ES256' });
    const tampered = structuredClone(signed);
    tampered.trustList.keys[0]!.notAfter = '2030-01-01T00:00:00Z';
    expect(() => verifyTrustList(tampered, anchors)).toThrow(/signature.value: does not verify/);
    const added = structuredClone(signed);
    added.trustList.keys.push(entry(shanghai));
    expect(() => verifyTrustList(added, anchors)).toThrow(TrustListError);
    const sig = structuredClone(signed);
    sig.signature.value = Buffer.from(
      Buffer.from(sig.signature.value, 'base64').map((b, i) => (i === 0 ? b ^ 1 : b)),
    ).toString('base64');
    expect(() => verifyTrustList(sig, anchors)).toThrow(/does not verify/);
  });

  it('refuses a list signed by a key that is not an anchor, or with the wrong algorithm', () => {
    const signed = signTrustList(doc(), { privateKey: shanghaiListKey.privateKey, alg: 'EdDSA' });
    expect(() => verifyTrustList(signed, anchors)).toThrow(
      /signature.kid: .* \(EdDSA\) is not a trusted trust-list signing key/,
    );
    const relabelled = { ...signed, signature: { ...signed.signature, alg: 'ES256' } };
    expect(() => verifyTrustList(relabelled, [{ publicKey: shanghaiListKey.publicKey, alg: 'EdDSA' }])).toThrow(
      /not a trusted/,
    );
    expect(verifyTrustList(signed, [{ publicKey: shanghaiListKey.publicKey, alg: 'EdDSA' }]).keys).toHaveLength(2);
  });

  it('refuses a rollback to an older version', () => {
    const signed = signTrustList(doc({ version: 3 }), { privateKey: federation.privateKey, alg: 'ES256' });
    expect(verifyTrustList(signed, anchors, { minVersion: 3 }).document.version).toBe(3);
    expect(() => verifyTrustList(signed, anchors, { minVersion: 4 })).toThrow(
      /version: 3 is older than the accepted version 4/,
    );
  });

  it('accepts a JWK public key', () => {
    const jwk = beijing.publicKey.export({ format: 'jwk' });
    const list = doc({ keys: [{ ...entry(beijing), publicKey: jwk }] });
    const parsed = parseTrustList(list);
    expect(parsed.keys[0]!.kid).toEqual(beijing.kid);
  });

  it.each([
    ['a non-object', () => 'list', /trustList: must be an object/],
    ['version 0', () => doc({ version: 0 }), /version: must be a positive integer/],
    [
      'a local issuedAt',
      () => doc({ issuedAt: '2026-06-01T00:00:00' }),
      /issuedAt: must be an ISO-8601 time with a UTC offset/,
    ],
    ['no issuer', () => doc({ issuer: '' }), /issuer: must be a non-empty string/],
    ['keys not an array', () => ({ ...doc(), keys: {} }), /keys: must be an array/],
    [
      'an unknown alg',
      () => doc({ keys: [{ ...entry(beijing), alg: 'RS256' as never }] }),
      /keys\[0\].alg: must be one of ES256, EdDSA, got "RS256"/,
    ],
    [
      'a wrong kid',
      () => doc({ keys: [{ ...entry(beijing), kid: entry(shanghai).kid }] }),
      /keys\[0\].kid: .* does not match the key \(expected/,
    ],
    [
      'non-base64 kid',
      () => doc({ keys: [{ ...entry(beijing), kid: 'not base64!' }] }),
      /keys\[0\].kid: must be standard base64/,
    ],
    [
      'a key of the wrong type',
      () => doc({ keys: [{ ...entry(beijing), alg: 'EdDSA' }] }),
      /keys\[0\].publicKey: EdDSA needs an Ed25519 key/,
    ],
    [
      'garbage key bytes',
      () => doc({ keys: [{ ...entry(beijing), publicKey: 'AAAA' }] }),
      /keys\[0\].publicKey: not a usable public key/,
    ],
    [
      'an inverted validity',
      () => doc({ keys: [{ ...entry(beijing), notAfter: '2025-01-01T00:00:00Z' }] }),
      /keys\[0\].notAfter: must be after notBefore/,
    ],
    [
      'a duplicate key',
      () => doc({ keys: [entry(beijing), { ...entry(beijing), jurisdiction: '310101' }] }),
      /keys\[1\]: same public key as trustList.keys\[0\]/,
    ],
    ['no jurisdiction', () => doc({ keys: [{ ...entry(beijing), jurisdiction: '' }] }), /keys\[0\].jurisdiction/],
  ])('rejects a document with %s, naming the field', (_name, build, message) => {
    expect(() => parseTrustList(build())).toThrow(TrustListError);
    expect(() => parseTrustList(build())).toThrow(message);
  });

  it('rejects malformed signed envelopes precisely', () => {
    expect(() => verifyTrustList(null, anchors)).toThrow(/must be an object/);
    expect(() => verifyTrustList({ trustList: doc() }, anchors)).toThrow(/signature: must be an object/);
    expect(() =>
      verifyTrustList({ trustList: doc(), signature: { alg: 'none', kid: '', value: '' } }, anchors),
    ).toThrow(/signature.alg/);
  });

  it('refuses to sign an invalid document or with an unfit key', () => {
    expect(() => signTrustList(doc({ version: -1 }), { privateKey: federation.privateKey, alg: 'ES256' })).toThrow(
      /version/,
    );
    expect(() => signTrustList(doc(), { privateKey: federation.privateKey, alg: 'EdDSA' })).toThrow(/Ed25519/);
  });
});

describe('importing another jurisdiction’s list', () => {
  const shanghaiNew = tesseraKey('EdDSA', '310101');
  const shanghaiList = (keys = [entry(shanghai)]): TrustListDocument => ({
    version: 7,
    issuedAt: '2026-05-30T00:00:00Z',
    issuer: '310101',
    keys,
  });

  it('adds the foreign keys so its codes verify here', () => {
    const signed = signTrustList(shanghaiList(), { privateKey: shanghaiListKey.privateKey, alg: 'EdDSA' });
    const foreign = verifyTrustList(signed, [{ publicKey: shanghaiListKey.publicKey, alg: 'EdDSA' }]);
    const merged = mergeTrustLists(doc(), foreign.document, { issuedAt: NOW });
    expect(merged.jurisdictions).toEqual(['310101']);
    expect(merged.document).toMatchObject({ version: 4, issuer: '110105', issuedAt: NOW.toISOString() });
    const keys = parseTrustList(merged.document).keys;
    expect(verifyCode(code(shanghai), { keys, certs: [] }, NOW).valid).toBe(true);
    expect(verifyCode(code(beijing), { keys, certs: [] }, NOW).valid).toBe(true);
    // The merged list is signed again by us and verifies.
    const resigned = signTrustList(merged.document, { privateKey: federation.privateKey, alg: 'ES256' });
    expect(verifyTrustList(resigned, anchors).keys).toHaveLength(3);
  });

  it("replaces a jurisdiction's keys with its latest list (rotation and removal carry over)", () => {
    const first = mergeTrustLists(doc(), shanghaiList(), { issuedAt: NOW }).document;
    const rotated = mergeTrustLists(first, shanghaiList([entry(shanghaiNew)]), { issuedAt: NOW }).document;
    const keys = parseTrustList(rotated).keys;
    expect(verifyCode(code(shanghaiNew), { keys, certs: [] }, NOW).valid).toBe(true);
    expect(verifyCode(code(shanghai), { keys, certs: [] }, NOW).valid).toBe(false);
    expect(rotated.version).toBe(5);
  });

  it('never lets a foreign list change our own keys', () => {
    const intruder = tesseraKey('ES256', '110105');
    const merged = mergeTrustLists(doc(), shanghaiList([entry(shanghai), entry(intruder)]), { issuedAt: NOW });
    expect(merged.ignored).toEqual([intruder.kid.toString('base64')]);
    const keys = parseTrustList(merged.document).keys;
    expect(verifyCode(code(intruder), { keys, certs: [] }, NOW).valid).toBe(false);
    expect(verifyCode(code(beijing), { keys, certs: [] }, NOW).valid).toBe(true);
  });

  it('refuses a foreign list that claims a key we hold for another jurisdiction', () => {
    const third = tesseraKey('ES256', '440300');
    const base = mergeTrustLists(
      doc(),
      { ...shanghaiList([entry(third)]), issuer: '440300' },
      { issuedAt: NOW },
    ).document;
    const stolen = { ...entry(third), jurisdiction: '310101' };
    expect(() => mergeTrustLists(base, shanghaiList([stolen]), { issuedAt: NOW })).toThrow(
      /is listed for 310101 by 310101 but belongs to 440300 here/,
    );
  });
});
