import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import { registerMetric } from './metrics-registry.ts';

/** Open cases per grid in a subtree, counted at the case person's home grid. */
async function activeCases(ctx: AppContext, prefix: string): Promise<Map<string, number>> {
  const { rows } = await sql<{ grid_code: string; n: number }>`
    select h.grid_code, count(*)::int as n
    from cases c
    join residents r on r.id = c.person_id
    join households h on h.id = r.household_id
    join grids g on g.code = h.grid_code
    join jurisdictions j on j.id = g.community_id
    where c.state = 'open' and (j.path = ${prefix} or j.path like ${`${prefix}.%`})
    group by h.grid_code`.execute(ctx.db);
  return new Map(rows.map((r) => [r.grid_code, Number(r.n)]));
}

registerMetric({
  id: 'active_cases',
  label: { 'zh-CN': '在管病例', en: 'Active cases' },
  combine: 'sum',
  compute: activeCases,
});
