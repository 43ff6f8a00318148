import { cborDecode, CborTag } from './cbor.ts';

/** COSE_Sign1 (RFC 9052 §4.2) parsing and the Sig_structure, as in src/core/codes/cose.ts. */

export type CoseAlg = 'ES256' | 'EdDSA' | 'PS256';
const ALG_BY_ID: ReadonlyMap<number, CoseAlg> = new Map([
  [-7, 'ES256'],
  [-8, 'EdDSA'],
  [-37, 'PS256'],
]);
export const coseAlgFromId = (id: number): CoseAlg | null => ALG_BY_ID.get(id) ?? null;

export interface CoseSign1 {
  /** The protected header bytes exactly as received: the signature covers these, never a re-encoding. */
  protectedBytes: Uint8Array;
  payload: Uint8Array;
  signature: Uint8Array;
  algId: number;
  kid: Uint8Array | null;
}

const HEADER_ALG = 1;
const HEADER_KID = 4;

export function decodeCoseSign1(bytes: Uint8Array): CoseSign1 {
  let item: unknown;
  try {
    item = cborDecode(bytes);
  } catch (e) {
    throw new Error(`malformed CBOR: ${(e as Error).message}`);
  }
  if (item instanceof CborTag) {
    if (item.tag !== 18) throw new Error(`expected COSE_Sign1 (tag 18), found CBOR tag ${item.tag}`);
    item = item.value;
  }
  if (!Array.isArray(item) || item.length !== 4) {
    throw new Error('COSE_Sign1 must be an array of 4 items [protected, unprotected, payload, signature]');
  }
  const [prot, unprot, payload, signature] = item as unknown[];
  if (!(prot instanceof Uint8Array)) throw new Error('COSE_Sign1 protected header must be a byte string');
  let header: Map<unknown, unknown> = new Map();
  if (prot.length > 0) {
    let decoded: unknown;
    try {
      decoded = cborDecode(prot);
    } catch (e) {
      throw new Error(`malformed protected header: ${(e as Error).message}`);
    }
    if (!(decoded instanceof Map)) throw new Error('COSE_Sign1 protected header must encode a map');
    header = decoded;
  }
  if (!(unprot instanceof Map)) throw new Error('COSE_Sign1 unprotected header must be a map');
  if (!(payload instanceof Uint8Array)) {
    throw new Error(payload === null ? 'detached COSE payloads are not supported' : 'payload must be a byte string');
  }
  if (!(signature instanceof Uint8Array)) throw new Error('COSE_Sign1 signature must be a byte string');
  const algId = header.get(HEADER_ALG);
  if (algId === undefined) {
    throw new Error(
      unprot.has(HEADER_ALG)
        ? 'alg (1) must be in the protected header, found only in the unprotected one'
        : 'alg (1) missing from the protected header',
    );
  }
  if (typeof algId !== 'number' || !Number.isInteger(algId)) throw new Error('alg (1) must be an integer');
  let kid: Uint8Array | null = null;
  for (const h of [header, unprot]) {
    if (!h.has(HEADER_KID)) continue;
    const k = h.get(HEADER_KID);
    if (!(k instanceof Uint8Array)) throw new Error('kid (4) must be a byte string');
    kid = k;
    break;
  }
  return { protectedBytes: prot, payload, signature, algId, kid };
}

function bstrHead(length: number): number[] {
  if (length < 24) return [0x40 | length];
  if (length < 0x100) return [0x58, length];
  if (length < 0x10000) return [0x59, length >> 8, length & 0xff];
  return [0x5a, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff];
}

/** Sig_structure = ["Signature1", protected, h'', payload], CBOR-encoded: what the signature covers. */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const head = [0x84, 0x6a, ...new TextEncoder().encode('Signature1')];
  const p = bstrHead(protectedBytes.length);
  const q = bstrHead(payload.length);
  const out = new Uint8Array(head.length + p.length + protectedBytes.length + 1 + q.length + payload.length);
  let o = 0;
  for (const part of [head, p, protectedBytes, [0x40], q, payload]) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}
