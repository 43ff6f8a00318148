import type { X509Certificate } from 'node:crypto';
import { cborToJson, cwtClaimNames } from './cbor.ts';
import type { CborMap } from './cbor.ts';
import { COSE_ALG_ID, coseAlgFromId, decodeCoseSign1, keyMismatch, sigStructure, verifyBytes } from './cose.ts';
import type { CoseAlg, CoseSign1 } from './cose.ts';
import { CLAIM_TESSERA_HEALTH, CLAIM_TESSERA_PLACE, decodeClaims, secondsToIso } from './cwt.ts';
import { openEnvelope } from './envelope.ts';
import type { CodeFormat } from './envelope.ts';
import { ekuAllows, parseHcertClaims, signerCert } from './hc1.ts';
import type { DccType, SignerCert } from './hc1.ts';
import { TESSERA_ALGS } from './keys.ts';
import type { TrustedKey } from './keys.ts';
import { parseHealthClaims, parsePlaceClaims } from './tsr1.ts';
import type { HealthColor, VaccinationMark } from './tsr1.ts';

/** A DSC, optionally with the kid a gateway trust list published for it (otherwise derived from its DER). */
export type CertAnchor = X509Certificate | { cert: X509Certificate; kid: Uint8Array };

export interface Trust {
  /** Tessera jurisdiction keys, for TSR1 and TSP1. */
  keys: readonly TrustedKey[];
  /** EU DCC signer certificates, for HC1. */
  certs: readonly CertAnchor[];
}

/** Trust indexed by kid. Build it once and reuse it when verifying many codes against the same anchors. */
export class TrustStore {
  private readonly keysByKid = new Map<string, TrustedKey[]>();
  private readonly certsByKid = new Map<string, SignerCert[]>();

  constructor(trust: Trust) {
    for (const key of trust.keys) push(this.keysByKid, key.kid.toString('hex'), key);
    for (const anchor of trust.certs) {
      const info = 'cert' in anchor ? signerCert(anchor.cert, anchor.kid) : signerCert(anchor);
      push(this.certsByKid, info.kid.toString('hex'), info);
    }
  }

  keysFor(kid: Uint8Array): readonly TrustedKey[] {
    return this.keysByKid.get(Buffer.from(kid).toString('hex')) ?? [];
  }

  certsFor(kid: Uint8Array): readonly SignerCert[] {
    return this.certsByKid.get(Buffer.from(kid).toString('hex')) ?? [];
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export type CheckName = 'prefix' | 'base45' | 'decompress' | 'cose' | 'signature' | 'expiry' | 'keyUsage';
/** true passed, false failed, null could not run because an earlier stage failed. */
export type Checks = Record<CheckName, boolean | null>;

/** The verifier's answer: the `tessera verify` JSON contract (docs/codes.md). */
export interface VerifyResult {
  format: CodeFormat | null;
  valid: boolean;
  checks: Checks;
  /** base64 */
  kid: string | null;
  issuer: string | null;
  issuedAt: string | null;
  expiresAt: string | null;
  /** TSR1 only. */
  color: HealthColor | null;
  vaccination: VaccinationMark | null;
  /** HC1 only. */
  certificateType: DccType | null;
  /** Decoded claims as JSON; HC1 name and date of birth are removed unless identityCheck is set. */
  payload: unknown;
  /** Why the code is invalid (the first failing check); null when valid. */
  error: string | null;
}

export interface VerifyOptions {
  /** Include the DCC holder's name and date of birth (an audited identity check). */
  identityCheck?: boolean;
  /** Tolerated clock difference for an iat in the future, in seconds (default 60). Expiry gets none. */
  clockSkewSeconds?: number;
}

const CLAIM_NAMES = cwtClaimNames([
  [CLAIM_TESSERA_HEALTH, 'health'],
  [CLAIM_TESSERA_PLACE, 'place'],
]);

/** Never throws: every malformed input becomes valid:false with the failing check and a reason. */
export function verifyCode(
  code: string,
  trust: Trust | TrustStore,
  at: Date,
  options: VerifyOptions = {},
): VerifyResult {
  const r = emptyResult();
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    r.error = 'verification time is not a valid date';
    return r;
  }
  try {
    run(r, code, trust, at, options);
  } catch (err) {
    // Only a bug reaches here; still an answer, not a crash.
    fail(r, 'cose', `internal verifier error: ${(err as Error).message}`);
  }
  r.valid = r.error === null && Object.values(r.checks).every((c) => c === true);
  if (!r.valid && r.error === null) r.error = 'verification incomplete';
  return r;
}

function emptyResult(): VerifyResult {
  return {
    format: null,
    valid: false,
    checks: { prefix: null, base45: null, decompress: null, cose: null, signature: null, expiry: null, keyUsage: null },
    kid: null,
    issuer: null,
    issuedAt: null,
    expiresAt: null,
    color: null,
    vaccination: null,
    certificateType: null,
    payload: null,
    error: null,
  };
}

function fail(r: VerifyResult, check: CheckName, error: string): void {
  r.checks[check] = false;
  r.error ??= `${check}: ${error}`;
}

/** Claims of any format reduced to what the time and usage checks need. */
interface Parsed {
  issuer: string | null;
  issuedAt: number;
  expiresAt: number;
  dccType: DccType | null;
}

function run(r: VerifyResult, input: string, trust: Trust | TrustStore, at: Date, options: VerifyOptions): void {
  if (typeof input !== 'string') return fail(r, 'prefix', 'code must be a string');
  const atSec = at.getTime() / 1000;

  const env = openEnvelope(input);
  r.format = env.format;
  const stages = ['prefix', 'base45', 'decompress'] as const;
  if (!env.ok) {
    for (const s of stages.slice(0, stages.indexOf(env.stage))) r.checks[s] = true;
    return fail(r, env.stage, env.error);
  }
  for (const s of stages) r.checks[s] = true;
  const format = env.format;

  let sign1: CoseSign1;
  try {
    sign1 = decodeCoseSign1(env.cose);
  } catch (err) {
    return fail(r, 'cose', (err as Error).message);
  }
  if (sign1.kid) r.kid = sign1.kid.toString('base64');

  // Claims are reported even when the signature fails, to explain the failure; `valid` is what counts.
  let parsed: Parsed | null = null;
  try {
    const claims = decodeClaims(sign1.payload);
    parsed = readClaims(r, format, claims, options);
    r.checks.cose = true;
  } catch (err) {
    fail(r, 'cose', (err as Error).message);
  }

  const store = trust instanceof TrustStore ? trust : new TrustStore(trust);
  const signer = format === 'HC1' ? findDsc(r, sign1, store) : findKey(r, sign1, store);

  if (!parsed) return;
  checkTimes(r, parsed, signer, atSec, options.clockSkewSeconds ?? 60);
  if (!signer) return;
  if ('cert' in signer) {
    r.checks.keyUsage = ekuAllows(signer, parsed.dccType!);
    if (!r.checks.keyUsage) {
      fail(
        r,
        'keyUsage',
        `DSC allows only ${signer.allowedTypes!.join('/')} certificates, this one is ${parsed.dccType}`,
      );
    }
  } else {
    r.checks.keyUsage = signer.jurisdiction === parsed.issuer;
    if (!r.checks.keyUsage) {
      fail(
        r,
        'keyUsage',
        `key ${r.kid} belongs to jurisdiction ${signer.jurisdiction}, code claims issuer ${parsed.issuer}`,
      );
    }
  }
}

function readClaims(r: VerifyResult, format: CodeFormat, claims: CborMap, options: VerifyOptions): Parsed {
  const json = cborToJson(claims, CLAIM_NAMES) as Record<string, unknown>;
  if (format === 'HC1') {
    const h = parseHcertClaims(claims);
    if (!options.identityCheck) {
      const dcc = (json.hcert as Record<string, Record<string, unknown>>)['1']!;
      delete dcc.nam;
      delete dcc.dob;
    }
    Object.assign(r, stamp(h), { certificateType: h.type, payload: json });
    return { issuer: h.issuer, issuedAt: h.issuedAt, expiresAt: h.expiresAt, dccType: h.type };
  }
  if (format === 'TSR1') {
    const h = parseHealthClaims(claims);
    Object.assign(r, stamp(h), { color: h.color, vaccination: h.vaccination, payload: json });
    return { issuer: h.issuer, issuedAt: h.issuedAt, expiresAt: h.expiresAt, dccType: null };
  }
  const p = parsePlaceClaims(claims);
  Object.assign(r, stamp(p), { payload: json });
  return { issuer: p.issuer, issuedAt: p.issuedAt, expiresAt: p.expiresAt, dccType: null };
}

function stamp(c: { issuer: string | null; issuedAt: number; expiresAt: number }) {
  return { issuer: c.issuer, issuedAt: secondsToIso(c.issuedAt), expiresAt: secondsToIso(c.expiresAt) };
}

function algOf(r: VerifyResult, sign1: CoseSign1, allowed: readonly CoseAlg[], what: string): CoseAlg | null {
  const alg = coseAlgFromId(sign1.algId);
  if (!alg || !allowed.includes(alg)) {
    const list = allowed.map((a) => `${a} (${COSE_ALG_ID[a]})`).join(', ');
    fail(r, 'signature', `unsupported algorithm ${alg ?? sign1.algId} for ${what}: expected ${list}`);
    return null;
  }
  if (!sign1.kid) {
    fail(r, 'signature', 'no kid (4) in the COSE headers');
    return null;
  }
  return alg;
}

/** Tries every trusted key with the code's kid (kids may collide); returns the one whose signature verifies. */
function findKey(r: VerifyResult, sign1: CoseSign1, store: TrustStore): TrustedKey | null {
  const alg = algOf(r, sign1, TESSERA_ALGS, 'Tessera codes');
  if (!alg) return null;
  const candidates = store.keysFor(sign1.kid!);
  if (candidates.length === 0) {
    fail(r, 'signature', `unknown kid ${r.kid}: no such key in the trust list`);
    return null;
  }
  const data = sigStructure(sign1.protectedBytes, sign1.payload);
  const reasons: string[] = [];
  for (const key of candidates) {
    if (key.alg !== alg) {
      reasons.push(`key ${r.kid} of ${key.jurisdiction} is ${key.alg}, the code says ${alg}`);
      continue;
    }
    const mismatch = keyMismatch(alg, key.publicKey);
    if (mismatch) {
      reasons.push(mismatch);
      continue;
    }
    if (verifyBytes(alg, key.publicKey, data, sign1.signature)) {
      r.checks.signature = true;
      return key;
    }
    reasons.push(`signature does not verify with key ${r.kid} of ${key.jurisdiction}`);
  }
  fail(r, 'signature', reasons.join('; '));
  return null;
}

/** Same for DCC signer certificates; prefers a verifying DSC whose validity and EKU also fit. */
function findDsc(r: VerifyResult, sign1: CoseSign1, store: TrustStore): SignerCert | null {
  const alg = algOf(r, sign1, ['ES256', 'PS256'], 'EU DCC');
  if (!alg) return null;
  const candidates = store.certsFor(sign1.kid!);
  if (candidates.length === 0) {
    fail(r, 'signature', `unknown kid ${r.kid}: no trusted DSC has it`);
    return null;
  }
  const data = sigStructure(sign1.protectedBytes, sign1.payload);
  const reasons: string[] = [];
  const verified: SignerCert[] = [];
  for (const dsc of candidates) {
    const mismatch = keyMismatch(alg, dsc.publicKey);
    if (mismatch) reasons.push(`DSC ${dsc.cert.subject.replace(/\n/g, ', ')}: ${mismatch}`);
    else if (verifyBytes(alg, dsc.publicKey, data, sign1.signature)) verified.push(dsc);
    else reasons.push(`signature does not verify with DSC ${dsc.cert.subject.replace(/\n/g, ', ')}`);
  }
  if (verified.length === 0) {
    fail(r, 'signature', reasons.join('; '));
    return null;
  }
  r.checks.signature = true;
  if (verified.length === 1) return verified[0]!;
  const type = r.certificateType;
  const issuedAt = r.issuedAt ? Date.parse(r.issuedAt) : NaN;
  const expiresAt = r.expiresAt ? Date.parse(r.expiresAt) : NaN;
  return (
    verified.find((d) => (type === null || ekuAllows(d, type)) && d.validFrom <= issuedAt && expiresAt <= d.validTo) ??
    verified[0]!
  );
}

function checkTimes(
  r: VerifyResult,
  c: Parsed,
  signer: TrustedKey | SignerCert | null,
  atSec: number,
  skew: number,
): void {
  const iso = (s: number) => secondsToIso(s) ?? String(s);
  const atIso = iso(atSec);
  let problem: string | null = null;
  if (c.issuedAt > atSec + skew) problem = `issued in the future (iat ${iso(c.issuedAt)}, now ${atIso})`;
  else if (atSec >= c.expiresAt) problem = `expired at ${iso(c.expiresAt)} (now ${atIso})`;
  else if (signer && 'cert' in signer) {
    const from = signer.validFrom / 1000;
    const to = signer.validTo / 1000;
    const span = `${iso(from)} – ${iso(to)}`;
    if (c.issuedAt < from || c.expiresAt > to) problem = `iat/exp lie outside the DSC validity ${span}`;
    else if (atSec < from || atSec >= to) problem = `DSC is not valid now (${span})`;
  } else if (signer) {
    const from = signer.notBefore.getTime() / 1000;
    const to = signer.notAfter.getTime() / 1000;
    if (c.issuedAt < from || c.issuedAt > to) {
      problem = `signed at ${iso(c.issuedAt)}, outside the key's signing period ${iso(from)} – ${iso(to)}`;
    }
  }
  if (problem) fail(r, 'expiry', problem);
  else r.checks.expiry = true;
}
