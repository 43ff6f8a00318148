import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { decodeCursor, paginate } from '../../platform/http/pagination.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { presentFlag } from './anomalies.repository.ts';
import { scanNow } from './detection.ts';

type Staff = Extract<Principal, { kind: 'staff' }>;

export async function listFlags(
  ctx: AppContext,
  staff: Staff,
  q: {
    state?: 'open' | 'resolved' | undefined;
    detector?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
) {
  const d = authorize(staff, 'anomaly.read');
  if (!d.allow) throw forbidden(d.reason);
  const cursor = decodeCursor(q.cursor);
  let sel = ctx.db.selectFrom('anomaly_flags').selectAll();
  if (q.state) sel = sel.where('state', '=', q.state);
  if (q.detector) sel = sel.where('detector', '=', q.detector);
  if (cursor) {
    const [at, id] = cursor as [string, string];
    if (typeof at !== 'string' || typeof id !== 'string')
      throw badRequest('query.cursor: not a cursor this API issued');
    sel = sel.where((eb) =>
      eb.or([eb('detected_at', '<', new Date(at)), eb.and([eb('detected_at', '=', new Date(at)), eb('id', '<', id)])]),
    );
  }
  const rows = await sel
    .orderBy('detected_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = paginate(rows, q.limit, (r) => [new Date(r.detected_at).toISOString(), r.id]);
  await ctx.db.transaction().execute((trx) =>
    appendAudit(trx, ctx.clock.now(), {
      actor: actorOf(staff),
      action: 'anomaly.list',
      subjectKind: 'anomaly_flag',
      purpose: 'audit',
      detail: { state: q.state ?? null, detector: q.detector ?? null, returned: page.items.length },
    }),
  );
  return { items: page.items.map(presentFlag), nextCursor: page.nextCursor };
}

export async function resolveFlag(ctx: AppContext, staff: Staff, id: string, note: string) {
  const d = authorize(staff, 'anomaly.resolve');
  if (!d.allow) throw forbidden(d.reason);
  if (note.trim().length < 10) throw badRequest('body.note: say what was found and done (at least 10 characters)');
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const f = await trx.selectFrom('anomaly_flags').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!f) throw notFound(`No anomaly flag ${id}`);
    if (f.state === 'resolved') throw conflict(`Flag ${id} was already resolved.`);
    await trx
      .updateTable('anomaly_flags')
      .set({ state: 'resolved', resolved_at: now, resolved_by: staff.id, resolution_note: note.trim() })
      .where('id', '=', id)
      .execute();
    await appendAudit(trx, now, {
      actor: actorOf(staff),
      action: 'anomaly.resolve',
      subjectKind: 'anomaly_flag',
      subjectId: id,
      purpose: 'audit',
      detail: { detector: f.detector, key: f.dedup_key },
    });
    await emitEvent(trx, now, 'anomaly.resolved', { id, detector: f.detector });
    return { ...f, state: 'resolved' as const, resolved_at: now, resolved_by: staff.id, resolution_note: note.trim() };
  });
  return presentFlag(row);
}

export async function scanOnDemand(ctx: AppContext, staff: Staff) {
  const d = authorize(staff, 'anomaly.read');
  if (!d.allow) throw forbidden(d.reason);
  const r = await scanNow(ctx);
  await ctx.db.transaction().execute((trx) =>
    appendAudit(trx, ctx.clock.now(), {
      actor: actorOf(staff),
      action: 'anomaly.scan',
      subjectKind: 'anomaly_flag',
      purpose: 'audit',
      detail: { raised: r.raised, updated: r.updated, checked: r.checked },
    }),
  );
  return r;
}
