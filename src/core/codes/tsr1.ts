import { createHmac } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { cborEncode } from './cbor.ts';
import type { CborMap } from './cbor.ts';
import { signCoseSign1 } from './cose.ts';
import type { CoseAlg } from './cose.ts';
import {
  CLAIM_TESSERA_HEALTH,
  CLAIM_TESSERA_PLACE,
  ClaimsError,
  CWT_EXP,
  CWT_IAT,
  CWT_ISS,
  describe,
  readText,
  requireNumericDate,
} from './cwt.ts';
import { wrapEnvelope } from './envelope.ts';
import { KID_LENGTH, TESSERA_ALGS } from './keys.ts';

export type HealthColor = 'green' | 'yellow' | 'red';
export const HEALTH_COLORS: readonly HealthColor[] = ['green', 'yellow', 'red'];

/** 0 none, 1 partially vaccinated, 2 fully vaccinated (the "gold border" of DESIGN.md §3). */
export type VaccinationMark = 0 | 1 | 2;

export type PlaceKind = 'venue' | 'sentinel';
export const PLACE_KINDS: readonly PlaceKind[] = ['venue', 'sentinel'];

/** Health codes live minutes (DESIGN.md §5); a code claiming more than a day was not minted by Tessera rules. */
export const DEFAULT_HEALTH_CODE_TTL_SECONDS = 180;
export const MAX_HEALTH_CODE_TTL_SECONDS = 24 * 3600;
export const DEFAULT_PLACE_CODE_TTL_SECONDS = 366 * 24 * 3600;

export const CLAIMS_VERSION = 1;

export interface HealthCodeClaims {
  /** Issuing jurisdiction code (CWT iss). */
  issuer: string;
  /** Pseudonymous subject id (see pseudonymFor); never a national ID. */
  subject: string;
  color: HealthColor;
  vaccination: VaccinationMark;
  /** Seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
}

export interface PlaceCodeClaims {
  issuer: string;
  placeId: string;
  /** Jurisdiction (e.g. community or grid code) the place lies in; may be below the issuer. */
  jurisdiction: string;
  kind: PlaceKind;
  category: string;
  name: string;
  issuedAt: number;
  expiresAt: number;
}

export interface SigningKey {
  key: KeyObject;
  kid: Uint8Array;
  alg: CoseAlg;
  now: Date;
}

export interface IssuedCode {
  code: string;
  issuedAt: Date;
  expiresAt: Date;
}

function assertSigningKey({ kid, alg }: SigningKey): void {
  if (!TESSERA_ALGS.includes(alg)) throw new ClaimsError(`Tessera codes are signed with ES256 or EdDSA, not ${alg}`);
  if (kid.length !== KID_LENGTH) throw new ClaimsError(`kid must be ${KID_LENGTH} bytes, got ${kid.length}`);
}

function lifetime(now: Date, ttlSeconds: number, max: number): { iat: number; exp: number } {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > max) {
    throw new ClaimsError(`ttlSeconds must be an integer in 1..${max}, got ${ttlSeconds}`);
  }
  const iat = Math.floor(now.getTime() / 1000);
  if (!Number.isFinite(iat)) throw new ClaimsError('now is not a valid date');
  return { iat, exp: iat + ttlSeconds };
}

function nonEmpty(value: string, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ClaimsError(`${name} must be a non-empty string`);
  return value;
}

function sealCwt(format: 'TSR1' | 'TSP1', claims: CborMap, signer: SigningKey, iat: number, exp: number): IssuedCode {
  const cose = signCoseSign1({ payload: cborEncode(claims), alg: signer.alg, privateKey: signer.key, kid: signer.kid });
  return { code: wrapEnvelope(format, cose), issuedAt: new Date(iat * 1000), expiresAt: new Date(exp * 1000) };
}

export interface IssueHealthCodeInput extends SigningKey {
  claims: {
    issuer: string;
    subject: string;
    color: HealthColor;
    vaccination: VaccinationMark;
    /** Default 180 s. */
    ttlSeconds?: number;
  };
}

/** Signs a `TSR1:` health code. Throws on invalid input: a bad claim is a caller bug, not a verification result. */
export function issueHealthCode(input: IssueHealthCodeInput): IssuedCode {
  assertSigningKey(input);
  const c = input.claims;
  if (!HEALTH_COLORS.includes(c.color)) throw new ClaimsError(`color must be green, yellow or red, got ${c.color}`);
  if (![0, 1, 2].includes(c.vaccination)) throw new ClaimsError(`vaccination must be 0, 1 or 2, got ${c.vaccination}`);
  const { iat, exp } = lifetime(
    input.now,
    c.ttlSeconds ?? DEFAULT_HEALTH_CODE_TTL_SECONDS,
    MAX_HEALTH_CODE_TTL_SECONDS,
  );
  const health = new Map<string, unknown>([
    ['v', CLAIMS_VERSION],
    ['sub', nonEmpty(c.subject, 'subject')],
    ['c', c.color],
    ['vx', c.vaccination],
  ]);
  const claims = new Map<number, unknown>([
    [CWT_ISS, nonEmpty(c.issuer, 'issuer')],
    [CWT_IAT, iat],
    [CWT_EXP, exp],
    [CLAIM_TESSERA_HEALTH, health],
  ]);
  return sealCwt('TSR1', claims, input, iat, exp);
}

export interface IssuePlaceCodeInput extends SigningKey {
  claims: Omit<PlaceCodeClaims, 'issuedAt' | 'expiresAt'> & { /** Default 366 days. */ ttlSeconds?: number };
}

/** Signs a `TSP1:` place code for a venue or sentinel poster. */
export function issuePlaceCode(input: IssuePlaceCodeInput): IssuedCode {
  assertSigningKey(input);
  const c = input.claims;
  if (!PLACE_KINDS.includes(c.kind)) throw new ClaimsError(`kind must be venue or sentinel, got ${c.kind}`);
  const ttl = c.ttlSeconds ?? DEFAULT_PLACE_CODE_TTL_SECONDS;
  const { iat, exp } = lifetime(input.now, ttl, 10 * 366 * 24 * 3600);
  const place = new Map<string, unknown>([
    ['v', CLAIMS_VERSION],
    ['id', nonEmpty(c.placeId, 'placeId')],
    ['j', nonEmpty(c.jurisdiction, 'jurisdiction')],
    ['k', c.kind],
    ['cat', nonEmpty(c.category, 'category')],
    ['n', nonEmpty(c.name, 'name')],
  ]);
  const claims = new Map<number, unknown>([
    [CWT_ISS, nonEmpty(c.issuer, 'issuer')],
    [CWT_IAT, iat],
    [CWT_EXP, exp],
    [CLAIM_TESSERA_PLACE, place],
  ]);
  return sealCwt('TSP1', claims, input, iat, exp);
}

function privateClaim(claims: CborMap, key: number, name: string): CborMap {
  const v = claims.get(key);
  if (v === undefined) throw new ClaimsError(`${name} claim (${key}) is missing`);
  if (!(v instanceof Map)) throw new ClaimsError(`${name} claim (${key}) must be a map, got ${describe(v)}`);
  const version = v.get('v');
  if (version !== CLAIMS_VERSION) throw new ClaimsError(`${name} claim version must be 1, got ${describe(version)}`);
  return v;
}

function oneOf<T extends string>(map: CborMap, key: string, allowed: readonly T[], name: string): T {
  const v = map.get(key);
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new ClaimsError(`${name} must be one of ${allowed.join('|')}, got ${describe(v)}`);
  }
  return v as T;
}

function times(claims: CborMap): { issuedAt: number; expiresAt: number } {
  const issuedAt = requireNumericDate(claims, CWT_IAT, 'iat');
  const expiresAt = requireNumericDate(claims, CWT_EXP, 'exp');
  if (expiresAt <= issuedAt) throw new ClaimsError('exp must be after iat');
  return { issuedAt, expiresAt };
}

/** Validates the claims of a TSR1 code (structure only; signature and time are the verifier's job). */
export function parseHealthClaims(claims: CborMap): HealthCodeClaims {
  const issuer = readText(claims, CWT_ISS, 'iss (1)', true)!;
  const { issuedAt, expiresAt } = times(claims);
  if (expiresAt - issuedAt > MAX_HEALTH_CODE_TTL_SECONDS) {
    throw new ClaimsError(`health code lifetime ${expiresAt - issuedAt} s exceeds ${MAX_HEALTH_CODE_TTL_SECONDS} s`);
  }
  const h = privateClaim(claims, CLAIM_TESSERA_HEALTH, 'health');
  const subject = readText(h, 'sub', 'health.sub', true)!;
  const color = oneOf(h, 'c', HEALTH_COLORS, 'health.c');
  const vx = h.get('vx');
  if (vx !== 0 && vx !== 1 && vx !== 2) throw new ClaimsError(`health.vx must be 0, 1 or 2, got ${describe(vx)}`);
  return { issuer, subject, color, vaccination: vx, issuedAt, expiresAt };
}

export function parsePlaceClaims(claims: CborMap): PlaceCodeClaims {
  const issuer = readText(claims, CWT_ISS, 'iss (1)', true)!;
  const { issuedAt, expiresAt } = times(claims);
  const p = privateClaim(claims, CLAIM_TESSERA_PLACE, 'place');
  return {
    issuer,
    placeId: readText(p, 'id', 'place.id', true)!,
    jurisdiction: readText(p, 'j', 'place.j', true)!,
    kind: oneOf(p, 'k', PLACE_KINDS, 'place.k'),
    category: readText(p, 'cat', 'place.cat', true)!,
    name: readText(p, 'n', 'place.n', true)!,
    issuedAt,
    expiresAt,
  };
}

/**
 * The subject id in a health code: HMAC-SHA256(secret, "tessera/sub/v1\n" + day + "\n" + personId), first 16
 * bytes, base64url. It changes every day, so codes shown on different days cannot be linked without the secret,
 * and it is not derived from the national ID unless the caller passes one (don't).
 */
export function pseudonymFor(secret: Buffer, personId: string, day: string): string {
  if (secret.length < 16) throw new ClaimsError('pseudonym secret must be at least 16 bytes');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new ClaimsError(`day must be YYYY-MM-DD, got ${day}`);
  nonEmpty(personId, 'personId');
  return createHmac('sha256', secret)
    .update(`tessera/sub/v1\n${day}\n${personId}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}
