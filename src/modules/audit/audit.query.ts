import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { decodeCursor, paginate } from '../../platform/http/pagination.ts';
import { badRequest, forbidden } from '../../platform/http/problem.ts';
import { actorOf } from './actor.ts';
import { appendAudit, auditRowToContent, type AuditRow } from './audit.repository.ts';

export interface AuditQuery {
  actor?: string | undefined;
  subject?: string | undefined;
  subjectKind?: string | undefined;
  action?: string | undefined;
  person?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export function presentAuditRow(r: AuditRow) {
  const c = auditRowToContent(r);
  return {
    seq: c.seq,
    at: c.at,
    actor: { kind: c.actorKind, id: c.actorId, role: c.actorRole, scope: c.actorScope },
    action: c.action,
    subject: { kind: c.subjectKind, id: c.subjectId },
    personId: c.personId,
    purpose: c.purpose,
    detail: c.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * Auditors query the log by actor, subject, action, person and time, newest first. The query is itself an audit
 * entry (and, when it names a person, shows up in that person's access log).
 */
export async function queryAudit(ctx: AppContext, principal: Principal, q: AuditQuery) {
  const d = authorize(principal, 'audit.read');
  if (!d.allow) throw forbidden(d.reason);
  const from = q.from ? new Date(q.from) : null;
  const to = q.to ? new Date(q.to) : null;
  if (from && to && from > to) throw badRequest('query.from: must not be after query.to');
  const cursor = decodeCursor(q.cursor);
  const before = cursor ? Number(cursor[0]) : null;
  if (cursor && !Number.isInteger(before)) throw badRequest('query.cursor: not a cursor this API issued');
  let sel = ctx.db.selectFrom('audit_log').selectAll();
  if (q.actor) sel = sel.where('actor_id', '=', q.actor);
  if (q.subject) sel = sel.where('subject_id', '=', q.subject);
  if (q.subjectKind) sel = sel.where('subject_kind', '=', q.subjectKind);
  if (q.action)
    sel = q.action.endsWith('*')
      ? sel.where('action', 'like', `${q.action.slice(0, -1).replace(/[%_\\]/g, '\\$&')}%`)
      : sel.where('action', '=', q.action);
  if (q.person) sel = sel.where('person_id', '=', q.person);
  if (from) sel = sel.where('at', '>=', from);
  if (to) sel = sel.where('at', '<=', to);
  if (before !== null) sel = sel.where('seq', '<', before);
  const rows = (await sel
    .orderBy('seq', 'desc')
    .limit(q.limit + 1)
    .execute()) as AuditRow[];
  const page = paginate(rows, q.limit, (r) => [Number(r.seq)]);
  const filters = Object.fromEntries(
    Object.entries({
      actor: q.actor,
      subject: q.subject,
      subjectKind: q.subjectKind,
      action: q.action,
      person: q.person,
      from: q.from,
      to: q.to,
    }).filter(([, v]) => v !== undefined),
  );
  await ctx.db.transaction().execute((trx) =>
    appendAudit(trx, ctx.clock.now(), {
      actor: actorOf(principal),
      action: 'audit.query',
      subjectKind: 'audit_log',
      personId: q.person ?? null,
      purpose: 'audit',
      detail: { filters, returned: page.items.length },
    }),
  );
  return { items: page.items.map(presentAuditRow), nextCursor: page.nextCursor };
}
