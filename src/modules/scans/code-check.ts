import { verifyCode, type VerifyResult } from '../../core/codes/verify.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Database } from '../../platform/database/database.ts';
import { trustStore } from '../codes/codes.service.ts';

/*
 * Verifying a signature costs about 0.1 ms; a venue's poster is scanned thousands of times a day with the same bytes.
 * So the time-independent part of verification (envelope, signature, key usage, key signing period) is cached per code
 * string for a minute, and each scan checks only its own time against the cached issued-at and expiry.
 */

export type CodeProblem =
  'invalid_code' | 'forged_code' | 'expired_code' | 'code_issued_after_scan' | 'wrong_code_type';

export interface CheckedCode {
  format: 'TSR1' | 'TSP1' | 'HC1' | null;
  /** Structurally valid and signed by a trusted key of its issuer. */
  trusted: boolean;
  problem: { code: CodeProblem; message: string } | null;
  issuer: string | null;
  iatMs: number;
  expMs: number;
  payload: Record<string, unknown> | null;
}

const TTL_MS = 60_000;
const MAX_ENTRIES = 100_000;
const SKEW_MS = 60_000;
const caches = new WeakMap<Database, Map<string, { checked: CheckedCode; until: number }>>();

function classify(r: VerifyResult): { code: CodeProblem; message: string } {
  const c = r.checks;
  if (c.prefix === false || c.base45 === false || c.decompress === false || c.cose === false)
    return { code: 'invalid_code', message: `not a readable signed code (${r.error ?? 'malformed'})` };
  if (c.signature === false || c.keyUsage === false)
    return {
      code: 'forged_code',
      message: `the signature does not verify against the trust list (${r.error ?? 'signature'})`,
    };
  return { code: 'invalid_code', message: r.error ?? 'the code did not verify' };
}

function toChecked(r: VerifyResult, trusted: boolean): CheckedCode {
  return {
    format: r.format,
    trusted,
    problem: trusted ? null : classify(r),
    issuer: r.issuer,
    iatMs: r.issuedAt ? Date.parse(r.issuedAt) : NaN,
    expMs: r.expiresAt ? Date.parse(r.expiresAt) : NaN,
    payload: (r.payload as Record<string, unknown> | null) ?? null,
  };
}

async function structural(ctx: AppContext, code: string, at: Date): Promise<CheckedCode> {
  let cache = caches.get(ctx.db);
  if (!cache) {
    cache = new Map();
    caches.set(ctx.db, cache);
  }
  const hit = cache.get(code);
  const now = Date.now();
  if (hit && hit.until > now) return hit.checked;
  const store = await trustStore(ctx);
  let r = verifyCode(code, store, at);
  if (!r.valid && r.checks.expiry === false && r.issuedAt) {
    // Failed only on time at this scan's instant: check everything else at the code's own issuing time.
    const others = Object.entries(r.checks).filter(([k]) => k !== 'expiry');
    if (others.every(([, v]) => v === true)) r = verifyCode(code, store, new Date(Date.parse(r.issuedAt)));
  }
  const checked = toChecked(r, r.valid);
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(code, { checked, until: now + TTL_MS });
  return checked;
}

/** Verifies a code as it was at the instant of a scan; the result says which problem, if any, applies to this scan. */
export async function checkCodeAt(
  ctx: AppContext,
  code: string,
  at: Date,
  expected: 'TSR1' | 'TSP1',
): Promise<CheckedCode> {
  const base = await structural(ctx, code, at);
  if (base.format !== null && base.format !== expected)
    return {
      ...base,
      problem: {
        code: 'wrong_code_type',
        message:
          expected === 'TSP1'
            ? `expected a place code (TSP1), got a ${base.format} code`
            : `expected a resident's health code (TSR1), got a ${base.format} code`,
      },
    };
  if (!base.trusted) return base;
  return timeCheck(base, at);
}

/** The per-scan part: a trusted code must have been issued before the scan (with skew) and not yet expired. */
export function timeCheck(base: CheckedCode, at: Date): CheckedCode {
  const t = at.getTime();
  if (t + SKEW_MS < base.iatMs)
    return {
      ...base,
      problem: {
        code: 'code_issued_after_scan',
        message: `the code was issued at ${new Date(base.iatMs).toISOString()}, after the scan time ${at.toISOString()}`,
      },
    };
  if (t >= base.expMs)
    return {
      ...base,
      problem: {
        code: 'expired_code',
        message: `the code expired at ${new Date(base.expMs).toISOString()}, before the scan time ${at.toISOString()}`,
      },
    };
  return base;
}
