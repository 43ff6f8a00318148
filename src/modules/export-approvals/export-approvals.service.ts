import { randomUUID } from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Database } from '../../platform/database/database.ts';
import type { DB } from '../../platform/database/schema.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { startExport } from '../exports/export.service.ts';

type Staff = Extract<Principal, { kind: 'staff' }>;

/** Registry exports that carry personal data and therefore need a second person's approval. */
export const PERSONAL_EXPORT_KINDS = ['residents', 'households'] as const;
export type PersonalExportKind = (typeof PERSONAL_EXPORT_KINDS)[number];

/** An approval is good for this long; the file can then be downloaded exactly once. */
const VALID_MS = 48 * 3600_000;

function present(r: Selectable<DB['export_requests']>, now: Date) {
  const expires = new Date(r.expires_at);
  return {
    id: r.id,
    kind: r.kind,
    jurisdictionId: r.jurisdiction_id,
    reason: r.reason,
    requestedBy: r.requested_by,
    requestedAt: new Date(r.requested_at).toISOString(),
    expiresAt: expires.toISOString(),
    decision: r.decision,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    decisionNote: r.decision_note,
    downloadedAt: r.downloaded_at ? new Date(r.downloaded_at).toISOString() : null,
    state: r.downloaded_at
      ? 'downloaded'
      : r.decision === 'rejected'
        ? 'rejected'
        : expires <= now
          ? 'expired'
          : r.decision === 'approved'
            ? 'approved'
            : 'pending',
  };
}

async function pathOf(db: Database | Transaction<DB>, jurisdictionId: string | null) {
  if (!jurisdictionId) return undefined;
  const j = await db.selectFrom('jurisdictions').select('path').where('id', '=', jurisdictionId).executeTakeFirst();
  if (!j) throw badRequest(`body.jurisdictionId: no jurisdiction ${jurisdictionId}`);
  return j.path;
}

/** Step one: an administrator asks to export personal data, saying why. Nothing leaves yet. */
export async function requestExport(
  ctx: AppContext,
  staff: Staff,
  input: { kind: PersonalExportKind; jurisdictionId: string | null; reason: string },
) {
  const path = await pathOf(ctx.db, input.jurisdictionId);
  const d = authorize(staff, 'export.request', path ? { jurisdictionPath: path } : {});
  if (!d.allow) throw forbidden(d.reason);
  if (input.reason.trim().length < 20)
    throw badRequest('body.reason: say why this personal data must leave the system (at least 20 characters)');
  const now = ctx.clock.now();
  const id = randomUUID();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('export_requests')
      .values({
        id,
        kind: input.kind,
        jurisdiction_id: input.jurisdictionId,
        reason: input.reason.trim(),
        requested_by: staff.id,
        requested_at: now,
        expires_at: new Date(now.getTime() + VALID_MS),
      })
      .execute();
    await appendAudit(trx, now, {
      actor: actorOf(staff),
      action: 'export.request',
      subjectKind: 'export_request',
      subjectId: id,
      purpose: 'registry_maintenance',
      detail: { kind: input.kind, jurisdiction: input.jurisdictionId },
    });
    await emitEvent(trx, now, 'export.requested', { id, kind: input.kind, requestedBy: staff.id });
  });
  return getRequest(ctx, id);
}

export async function getRequest(ctx: AppContext, id: string) {
  const r = await ctx.db.selectFrom('export_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound(`No export request ${id}`);
  return present(r, ctx.clock.now());
}

/** Administrators (who request) and auditors (who approve) see the requests. */
export function requireExportViewer(staff: Staff) {
  const d = authorize(staff, 'export.approve');
  if (!d.allow && !authorize(staff, 'export.request').allow) throw forbidden(d.reason);
}

export async function listRequests(ctx: AppContext, staff: Staff) {
  requireExportViewer(staff);
  const now = ctx.clock.now();
  const rows = await ctx.db
    .selectFrom('export_requests')
    .selectAll()
    .orderBy('requested_at', 'desc')
    .limit(200)
    .execute();
  return rows.map((x) => present(x, now));
}

/** Step two: a different administrator, or an auditor, approves or rejects it. */
export async function decideExport(
  ctx: AppContext,
  staff: Staff,
  id: string,
  input: { decision: 'approve' | 'reject'; note: string },
) {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const r = await trx.selectFrom('export_requests').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!r) throw notFound(`No export request ${id}`);
    // Inside the transaction: embedded PGlite has a single connection.
    const path = await pathOf(trx, r.jurisdiction_id);
    const d = authorize(staff, 'export.approve', path ? { jurisdictionPath: path } : {});
    if (!d.allow) throw forbidden(d.reason);
    if (r.requested_by === staff.id)
      throw forbidden('A bulk export of personal data needs a second person: you requested this one.');
    if (r.decision) throw conflict(`Export request ${id} was already ${r.decision}.`);
    if (new Date(r.expires_at) <= now) throw conflict(`Export request ${id} expired; request it again.`);
    const decision = input.decision === 'approve' ? 'approved' : 'rejected';
    await trx
      .updateTable('export_requests')
      .set({ decision, decided_by: staff.id, decided_at: now, decision_note: input.note.trim() })
      .where('id', '=', id)
      .execute();
    await appendAudit(trx, now, {
      actor: actorOf(staff),
      action: input.decision === 'approve' ? 'export.approve' : 'export.reject',
      subjectKind: 'export_request',
      subjectId: id,
      purpose: 'audit',
      detail: { kind: r.kind, requestedBy: r.requested_by },
    });
    return present({ ...r, decision, decided_by: staff.id, decided_at: now, decision_note: input.note.trim() }, now);
  });
}

/**
 * Step three: the requester downloads the file, once. Claiming the download and auditing it happen before any data
 * is read, so a second attempt (or a replayed link) finds it already used.
 */
export async function downloadExport(ctx: AppContext, staff: Staff, id: string) {
  const now = ctx.clock.now();
  const r = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('export_requests').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw notFound(`No export request ${id}`);
    if (row.requested_by !== staff.id) throw forbidden('Only the person who requested this export may download it.');
    if (row.decision !== 'approved')
      throw forbidden(
        row.decision === 'rejected' ? 'This export was rejected.' : 'This export has not been approved yet.',
      );
    if (row.downloaded_at)
      throw conflict(`Export ${id} was already downloaded at ${new Date(row.downloaded_at).toISOString()}.`);
    if (new Date(row.expires_at) <= now) throw conflict(`The approval of export ${id} expired; request it again.`);
    await trx.updateTable('export_requests').set({ downloaded_at: now }).where('id', '=', id).execute();
    await appendAudit(trx, now, {
      actor: actorOf(staff),
      action: 'export.download',
      subjectKind: 'export_request',
      subjectId: id,
      purpose: 'registry_maintenance',
      detail: { kind: row.kind, approvedBy: row.decided_by },
    });
    return row;
  });
  const exp = await startExport(ctx, {
    kind: r.kind as PersonalExportKind,
    jurisdiction: r.jurisdiction_id ?? undefined,
    principal: staff,
  });
  return { ...exp, kind: r.kind };
}
