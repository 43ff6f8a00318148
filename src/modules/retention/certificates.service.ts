import { randomBytes, randomUUID } from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import {
  certificateHash,
  checkCertificate,
  countersign,
  signCertificate,
  type CertificateCheck,
  type DeletionCertificateBody,
  type SignedCertificate,
} from '../../core/audit/certificate.ts';
import { MERKLE_ALG, merkleRoot } from '../../core/audit/merkle.ts';
import { verifyStatement } from '../../core/audit/signed-statement.ts';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { conflict, forbidden, notFound, unprocessable } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { auditKeyLookup } from '../audit/audit-keys.ts';
import type { ActiveKey } from '../keys/keys.service.ts';

export interface CertifyInput {
  category: string;
  ids: readonly string[];
  times: readonly Date[];
  basis: string;
  trigger: string;
}

/**
 * Issues the deletion certificate for records deleted in `trx` (same transaction: the certificate exists if and only
 * if the deletion happened). Other modules that delete personal data on schedule call this too.
 */
export async function certifyDeletionTx(
  trx: Transaction<DB>,
  now: Date,
  key: ActiveKey,
  input: CertifyInput,
): Promise<SignedCertificate> {
  let from: Date | null = null;
  let to: Date | null = null;
  for (const t of input.times) {
    if (!from || t < from) from = t;
    if (!to || t > to) to = t;
  }
  const { root, leaves } = merkleRoot(input.ids);
  const body: DeletionCertificateBody = {
    type: 'tessera.deletion-certificate',
    v: 1,
    id: `dc-${randomUUID()}`,
    jurisdiction: key.jurisdictionId,
    category: input.category,
    count: leaves,
    range: { from: from?.toISOString() ?? null, to: to?.toISOString() ?? null },
    basis: input.basis,
    commitment: { alg: MERKLE_ALG, root, leaves },
    issuedAt: now.toISOString(),
    kid: key.kidB64,
    nonce: randomBytes(16).toString('hex'),
  };
  const signed = signCertificate(body, key.key, key.alg);
  await trx
    .insertInto('deletion_certificates')
    .values({
      id: body.id,
      category: body.category,
      record_count: body.count,
      range_from: from,
      range_to: to,
      merkle_root: root,
      body: JSON.stringify(body),
      body_hash: certificateHash(body),
      kid: body.kid,
      signature: signed.signature,
      issued_at: now,
      trigger: input.trigger,
    })
    .execute();
  await appendAudit(trx, now, {
    actor: { kind: 'system', id: 'retention' },
    action: 'retention.certificate',
    subjectKind: 'deletion_certificate',
    subjectId: body.id,
    detail: { category: body.category, count: body.count, root, trigger: input.trigger },
  });
  await emitEvent(trx, now, 'retention.certified', { id: body.id, category: body.category, count: body.count });
  return signed;
}

type CertRow = Selectable<DB['deletion_certificates']>;

export function signedFromRow(r: CertRow): SignedCertificate {
  return {
    certificate: JSON.parse(r.body) as DeletionCertificateBody,
    signature: r.signature,
    countersignature: r.countersignature
      ? (JSON.parse(r.countersignature) as SignedCertificate['countersignature'])
      : null,
  };
}

export function presentCertificateSummary(r: CertRow) {
  return {
    id: r.id,
    category: r.category,
    count: r.record_count,
    range: {
      from: r.range_from ? new Date(r.range_from).toISOString() : null,
      to: r.range_to ? new Date(r.range_to).toISOString() : null,
    },
    merkleRoot: r.merkle_root,
    issuedAt: new Date(r.issued_at).toISOString(),
    trigger: r.trigger.startsWith('resident_request') ? 'resident_request' : r.trigger,
    countersigned: r.countersignature !== null,
    countersignedAt: r.countersigned_at ? new Date(r.countersigned_at).toISOString() : null,
  };
}

export async function listCertificates(ctx: AppContext, limit = 200) {
  const rows = await ctx.db
    .selectFrom('deletion_certificates')
    .selectAll()
    .orderBy('issued_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map(presentCertificateSummary);
}

export async function getCertificate(ctx: AppContext, id: string): Promise<SignedCertificate> {
  const r = await ctx.db.selectFrom('deletion_certificates').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound(`No deletion certificate ${id}`);
  return signedFromRow(r);
}

/**
 * An auditor checks a certificate and countersigns it. Once only (a second countersignature is a replay), never by
 * the administrator who ran the purge, and only if the system signature still verifies.
 */
export async function countersignCertificate(ctx: AppContext, principal: Principal, id: string, key: ActiveKey) {
  const d = authorize(principal, 'certificate.countersign');
  if (!d.allow || principal.kind !== 'staff') throw forbidden(d.reason);
  const now = ctx.clock.now();
  const keyFor = await auditKeyLookup(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    const r = await trx
      .selectFrom('deletion_certificates')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!r) throw notFound(`No deletion certificate ${id}`);
    if (r.countersignature)
      throw conflict(
        `Certificate ${id} was already countersigned by ${r.countersigned_by ?? 'an auditor'}; a countersignature cannot be replayed.`,
      );
    if (r.trigger === `staff:${principal.id}`)
      throw forbidden('You ran this purge: a different person must countersign its certificate.');
    const signed = signedFromRow(r);
    const k = keyFor(signed.certificate.kid);
    if (!k || !verifyStatement(signed.certificate, signed.signature, k.key, k.alg))
      throw unprocessable(`Certificate ${id} no longer verifies against the system signature: it was altered.`);
    const done = countersign(
      signed,
      { auditorId: principal.id, at: now.toISOString(), kid: key.kidB64 },
      key.key,
      key.alg,
    );
    await trx
      .updateTable('deletion_certificates')
      .set({
        countersigned_by: principal.id,
        countersigned_at: now,
        countersignature: JSON.stringify(done.countersignature),
      })
      .where('id', '=', id)
      .execute();
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: 'retention.countersign',
      subjectKind: 'deletion_certificate',
      subjectId: id,
      purpose: 'audit',
      detail: { category: r.category, count: r.record_count },
    });
    return done;
  });
}

export interface CertificateVerification extends CertificateCheck {
  registered: boolean | null;
}

/**
 * Verifies a presented certificate: signatures and shape (as anyone can), then against this system's register of the
 * certificates it issued, so a forged one, an altered copy or one carrying someone else's countersignature is refused.
 */
export async function verifyPresentedCertificate(
  ctx: AppContext,
  doc: unknown,
  ids?: readonly string[],
): Promise<CertificateVerification> {
  const keyFor = await auditKeyLookup(ctx);
  const check = checkCertificate(doc, keyFor, ids);
  const out: CertificateVerification = { ...check, registered: null, problems: [...check.problems] };
  if (!check.checks.shape) return out;
  const presented = doc as SignedCertificate;
  const r = await ctx.db
    .selectFrom('deletion_certificates')
    .selectAll()
    .where('id', '=', presented.certificate.id)
    .executeTakeFirst();
  if (!r) {
    out.registered = false;
    out.problems.push(
      `certificate ${presented.certificate.id} was not issued by this system (unknown or replayed from elsewhere)`,
    );
  } else if (r.body_hash !== certificateHash(presented.certificate)) {
    out.registered = false;
    out.problems.push(`certificate ${r.id} differs from the one this system issued under that id: it was altered`);
  } else {
    out.registered = true;
    const stored = r.countersignature ? JSON.stringify(JSON.parse(r.countersignature)) : null;
    const given = presented.countersignature ? JSON.stringify(presented.countersignature) : null;
    if (given && stored !== given) {
      out.registered = false;
      out.problems.push('the countersignature is not the one recorded for this certificate');
    }
  }
  out.valid = out.valid && out.registered === true;
  return out;
}
