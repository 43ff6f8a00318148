import { fromBase64, toBase64 } from './cbor.ts';
import { canonicalJson } from './jcs.ts';

/**
 * The signed trust list (docs/codes.md §9) checked in the browser with WebCrypto: the detached signature over
 * "tessera-trust-list/v1\n" + JCS(trustList) must verify with a pinned anchor key before any entry is used, and
 * every entry's kid must be the one derived from its key. Mirrors src/core/codes/trust-list.ts.
 */

export type TrustAlg = 'ES256' | 'EdDSA';
const ALGS: readonly TrustAlg[] = ['ES256', 'EdDSA'];

export interface TrustListKeyJson {
  kid: string;
  alg: TrustAlg;
  jurisdiction: string;
  publicKey: string | JsonWebKey;
  notBefore: string;
  notAfter: string;
}

export interface TrustListDocument {
  version: number;
  issuedAt: string;
  issuer: string;
  keys: TrustListKeyJson[];
}

export interface SignedTrustList {
  trustList: TrustListDocument;
  signature: { alg: TrustAlg; kid: string; value: string };
}

/** The key that signs trust lists, pinned on the device (GET /trust-list/anchor gives it out). */
export interface TrustAnchor {
  alg: TrustAlg;
  /** base64 SubjectPublicKeyInfo DER. */
  publicKey: string;
}

/** A code-signing key ready for WebCrypto. Times in whole seconds. */
export interface OfflineKey {
  kid: Uint8Array;
  kidB64: string;
  alg: TrustAlg;
  jurisdiction: string;
  key: CryptoKey;
  notBefore: number;
  notAfter: number;
}

export interface OfflineTrust {
  document: TrustListDocument;
  keys: OfflineKey[];
}

export class TrustListError extends Error {
  override name = 'TrustListError';
}

const SIGNING_CONTEXT = 'tessera-trust-list/v1\n';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function base64(text: unknown, path: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string' || !BASE64.test(text)) throw new TrustListError(`${path}: must be standard base64`);
  return fromBase64(text);
}

function instant(text: unknown, path: string): number {
  const ms = typeof text === 'string' && ISO.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new TrustListError(`${path}: must be an ISO-8601 time with a UTC offset`);
  return ms;
}

function alg(value: unknown, path: string): TrustAlg {
  if (typeof value !== 'string' || !(ALGS as readonly string[]).includes(value)) {
    throw new TrustListError(`${path}: must be one of ${ALGS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as TrustAlg;
}

const params = (a: TrustAlg): EcKeyImportParams | Algorithm =>
  a === 'ES256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'Ed25519' };

/** Imports a public key for verification; extractable so its SPKI (and so its kid) can be derived. */
export async function importPublicKey(a: TrustAlg, publicKey: string | JsonWebKey, path = 'key'): Promise<CryptoKey> {
  try {
    if (typeof publicKey === 'string') {
      return await crypto.subtle.importKey('spki', base64(publicKey, path), params(a), true, ['verify']);
    }
    if (isObject(publicKey)) return await crypto.subtle.importKey('jwk', publicKey, params(a), true, ['verify']);
  } catch (e) {
    if (e instanceof TrustListError) throw e;
    throw new TrustListError(`${path}: not a usable ${a} public key (${(e as Error).message})`);
  }
  throw new TrustListError(`${path}: must be base64 SPKI DER or a JWK object`);
}

/** Tessera kid: the first 8 bytes of SHA-256 over the key's SubjectPublicKeyInfo DER. */
export async function kidOf(key: CryptoKey): Promise<Uint8Array> {
  const spki = await crypto.subtle.exportKey('spki', key);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', spki)).slice(0, 8);
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** True only for a good signature: ES256 is raw r‖s (64 bytes), exactly what WebCrypto's ECDSA expects. */
export async function verifySignature(
  a: TrustAlg,
  key: CryptoKey,
  data: Uint8Array<ArrayBuffer>,
  signature: Uint8Array,
): Promise<boolean> {
  if (signature.length !== 64) return false;
  const sig = new Uint8Array(signature);
  try {
    return await crypto.subtle.verify(
      a === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'Ed25519' },
      key,
      sig,
      data,
    );
  } catch {
    return false;
  }
}

async function parseKey(entry: unknown, path: string): Promise<OfflineKey> {
  if (!isObject(entry)) throw new TrustListError(`${path}: must be an object`);
  const a = alg(entry.alg, `${path}.alg`);
  const key = await importPublicKey(a, entry.publicKey as string | JsonWebKey, `${path}.publicKey`);
  const kid = base64(entry.kid, `${path}.kid`);
  const expected = await kidOf(key);
  if (!sameBytes(kid, expected)) {
    throw new TrustListError(
      `${path}.kid: ${String(entry.kid)} does not match the key (expected ${toBase64(expected)})`,
    );
  }
  const notBefore = instant(entry.notBefore, `${path}.notBefore`);
  const notAfter = instant(entry.notAfter, `${path}.notAfter`);
  if (notAfter <= notBefore) throw new TrustListError(`${path}.notAfter: must be after notBefore`);
  if (typeof entry.jurisdiction !== 'string' || !entry.jurisdiction) {
    throw new TrustListError(`${path}.jurisdiction: must be a non-empty string`);
  }
  return {
    kid,
    kidB64: toBase64(kid),
    alg: a,
    jurisdiction: entry.jurisdiction,
    key,
    notBefore: notBefore / 1000,
    notAfter: notAfter / 1000,
  };
}

/**
 * Checks the list's signature against the anchors (matched by alg and kid), then validates every entry.
 * `minVersion` refuses a list older than one already accepted (rollback).
 */
export async function verifyTrustList(
  signed: unknown,
  anchors: readonly TrustAnchor[],
  options: { minVersion?: number } = {},
): Promise<OfflineTrust> {
  if (!isObject(signed) || !isObject(signed.trustList)) throw new TrustListError('trustList: must be an object');
  const sig = signed.signature;
  if (!isObject(sig)) throw new TrustListError('signature: must be an object { alg, kid, value }');
  const sigAlg = alg(sig.alg, 'signature.alg');
  const kid = base64(sig.kid, 'signature.kid');
  const value = base64(sig.value, 'signature.value');
  const candidates: CryptoKey[] = [];
  for (const [i, anchor] of anchors.entries()) {
    if (anchor.alg !== sigAlg) continue;
    const key = await importPublicKey(anchor.alg, anchor.publicKey, `anchor[${i}]`);
    if (sameBytes(await kidOf(key), kid)) candidates.push(key);
  }
  if (candidates.length === 0) {
    throw new TrustListError(`signature.kid: ${String(sig.kid)} (${sigAlg}) is not the pinned trust-list key`);
  }
  let input: Uint8Array<ArrayBuffer>;
  try {
    input = new TextEncoder().encode(SIGNING_CONTEXT + canonicalJson(signed.trustList));
  } catch (e) {
    throw new TrustListError(`trustList: cannot be canonicalised (${(e as Error).message})`);
  }
  let ok = false;
  for (const key of candidates) if (await verifySignature(sigAlg, key, input, value)) ok = true;
  if (!ok)
    throw new TrustListError('signature.value: does not verify: the trust list was altered or signed by another key');

  const doc = signed.trustList;
  if (!Number.isSafeInteger(doc.version) || (doc.version as number) < 1) {
    throw new TrustListError('trustList.version: must be a positive integer');
  }
  instant(doc.issuedAt, 'trustList.issuedAt');
  if (typeof doc.issuer !== 'string' || !doc.issuer)
    throw new TrustListError('trustList.issuer: must be a non-empty string');
  if (!Array.isArray(doc.keys)) throw new TrustListError('trustList.keys: must be an array');
  const keys: OfflineKey[] = [];
  for (const [i, entry] of doc.keys.entries()) keys.push(await parseKey(entry, `trustList.keys[${i}]`));
  if (options.minVersion !== undefined && (doc.version as number) < options.minVersion) {
    throw new TrustListError(
      `trustList.version: ${String(doc.version)} is older than the accepted version ${options.minVersion}`,
    );
  }
  return { document: doc as unknown as TrustListDocument, keys };
}
