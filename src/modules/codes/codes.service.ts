import { createPublicKey, X509Certificate } from 'node:crypto';
import { issueHealthCode, pseudonymFor, type VaccinationMark } from '../../core/codes/tsr1.ts';
import { verifyCode, TrustStore, type VerifyResult } from '../../core/codes/verify.ts';
import {
  signTrustList,
  trustListEntry,
  verifyTrustList,
  parseTrustList,
  type SignedTrustList,
} from '../../core/codes/trust-list.ts';
import type { TrustedKey } from '../../core/codes/keys.ts';
import type { CoseAlg } from '../../core/codes/cose.ts';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Database } from '../../platform/database/database.ts';
import { badRequest, forbidden, notFound, unprocessable } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { activeSigningKey, ownVerificationKeys } from '../keys/keys.service.ts';
import { personScope } from '../status/person-scope.ts';
import { currentStatus, recomputeStatus } from '../status/status.service.ts';
import { rememberCodeSubject } from '../scans/subjects.repository.ts';

/**
 * The signed-in resident's current code. The status is re-evaluated first, so a period that ended a
 * second ago is already reflected; the code carries only a daily pseudonym, never the person's identity.
 */
export async function myCode(ctx: AppContext, residentId: string) {
  const scope = await personScope(ctx.db, residentId);
  if (!scope) throw notFound('Your resident record was not found.');
  const gate = await codeIssuanceGate(ctx, scope.path);
  if (gate) throw forbidden(gate);
  // Facts recompute at once and every later change (a period ending, an override expiring, a new rule set taking
  // effect) is scheduled in next_check_at, so only a due status needs re-evaluating before the code is signed.
  let status = await currentStatus(ctx, residentId);
  if (status.nextCheckAt && new Date(status.nextCheckAt) <= ctx.clock.now()) {
    await recomputeStatus(ctx, residentId, 'code-request');
    status = await currentStatus(ctx, residentId);
  }
  const now = ctx.clock.now();
  const key = await activeSigningKey(ctx, scope.cityId, 'code');
  const day = now.toISOString().slice(0, 10);
  const vaccination: VaccinationMark = status.vaccinated ? 2 : 0;
  const issued = issueHealthCode({
    key: key.key,
    kid: key.kid,
    alg: key.alg,
    now,
    claims: {
      issuer: scope.cityId,
      subject: pseudonymFor(ctx.secrets.pseudonymSecret, residentId, day),
      color: status.color,
      vaccination,
    },
  });
  // So that a checkpoint's scan of this code can be attributed (scans module; kept a few days).
  await rememberCodeSubject(ctx, residentId, day, pseudonymFor(ctx.secrets.pseudonymSecret, residentId, day));
  return {
    code: issued.code,
    issuedAt: issued.issuedAt.toISOString(),
    expiresAt: issued.expiresAt.toISOString(),
    refreshAfter: new Date(issued.expiresAt.getTime() - 30_000).toISOString(),
    issuer: scope.cityId,
    kid: key.kidB64,
    status,
  };
}

/**
 * Hook for the emergency-declaration rule (codes are issued only under a declared emergency).
 * Returns a reason to refuse, or null. Replaced by the accountability module when it registers one.
 */
export let codeIssuanceGate: (ctx: AppContext, path: string) => Promise<string | null> = async () => null;
export function setCodeIssuanceGate(fn: typeof codeIssuanceGate) {
  codeIssuanceGate = fn;
}

async function importedKeys(db: Database): Promise<TrustedKey[]> {
  const rows = await db.selectFrom('trusted_keys').selectAll().execute();
  return rows.map((r) => ({
    kid: Buffer.from(r.kid, 'base64'),
    alg: r.alg as CoseAlg,
    jurisdiction: r.jurisdiction_id,
    publicKey: createPublicKey({ key: Buffer.from(r.public_spki, 'base64'), format: 'der', type: 'spki' }),
    notBefore: new Date(r.not_before),
    notAfter: new Date(r.not_after),
  }));
}

async function dccCerts(db: Database): Promise<X509Certificate[]> {
  const rows = await db.selectFrom('settings').select('value').where('key', 'like', 'dcc_cert:%').execute();
  return rows.map(
    (r) =>
      // jsonb holding a base64 string: drivers hand back the decoded string itself.
      new X509Certificate(Buffer.from(String(r.value), 'base64')),
  );
}

const storeCache = new WeakMap<Database, { store: TrustStore; until: number }>();

export async function trustStore(ctx: AppContext): Promise<TrustStore> {
  const now = ctx.clock.now().getTime();
  const hit = storeCache.get(ctx.db);
  if (hit && hit.until > now) return hit.store;
  const store = new TrustStore({
    keys: [...(await ownVerificationKeys(ctx)), ...(await importedKeys(ctx.db))],
    certs: await dccCerts(ctx.db),
  });
  storeCache.set(ctx.db, { store, until: now + 30_000 });
  return store;
}

export function invalidateTrustStore(ctx: AppContext) {
  storeCache.delete(ctx.db);
}

/** Verifies a code against our keys, imported trust lists and DCC signer certificates. Identity only on request, audited. */
export async function verify(
  ctx: AppContext,
  principal: Principal,
  code: string,
  identityCheck: boolean,
): Promise<VerifyResult> {
  if (
    identityCheck &&
    principal.kind !== 'staff' &&
    !(principal.kind === 'device' && principal.deviceKind === 'verifier')
  )
    throw forbidden('The identity-check mode is for signed-in verifiers and staff only.');
  const result = verifyCode(code, await trustStore(ctx), ctx.clock.now(), { identityCheck });
  if (identityCheck) {
    const now = ctx.clock.now();
    await ctx.db.transaction().execute(async (trx) => {
      await appendAudit(trx, now, {
        actor: actorOf(principal),
        action: 'verify.identity_check',
        subjectKind: 'code',
        subjectId: result.kid,
        purpose: 'identity_check',
        detail: { format: result.format, valid: result.valid, issuer: result.issuer },
      });
    });
  }
  return result;
}

/** Our signed trust list: every code key verifiers should accept, signed by the city's trust-list key. */
export async function ownTrustList(ctx: AppContext): Promise<SignedTrustList> {
  const now = ctx.clock.now();
  const root = await ctx.db
    .selectFrom('jurisdictions')
    .select('id')
    .where('level', '=', 'city')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  const issuer = root?.id ?? 'default';
  if (root) await activeSigningKey(ctx, root.id, 'code'); // publish at least the current key
  const signer = await activeSigningKey(ctx, issuer, 'trust_list');
  const keys = await ownVerificationKeys(ctx);
  const version = Math.floor(now.getTime() / 1000);
  return signTrustList(
    {
      version,
      issuedAt: now.toISOString(),
      issuer,
      keys: keys.map((k) =>
        trustListEntry({
          publicKey: k.publicKey,
          alg: k.alg,
          jurisdiction: k.jurisdiction,
          notBefore: k.notBefore,
          notAfter: k.notAfter,
        }),
      ),
    },
    { privateKey: signer.key, alg: signer.alg },
  );
}

/** Imports another jurisdiction's trust list after checking its signature against the anchor key given out of band. */
export async function importTrustList(
  ctx: AppContext,
  principal: Principal,
  input: { trustList: unknown; anchor: { alg: string; publicKey: string } },
) {
  const decision = authorize(principal, 'trust.import');
  if (!decision.allow) throw forbidden(decision.reason);
  let anchorKey;
  try {
    anchorKey = createPublicKey({ key: Buffer.from(input.anchor.publicKey, 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw badRequest('body.anchor.publicKey: not a base64 SubjectPublicKeyInfo DER public key');
  }
  let parsed;
  try {
    parsed = verifyTrustList(input.trustList, [{ alg: input.anchor.alg as CoseAlg, publicKey: anchorKey }]);
  } catch (err) {
    throw unprocessable(`The trust list was rejected: ${(err as Error).message}`);
  }
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    for (const k of parsed.keys) {
      const row = {
        kid: k.kid.toString('base64'),
        jurisdiction_id: k.jurisdiction,
        alg: k.alg,
        public_spki: k.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
        not_before: k.notBefore,
        not_after: k.notAfter,
        source: parsed.document.issuer,
        imported_at: now,
      };
      await trx
        .insertInto('trusted_keys')
        .values(row)
        .onConflict((oc) => oc.columns(['kid', 'jurisdiction_id']).doUpdateSet(row))
        .execute();
    }
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: 'trust.import',
      subjectKind: 'trust_list',
      subjectId: parsed.document.issuer,
      detail: { version: parsed.document.version, keys: parsed.keys.length },
    });
  });
  invalidateTrustStore(ctx);
  return { issuer: parsed.document.issuer, version: parsed.document.version, keys: parsed.keys.length };
}

/** Adds an EU DCC document-signer certificate as a trust anchor for HC1 verification. */
export async function addDccCertificate(ctx: AppContext, principal: Principal, certBase64OrPem: string) {
  const decision = authorize(principal, 'trust.import');
  if (!decision.allow) throw forbidden(decision.reason);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(
      certBase64OrPem.includes('BEGIN CERTIFICATE') ? certBase64OrPem : Buffer.from(certBase64OrPem, 'base64'),
    );
  } catch {
    throw badRequest('body.certificate: not an X.509 certificate (PEM or base64 DER)');
  }
  const der = cert.raw.toString('base64');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('settings')
      .values({ key: `dcc_cert:${cert.fingerprint256}`, value: JSON.stringify(der) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: 'trust.dcc_cert',
      subjectKind: 'certificate',
      subjectId: cert.fingerprint256,
      detail: { subject: cert.subject, validTo: cert.validTo },
    });
  });
  invalidateTrustStore(ctx);
  return { fingerprint: cert.fingerprint256, subject: cert.subject, validFrom: cert.validFrom, validTo: cert.validTo };
}

export { parseTrustList };
