import type { AppContext } from '../../platform/context.ts';
import { decodeCursor, paginate } from '../../platform/http/pagination.ts';
import { badRequest } from '../../platform/http/problem.ts';

const parse = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);

/**
 * Everything anyone other than the resident did with their data, newest first: who (kind, role, jurisdiction and
 * staff id), when, what, and for which stated purpose. Straight from the hash-chained audit log.
 */
export async function accessLog(
  ctx: AppContext,
  personId: string,
  opts: { cursor?: string | undefined; limit: number },
) {
  const cursor = decodeCursor(opts.cursor);
  const before = cursor ? Number(cursor[0]) : null;
  if (cursor && !Number.isInteger(before)) throw badRequest('query.cursor: not a cursor this API issued');
  let q = ctx.db
    .selectFrom('audit_log')
    .leftJoin('jurisdictions', 'jurisdictions.id', 'audit_log.actor_scope')
    .select([
      'audit_log.seq',
      'audit_log.at',
      'audit_log.actor_kind',
      'audit_log.actor_id',
      'audit_log.actor_role',
      'audit_log.actor_scope',
      'audit_log.action',
      'audit_log.subject_kind',
      'audit_log.subject_id',
      'audit_log.purpose',
      'audit_log.detail',
      'jurisdictions.name_zh',
      'jurisdictions.name_en',
    ])
    .where('audit_log.person_id', '=', personId)
    .where((eb) => eb.or([eb('audit_log.actor_kind', '!=', 'resident'), eb('audit_log.actor_id', '!=', personId)]));
  if (before !== null) q = q.where('audit_log.seq', '<', before);
  const rows = await q
    .orderBy('audit_log.seq', 'desc')
    .limit(opts.limit + 1)
    .execute();
  const page = paginate(rows, opts.limit, (r) => [Number(r.seq)]);
  return {
    items: page.items.map((r) => {
      const detail = (parse(r.detail) as Record<string, unknown>) ?? {};
      return {
        seq: Number(r.seq),
        at: new Date(r.at).toISOString(),
        who: {
          kind: r.actor_kind,
          role: r.actor_role,
          staffId: r.actor_kind === 'staff' ? r.actor_id : null,
          actorId: r.actor_id,
          jurisdiction: r.actor_scope
            ? { id: r.actor_scope, name: { 'zh-CN': r.name_zh ?? r.actor_scope, en: r.name_en ?? r.actor_scope } }
            : null,
        },
        action: r.action,
        kind:
          r.action.endsWith('.read') || r.action.endsWith('.list') || r.action === 'audit.query' ? 'read' : 'change',
        subject: { kind: r.subject_kind, id: r.subject_id },
        purpose: r.purpose,
        // Only non-identifying detail keys: the resident sees what happened, not other people's data.
        detail: Object.fromEntries(
          Object.entries(detail).filter(([k]) =>
            ['kind', 'from', 'to', 'ruleSet', 'via', 'reason', 'attempted'].includes(k),
          ),
        ),
      };
    }),
    nextCursor: page.nextCursor,
  };
}
