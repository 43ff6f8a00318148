import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import { OPEN_STAGES } from '../incidents/incidents.repository.ts';
import { registerMetric } from './metrics-registry.ts';

/** Open incidents per grid in a subtree; `overdueOnly` keeps those past their current deadline on the clock. */
async function openIncidents(ctx: AppContext, prefix: string, overdueOnly: boolean): Promise<Map<string, number>> {
  const now = ctx.clock.now();
  const { rows } = await sql<{ grid_code: string; n: number }>`
    select i.grid_code, count(*)::int as n
    from incidents i
    join jurisdictions j on j.id = i.community_id
    where i.stage in (${sql.join(OPEN_STAGES)})
      and (j.path = ${prefix} or j.path like ${`${prefix}.%`})
      ${overdueOnly ? sql`and i.due_at is not null and i.due_at < ${now}` : sql``}
    group by i.grid_code`.execute(ctx.db);
  return new Map(rows.map((r) => [r.grid_code, Number(r.n)]));
}

registerMetric({
  id: 'open_incidents',
  label: { 'zh-CN': '未结事件', en: 'Open incidents' },
  combine: 'sum',
  compute: (ctx, prefix) => openIncidents(ctx, prefix, false),
});
registerMetric({
  id: 'overdue_incidents',
  label: { 'zh-CN': '超时事件', en: 'Overdue incidents' },
  combine: 'sum',
  compute: (ctx, prefix) => openIncidents(ctx, prefix, true),
});
