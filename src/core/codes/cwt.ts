import { cborDecode, Tag } from './cbor.ts';
import type { CborMap } from './cbor.ts';

/** Registered CWT claim keys (RFC 8392) used here. */
export const CWT_ISS = 1;
export const CWT_EXP = 4;
export const CWT_IAT = 6;
/** EU DCC: hcert (-260) → { 1: eu_dcc_v1 }. */
export const CWT_HCERT = -260;
/** Tessera private claims (below -65536, the CWT private-use range). */
export const CLAIM_TESSERA_HEALTH = -70001;
export const CLAIM_TESSERA_PLACE = -70002;

/** The CBOR tag for a CWT (RFC 8392 §6); optional around the claims map. */
const CWT_TAG = 61;

export class ClaimsError extends Error {
  override name = 'ClaimsError';
}

export function decodeClaims(payload: Uint8Array): CborMap {
  let item: unknown;
  try {
    item = cborDecode(payload);
  } catch (err) {
    throw new ClaimsError(`malformed CBOR in CWT payload: ${(err as Error).message}`);
  }
  if (item instanceof Tag && item.tag === CWT_TAG) item = item.value;
  if (!(item instanceof Map)) throw new ClaimsError('CWT payload must be a CBOR map of claims');
  return item;
}

/** Reads a NumericDate claim in whole seconds; fractions are truncated as RFC 8392 allows them. */
export function readNumericDate(claims: CborMap, key: number, name: string): number | null {
  const v = claims.get(key);
  if (v === undefined) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new ClaimsError(`${name} (${key}) must be a non-negative NumericDate (seconds), got ${describe(v)}`);
  }
  return Math.floor(v);
}

export function requireNumericDate(claims: CborMap, key: number, name: string): number {
  const v = readNumericDate(claims, key, name);
  if (v === null) throw new ClaimsError(`${name} (${key}) claim is missing`);
  return v;
}

export function readText(claims: CborMap, key: number | string, name: string, required: boolean): string | null {
  const v = claims.get(key);
  if (v === undefined) {
    if (required) throw new ClaimsError(`${name} claim is missing`);
    return null;
  }
  if (typeof v !== 'string' || v.length === 0) throw new ClaimsError(`${name} must be a non-empty text string`);
  return v;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return 'a byte string';
  if (v instanceof Map) return 'a map';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.length > 20 ? `${v.slice(0, 20)}…` : v}"`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return typeof v;
}

export function secondsToIso(seconds: number): string | null {
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
