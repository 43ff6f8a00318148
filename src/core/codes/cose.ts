import { constants, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { cborDecode, cborEncode, Tag } from './cbor.ts';
import type { CborMap } from './cbor.ts';

/** COSE algorithms this verifier implements (RFC 9053 / RFC 8230 identifiers). */
export type CoseAlg = 'ES256' | 'EdDSA' | 'PS256';

export const COSE_ALG_ID: Readonly<Record<CoseAlg, number>> = { ES256: -7, EdDSA: -8, PS256: -37 };

const ALG_BY_ID = new Map<number, CoseAlg>(Object.entries(COSE_ALG_ID).map(([name, id]) => [id, name as CoseAlg]));

export function coseAlgFromId(id: number): CoseAlg | null {
  return ALG_BY_ID.get(id) ?? null;
}

export const COSE_SIGN1_TAG = 18;
export const HEADER_ALG = 1;
export const HEADER_KID = 4;

export class CoseError extends Error {
  override name = 'CoseError';
}

export interface CoseSign1 {
  /** The protected header exactly as received: the signature covers these bytes, not a re-encoding. */
  protectedBytes: Buffer;
  protectedHeader: CborMap;
  unprotectedHeader: CborMap;
  payload: Buffer;
  signature: Buffer;
  /** Numeric alg from the protected header (an unprotected alg is ignored: it could be swapped freely). */
  algId: number;
  /** kid from the protected header, else from the unprotected one; null when neither has it. */
  kid: Buffer | null;
}

function asBytes(value: unknown): Buffer | null {
  return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : null;
}

/** Parses a COSE_Sign1 message (tag 18 or untagged) with precise errors; never verifies anything. */
export function decodeCoseSign1(bytes: Uint8Array): CoseSign1 {
  let item: unknown;
  try {
    item = cborDecode(bytes);
  } catch (err) {
    throw new CoseError(`malformed CBOR: ${(err as Error).message}`);
  }
  if (item instanceof Tag) {
    if (item.tag !== COSE_SIGN1_TAG) throw new CoseError(`expected COSE_Sign1 (tag 18), found CBOR tag ${item.tag}`);
    item = item.value;
  }
  if (!Array.isArray(item) || item.length !== 4) {
    throw new CoseError('COSE_Sign1 must be an array of 4 items [protected, unprotected, payload, signature]');
  }
  const [prot, unprot, payloadItem, sigItem] = item as [unknown, unknown, unknown, unknown];
  const protectedBytes = asBytes(prot);
  if (!protectedBytes) throw new CoseError('COSE_Sign1 protected header must be a byte string');
  let protectedHeader: CborMap;
  if (protectedBytes.length === 0) {
    protectedHeader = new Map();
  } else {
    let decoded: unknown;
    try {
      decoded = cborDecode(protectedBytes);
    } catch (err) {
      throw new CoseError(`malformed protected header: ${(err as Error).message}`);
    }
    if (!(decoded instanceof Map)) throw new CoseError('COSE_Sign1 protected header must encode a map');
    protectedHeader = decoded;
  }
  if (!(unprot instanceof Map)) throw new CoseError('COSE_Sign1 unprotected header must be a map');
  const payload = asBytes(payloadItem);
  if (!payload) {
    throw new CoseError(
      payloadItem === null ? 'detached COSE payloads are not supported' : 'COSE_Sign1 payload must be a byte string',
    );
  }
  const signature = asBytes(sigItem);
  if (!signature) throw new CoseError('COSE_Sign1 signature must be a byte string');

  const algId = protectedHeader.get(HEADER_ALG);
  if (algId === undefined) {
    throw new CoseError(
      unprot.has(HEADER_ALG)
        ? 'alg (1) must be in the protected header, found only in the unprotected one'
        : 'alg (1) missing from the protected header',
    );
  }
  if (typeof algId !== 'number' || !Number.isInteger(algId)) throw new CoseError('alg (1) must be an integer');

  let kid: Buffer | null = null;
  for (const [where, header] of [
    ['protected', protectedHeader],
    ['unprotected', unprot],
  ] as const) {
    if (!header.has(HEADER_KID)) continue;
    const k = asBytes(header.get(HEADER_KID));
    if (!k) throw new CoseError(`kid (4) in the ${where} header must be a byte string`);
    kid = k;
    break;
  }
  return { protectedBytes, protectedHeader, unprotectedHeader: unprot, payload, signature, algId, kid };
}

/** array(4), text(10) "Signature1": the fixed start of every Sig_structure for COSE_Sign1. */
const SIG1_HEAD = Buffer.from([0x84, 0x6a, ...Buffer.from('Signature1')]);
const EMPTY_BSTR = Buffer.from([0x40]);

/** CBOR byte-string head (major type 2) for a given length, in preferred (shortest) form. */
function bstrHead(length: number): Buffer {
  if (length < 24) return Buffer.from([0x40 | length]);
  if (length < 0x100) return Buffer.from([0x58, length]);
  if (length < 0x10000) return Buffer.from([0x59, length >> 8, length & 0xff]);
  const head = Buffer.alloc(5);
  head[0] = 0x5a;
  head.writeUInt32BE(length, 1);
  return head;
}

/**
 * Sig_structure = ["Signature1", body_protected, external_aad (empty), payload] (RFC 9052 §4.4).
 * Built by hand: it sits on the hot path of every verification and its layout is fixed.
 */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Buffer {
  return Buffer.concat([
    SIG1_HEAD,
    bstrHead(protectedBytes.length),
    protectedBytes,
    EMPTY_BSTR,
    bstrHead(payload.length),
    payload,
  ]);
}

/** Why `key` cannot be used with `alg`, or null when it can. Guards against algorithm/key confusion. */
export function keyMismatch(alg: CoseAlg, key: KeyObject): string | null {
  const type = key.asymmetricKeyType;
  switch (alg) {
    case 'ES256': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return type === 'ec' && curve === 'prime256v1' ? null : `ES256 needs a P-256 EC key, got ${describeKey(key)}`;
    }
    case 'EdDSA':
      return type === 'ed25519' ? null : `EdDSA needs an Ed25519 key, got ${describeKey(key)}`;
    case 'PS256': {
      if (type !== 'rsa' && type !== 'rsa-pss') return `PS256 needs an RSA key, got ${describeKey(key)}`;
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      return bits >= 2048 ? null : `PS256 needs an RSA key of at least 2048 bits, got ${bits}`;
    }
  }
}

function describeKey(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return `${key.asymmetricKeyType ?? key.type}${curve ? ` (${curve})` : ''} key`;
}

const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } as const;

export function signBytes(alg: CoseAlg, privateKey: KeyObject, data: Uint8Array): Buffer {
  switch (alg) {
    case 'ES256':
      return sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA':
      return sign(null, data, privateKey);
    case 'PS256':
      return sign('sha256', data, { key: privateKey, ...PSS });
  }
}

/** True only for a good signature; a wrong key type or a malformed signature is false, never an exception. */
export function verifyBytes(alg: CoseAlg, publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  if (keyMismatch(alg, publicKey)) return false;
  try {
    switch (alg) {
      case 'ES256':
        return (
          signature.length === 64 && verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)
        );
      case 'EdDSA':
        return signature.length === 64 && verify(null, data, publicKey, signature);
      case 'PS256':
        return verify('sha256', data, { key: publicKey, ...PSS }, signature);
    }
  } catch {
    return false;
  }
}

export interface SignCoseSign1Input {
  payload: Uint8Array;
  alg: CoseAlg;
  privateKey: KeyObject;
  kid: Uint8Array;
  /** Put the kid in the unprotected header instead (some DCC issuers do; verifiers must cope). */
  kidUnprotected?: boolean;
}

/** Builds a tagged COSE_Sign1 with alg (and kid) in the protected header. */
export function signCoseSign1(input: SignCoseSign1Input): Buffer {
  const mismatch = keyMismatch(input.alg, input.privateKey);
  if (mismatch) throw new CoseError(mismatch);
  const kid = Buffer.from(input.kid);
  const prot = new Map<number, unknown>([[HEADER_ALG, COSE_ALG_ID[input.alg]]]);
  const unprot = new Map<number, unknown>();
  (input.kidUnprotected ? unprot : prot).set(HEADER_KID, kid);
  const protectedBytes = cborEncode(prot);
  const signature = signBytes(input.alg, input.privateKey, sigStructure(protectedBytes, input.payload));
  return encodeCoseSign1(protectedBytes, unprot, input.payload, signature);
}

export function encodeCoseSign1(
  protectedBytes: Uint8Array,
  unprotectedHeader: CborMap,
  payload: Uint8Array,
  signature: Uint8Array,
): Buffer {
  return cborEncode(new Tag([protectedBytes, unprotectedHeader, payload, signature], COSE_SIGN1_TAG));
}
