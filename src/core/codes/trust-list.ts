import { createPublicKey } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import { keyMismatch, signBytes, verifyBytes } from './cose.ts';
import type { CoseAlg } from './cose.ts';
import { kidForPublicKey, spkiDer, TESSERA_ALGS } from './keys.ts';
import type { TrustedKey } from './keys.ts';

/**
 * A jurisdiction's (or a federation's) published list of code-signing keys, signed by its trust-list key.
 * Verifiers cache it and check codes offline. Format and signature are specified in docs/codes.md.
 */
export interface TrustListKeyJson {
  /** base64 of kidForPublicKey(publicKey). */
  kid: string;
  alg: CoseAlg;
  jurisdiction: string;
  /** base64 SubjectPublicKeyInfo DER, or a public JWK. */
  publicKey: string | JsonWebKey;
  /** ISO-8601: the key may sign codes issued in [notBefore, notAfter]. */
  notBefore: string;
  notAfter: string;
}

export interface TrustListDocument {
  /** Increases with every publication, so a verifier can refuse an older list (rollback). */
  version: number;
  issuedAt: string;
  /** Jurisdiction (or federation) code that signs the list. */
  issuer: string;
  keys: TrustListKeyJson[];
}

export interface SignedTrustList {
  trustList: TrustListDocument;
  /** Detached signature over trustListSigningInput(trustList). */
  signature: { alg: CoseAlg; kid: string; value: string };
}

export class TrustListError extends Error {
  override name = 'TrustListError';
}

export interface ParsedTrustList {
  document: TrustListDocument;
  keys: TrustedKey[];
}

/** Domain separation, so a trust-list signature can never be replayed as another kind of signature. */
const SIGNING_CONTEXT = 'tessera-trust-list/v1\n';

export function trustListSigningInput(doc: TrustListDocument): Buffer {
  return Buffer.from(SIGNING_CONTEXT + canonicalJson(doc), 'utf8');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBase64(text: unknown, path: string): Buffer {
  if (typeof text !== 'string' || !BASE64.test(text)) throw new TrustListError(`${path}: must be standard base64`);
  return Buffer.from(text, 'base64');
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(text: unknown, path: string): Date {
  const ms = typeof text === 'string' && ISO.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new TrustListError(`${path}: must be an ISO-8601 time with a UTC offset`);
  return new Date(ms);
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TrustListError(`${path}: must be a non-empty string`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parsePublicKey(value: unknown, path: string): KeyObject {
  try {
    if (typeof value === 'string')
      return createPublicKey({ key: decodeBase64(value, path), format: 'der', type: 'spki' });
    if (isObject(value)) return createPublicKey({ key: value as JsonWebKey, format: 'jwk' });
  } catch (err) {
    if (err instanceof TrustListError) throw err;
    throw new TrustListError(`${path}: not a usable public key (${(err as Error).message})`);
  }
  throw new TrustListError(`${path}: must be base64 SPKI DER or a JWK object`);
}

export function parseTrustedKey(entry: unknown, path = 'key'): TrustedKey {
  if (!isObject(entry)) throw new TrustListError(`${path}: must be an object`);
  const alg = entry.alg;
  if (typeof alg !== 'string' || !(TESSERA_ALGS as readonly string[]).includes(alg)) {
    throw new TrustListError(`${path}.alg: must be one of ${TESSERA_ALGS.join(', ')}, got ${JSON.stringify(alg)}`);
  }
  const publicKey = parsePublicKey(entry.publicKey, `${path}.publicKey`);
  const mismatch = keyMismatch(alg as CoseAlg, publicKey);
  if (mismatch) throw new TrustListError(`${path}.publicKey: ${mismatch}`);
  const kid = decodeBase64(entry.kid, `${path}.kid`);
  const expected = kidForPublicKey(publicKey);
  if (!kid.equals(expected)) {
    throw new TrustListError(
      `${path}.kid: ${entry.kid} does not match the key (expected ${expected.toString('base64')})`,
    );
  }
  const notBefore = parseInstant(entry.notBefore, `${path}.notBefore`);
  const notAfter = parseInstant(entry.notAfter, `${path}.notAfter`);
  if (notAfter <= notBefore) throw new TrustListError(`${path}.notAfter: must be after notBefore`);
  return {
    kid,
    alg: alg as CoseAlg,
    jurisdiction: text(entry.jurisdiction, `${path}.jurisdiction`),
    publicKey,
    notBefore,
    notAfter,
  };
}

/** Validates a trust-list document (not its signature) and turns its entries into TrustedKeys. */
export function parseTrustList(doc: unknown): ParsedTrustList {
  if (!isObject(doc)) throw new TrustListError('trustList: must be an object');
  if (!Number.isSafeInteger(doc.version) || (doc.version as number) < 1) {
    throw new TrustListError('trustList.version: must be a positive integer');
  }
  parseInstant(doc.issuedAt, 'trustList.issuedAt');
  text(doc.issuer, 'trustList.issuer');
  if (!Array.isArray(doc.keys)) throw new TrustListError('trustList.keys: must be an array');
  const keys = doc.keys.map((k, i) => parseTrustedKey(k, `trustList.keys[${i}]`));
  const seen = new Map<string, string>();
  for (const [i, key] of keys.entries()) {
    const spki = spkiDer(key.publicKey).toString('base64');
    const other = seen.get(spki);
    if (other !== undefined) throw new TrustListError(`trustList.keys[${i}]: same public key as ${other}`);
    seen.set(spki, `trustList.keys[${i}]`);
  }
  return { document: doc as unknown as TrustListDocument, keys };
}

/** Builds one trust-list entry for a public key. */
export function trustListEntry(input: {
  publicKey: KeyObject;
  alg: CoseAlg;
  jurisdiction: string;
  notBefore: Date;
  notAfter: Date;
}): TrustListKeyJson {
  const entry: TrustListKeyJson = {
    kid: kidForPublicKey(input.publicKey).toString('base64'),
    alg: input.alg,
    jurisdiction: input.jurisdiction,
    publicKey: spkiDer(input.publicKey).toString('base64'),
    notBefore: input.notBefore.toISOString(),
    notAfter: input.notAfter.toISOString(),
  };
  parseTrustedKey(entry);
  return entry;
}

export interface TrustListSigner {
  privateKey: KeyObject;
  alg: CoseAlg;
}

export function signTrustList(doc: TrustListDocument, signer: TrustListSigner): SignedTrustList {
  parseTrustList(doc);
  if (!TESSERA_ALGS.includes(signer.alg)) throw new TrustListError(`trust lists are signed with ES256 or EdDSA`);
  const mismatch = keyMismatch(signer.alg, signer.privateKey);
  if (mismatch) throw new TrustListError(mismatch);
  const value = signBytes(signer.alg, signer.privateKey, trustListSigningInput(doc));
  return {
    trustList: doc,
    signature: {
      alg: signer.alg,
      kid: kidForPublicKey(signer.privateKey).toString('base64'),
      value: value.toString('base64'),
    },
  };
}

/** A key trusted to sign trust lists (the federation's, or the jurisdiction's own). */
export interface TrustListAnchor {
  publicKey: KeyObject;
  alg: CoseAlg;
}

/**
 * Checks the detached signature against the anchors (matched by kid), then validates the document.
 * `minVersion` refuses a list older than one already accepted.
 */
export function verifyTrustList(
  signed: unknown,
  anchors: readonly TrustListAnchor[],
  options: { minVersion?: number } = {},
): ParsedTrustList {
  if (!isObject(signed)) throw new TrustListError('signed trust list: must be an object');
  if (!isObject(signed.trustList)) throw new TrustListError('trustList: must be an object');
  const sig = signed.signature;
  if (!isObject(sig)) throw new TrustListError('signature: must be an object { alg, kid, value }');
  const alg = sig.alg;
  if (typeof alg !== 'string' || !(TESSERA_ALGS as readonly string[]).includes(alg)) {
    throw new TrustListError(`signature.alg: must be one of ${TESSERA_ALGS.join(', ')}, got ${JSON.stringify(alg)}`);
  }
  const kid = decodeBase64(sig.kid, 'signature.kid');
  const value = decodeBase64(sig.value, 'signature.value');
  const candidates = anchors.filter((a) => a.alg === alg && kidForPublicKey(a.publicKey).equals(kid));
  if (candidates.length === 0) {
    throw new TrustListError(`signature.kid: ${sig.kid} (${alg}) is not a trusted trust-list signing key`);
  }
  let input: Buffer;
  try {
    input = trustListSigningInput(signed.trustList as unknown as TrustListDocument);
  } catch (err) {
    throw new TrustListError(`trustList: cannot be canonicalised (${(err as Error).message})`);
  }
  if (!candidates.some((a) => verifyBytes(alg as CoseAlg, a.publicKey, input, value))) {
    throw new TrustListError('signature.value: does not verify: the trust list was altered or signed by another key');
  }
  const parsed = parseTrustList(signed.trustList);
  if (options.minVersion !== undefined && parsed.document.version < options.minVersion) {
    throw new TrustListError(
      `trustList.version: ${parsed.document.version} is older than the accepted version ${options.minVersion}`,
    );
  }
  return parsed;
}

export interface MergeResult {
  document: TrustListDocument;
  /** Jurisdictions whose keys were taken from the incoming list. */
  jurisdictions: string[];
  /** kids (base64) of incoming keys for our own jurisdiction, which only we may publish. */
  ignored: string[];
}

/**
 * Imports another list into ours. The incoming list is authoritative for the jurisdictions it lists: their keys
 * replace ours (so its rotations and removals carry over). It can never change the keys of our own issuer.
 * Produces a new unsigned document (version + 1) for the caller to sign.
 */
export function mergeTrustLists(
  base: TrustListDocument,
  incoming: TrustListDocument,
  options: { issuedAt: Date },
): MergeResult {
  parseTrustList(base);
  const parsedIncoming = parseTrustList(incoming);
  const own = base.issuer;
  const ignored: string[] = [];
  const taken = new Set<string>();
  const fromIncoming: TrustListKeyJson[] = [];
  for (const [i, entry] of incoming.keys.entries()) {
    if (entry.jurisdiction === own) {
      ignored.push(entry.kid);
      continue;
    }
    taken.add(entry.jurisdiction);
    // Normalise JWKs to SPKI so the merged list compares and canonicalises one way.
    const key = parsedIncoming.keys[i]!;
    fromIncoming.push({ ...entry, publicKey: spkiDer(key.publicKey).toString('base64') });
  }
  const kept = base.keys.filter((k) => !taken.has(k.jurisdiction));
  const keptOwner = new Map<string, string>();
  for (const k of kept) keptOwner.set(spkiDer(parseTrustedKey(k).publicKey).toString('base64'), k.jurisdiction);
  for (const k of fromIncoming) {
    const owner = keptOwner.get(k.publicKey as string);
    if (owner !== undefined) {
      throw new TrustListError(
        `key ${k.kid} is listed for ${k.jurisdiction} by ${incoming.issuer} but belongs to ${owner} here`,
      );
    }
  }
  const keys = [...kept, ...fromIncoming].sort(
    (a, b) => cmp(a.jurisdiction, b.jurisdiction) || cmp(a.kid, b.kid) || cmp(a.notBefore, b.notBefore),
  );
  const document: TrustListDocument = {
    version: base.version + 1,
    issuedAt: options.issuedAt.toISOString(),
    issuer: base.issuer,
    keys,
  };
  try {
    parseTrustList(document);
  } catch (err) {
    throw new TrustListError(`merged list is inconsistent: ${(err as Error).message}`);
  }
  return { document, jurisdictions: [...taken].sort(), ignored };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
