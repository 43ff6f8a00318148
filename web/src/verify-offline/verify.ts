import { CborTag, cborDecode, cborToJson, toBase64 } from './cbor.ts';
import { coseAlgFromId, decodeCoseSign1, sigStructure, type CoseSign1 } from './cose.ts';
import { openEnvelope, type CodeFormat } from './envelope.ts';
import { verifySignature, type OfflineKey, type OfflineTrust } from './trust-list.ts';

/**
 * Offline verification of TSR1 (and TSP1) codes against a verified trust list, with WebCrypto, following
 * docs/codes.md §1–§7 check for check, so the result has the same shape as POST /verify (src/core/codes/verify.ts).
 * HC1 needs EU DCC signer certificates, which the Tessera trust list does not carry: those fail `signature` here
 * with a reason, and the checkpoint screen sends them to the server instead.
 */

export type CheckName = 'prefix' | 'base45' | 'decompress' | 'cose' | 'signature' | 'expiry' | 'keyUsage';
export type Checks = Record<CheckName, boolean | null>;
export type HealthColor = 'green' | 'yellow' | 'red';

export interface OfflineResult {
  format: CodeFormat | null;
  valid: boolean;
  checks: Checks;
  kid: string | null;
  issuer: string | null;
  issuedAt: string | null;
  expiresAt: string | null;
  color: HealthColor | null;
  vaccination: 0 | 1 | 2 | null;
  certificateType: string | null;
  payload: unknown;
  error: string | null;
}

export const HC1_NEEDS_SERVER = 'EU DCC signer certificates are not in the offline trust list: verify online';

const COLORS: readonly HealthColor[] = ['green', 'yellow', 'red'];
const MAX_HEALTH_TTL = 24 * 3600;
const CLAIM_NAMES = new Map<number, string>([
  [1, 'iss'],
  [2, 'sub'],
  [3, 'aud'],
  [4, 'exp'],
  [5, 'nbf'],
  [6, 'iat'],
  [7, 'cti'],
  [-260, 'hcert'],
  [-70001, 'health'],
  [-70002, 'place'],
]);

function emptyResult(): OfflineResult {
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

function fail(r: OfflineResult, check: CheckName, error: string): void {
  r.checks[check] = false;
  r.error ??= `${check}: ${error}`;
}

const iso = (s: number) => {
  const d = new Date(s * 1000);
  return Number.isNaN(d.getTime()) ? String(s) : d.toISOString();
};

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (v instanceof Uint8Array) return 'a byte string';
  if (v instanceof Map) return 'a map';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.length > 20 ? `${v.slice(0, 20)}…` : v}"`;
  return String(v);
}

function text(m: Map<unknown, unknown>, key: unknown, name: string): string {
  const v = m.get(key);
  if (v === undefined) throw new Error(`${name} claim is missing`);
  if (typeof v !== 'string' || v.length === 0) throw new Error(`${name} must be a non-empty text string`);
  return v;
}

function numericDate(m: Map<unknown, unknown>, key: number, name: string): number {
  const v = m.get(key);
  if (v === undefined) throw new Error(`${name} (${key}) claim is missing`);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new Error(`${name} (${key}) must be a non-negative NumericDate (seconds), got ${describe(v)}`);
  }
  return Math.floor(v);
}

function privateClaim(claims: Map<unknown, unknown>, key: number, name: string): Map<unknown, unknown> {
  const v = claims.get(key);
  if (v === undefined) throw new Error(`${name} claim (${key}) is missing`);
  if (!(v instanceof Map)) throw new Error(`${name} claim (${key}) must be a map, got ${describe(v)}`);
  if (v.get('v') !== 1) throw new Error(`${name} claim version must be 1, got ${describe(v.get('v'))}`);
  return v;
}

interface Parsed {
  issuer: string;
  issuedAt: number;
  expiresAt: number;
}

/** Claims of a TSR1/TSP1 code, validated as src/core/codes/tsr1.ts does. */
function readClaims(r: OfflineResult, format: 'TSR1' | 'TSP1', payload: Uint8Array): Parsed {
  let item: unknown;
  try {
    item = cborDecode(payload);
  } catch (e) {
    throw new Error(`malformed CBOR in CWT payload: ${(e as Error).message}`);
  }
  if (item instanceof CborTag && item.tag === 61) item = item.value;
  if (!(item instanceof Map)) throw new Error('CWT payload must be a CBOR map of claims');
  const claims = item;
  r.payload = cborToJson(claims, CLAIM_NAMES);
  const issuer = text(claims, 1, 'iss (1)');
  const issuedAt = numericDate(claims, 6, 'iat');
  const expiresAt = numericDate(claims, 4, 'exp');
  if (expiresAt <= issuedAt) throw new Error('exp must be after iat');
  if (format === 'TSR1') {
    if (expiresAt - issuedAt > MAX_HEALTH_TTL) {
      throw new Error(`health code lifetime ${expiresAt - issuedAt} s exceeds ${MAX_HEALTH_TTL} s`);
    }
    const h = privateClaim(claims, -70001, 'health');
    text(h, 'sub', 'health.sub');
    const c = h.get('c');
    if (typeof c !== 'string' || !(COLORS as readonly string[]).includes(c)) {
      throw new Error(`health.c must be one of ${COLORS.join('|')}, got ${describe(c)}`);
    }
    const vx = h.get('vx');
    if (vx !== 0 && vx !== 1 && vx !== 2) throw new Error(`health.vx must be 0, 1 or 2, got ${describe(vx)}`);
    r.color = c as HealthColor;
    r.vaccination = vx;
  } else {
    const p = privateClaim(claims, -70002, 'place');
    for (const k of ['id', 'j', 'cat', 'n']) text(p, k, `place.${k}`);
    const kind = p.get('k');
    if (kind !== 'venue' && kind !== 'sentinel')
      throw new Error(`place.k must be one of venue|sentinel, got ${describe(kind)}`);
  }
  r.issuer = issuer;
  r.issuedAt = iso(issuedAt);
  r.expiresAt = iso(expiresAt);
  return { issuer, issuedAt, expiresAt };
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

async function findKey(r: OfflineResult, sign1: CoseSign1, trust: OfflineTrust): Promise<OfflineKey | null> {
  const alg = coseAlgFromId(sign1.algId);
  if (alg !== 'ES256' && alg !== 'EdDSA') {
    fail(
      r,
      'signature',
      `unsupported algorithm ${alg ?? sign1.algId} for Tessera codes: expected ES256 (-7), EdDSA (-8)`,
    );
    return null;
  }
  if (!sign1.kid) {
    fail(r, 'signature', 'no kid (4) in the COSE headers');
    return null;
  }
  const kidHex = hex(sign1.kid);
  const candidates = trust.keys.filter((k) => hex(k.kid) === kidHex);
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
    if (await verifySignature(alg, key.key, data, sign1.signature)) {
      r.checks.signature = true;
      return key;
    }
    reasons.push(`signature does not verify with key ${r.kid} of ${key.jurisdiction}`);
  }
  fail(r, 'signature', reasons.join('; '));
  return null;
}

async function run(r: OfflineResult, code: string, trust: OfflineTrust, atSec: number, skew: number) {
  const env = await openEnvelope(code);
  r.format = env.format;
  const stages = ['prefix', 'base45', 'decompress'] as const;
  if (!env.ok) {
    for (const s of stages.slice(0, stages.indexOf(env.stage))) r.checks[s] = true;
    return fail(r, env.stage, env.error);
  }
  for (const s of stages) r.checks[s] = true;

  let sign1: CoseSign1;
  try {
    sign1 = decodeCoseSign1(env.cose);
  } catch (e) {
    return fail(r, 'cose', (e as Error).message);
  }
  if (sign1.kid) r.kid = toBase64(sign1.kid);
  if (env.format === 'HC1') return fail(r, 'signature', HC1_NEEDS_SERVER);

  let parsed: Parsed | null = null;
  try {
    parsed = readClaims(r, env.format, sign1.payload);
    r.checks.cose = true;
  } catch (e) {
    fail(r, 'cose', (e as Error).message);
  }
  const signer = await findKey(r, sign1, trust);
  if (!parsed) return;

  let problem: string | null = null;
  if (parsed.issuedAt > atSec + skew) problem = `issued in the future (iat ${iso(parsed.issuedAt)}, now ${iso(atSec)})`;
  else if (atSec >= parsed.expiresAt) problem = `expired at ${iso(parsed.expiresAt)} (now ${iso(atSec)})`;
  else if (signer && (parsed.issuedAt < signer.notBefore || parsed.issuedAt > signer.notAfter)) {
    problem = `signed at ${iso(parsed.issuedAt)}, outside the key's signing period ${iso(signer.notBefore)} – ${iso(signer.notAfter)}`;
  }
  if (problem) fail(r, 'expiry', problem);
  else r.checks.expiry = true;

  if (!signer) return;
  r.checks.keyUsage = signer.jurisdiction === parsed.issuer;
  if (!r.checks.keyUsage) {
    fail(
      r,
      'keyUsage',
      `key ${r.kid} belongs to jurisdiction ${signer.jurisdiction}, code claims issuer ${parsed.issuer}`,
    );
  }
}

/**
 * Verifies a code at time `at` (the device clock) against a trust list already checked by verifyTrustList.
 * Never throws: malformed input is valid:false with the failing check and a reason.
 */
export async function verifyOffline(
  code: string,
  trust: OfflineTrust,
  at: Date,
  options: { clockSkewSeconds?: number } = {},
): Promise<OfflineResult> {
  const r = emptyResult();
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    r.error = 'verification time is not a valid date';
    return r;
  }
  try {
    await run(r, code, trust, at.getTime() / 1000, options.clockSkewSeconds ?? 60);
  } catch (e) {
    fail(r, 'cose', `internal verifier error: ${(e as Error).message}`);
  }
  r.valid = r.error === null && Object.values(r.checks).every((c) => c === true);
  if (!r.valid && r.error === null) r.error = 'verification incomplete';
  return r;
}
