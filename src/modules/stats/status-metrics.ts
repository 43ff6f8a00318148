import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import { registerMetric } from './metrics-registry.ts';

interface Row {
  grid_code: string;
  red: number;
  yellow: number;
  households: number;
}

async function statusCounts(ctx: AppContext, prefix: string): Promise<Row[]> {
  const { rows } = await sql<Row>`
    select h.grid_code,
           count(*) filter (where s.color = 'red')::int as red,
           count(*) filter (where s.color = 'yellow')::int as yellow,
           count(distinct h.id) filter (where s.color in ('red', 'yellow'))::int as households
    from statuses s
    join residents r on r.id = s.person_id
    join households h on h.id = r.household_id
    join grids g on g.code = h.grid_code
    join jurisdictions j on j.id = g.community_id
    where s.color <> 'green' and (j.path = ${prefix} or j.path like ${`${prefix}.%`})
    group by h.grid_code`.execute(ctx.db);
  return rows;
}

const pick = (field: 'red' | 'yellow' | 'households') => async (ctx: AppContext, prefix: string) =>
  new Map((await statusCounts(ctx, prefix)).map((r) => [r.grid_code, Number(r[field])]));

registerMetric({ id: 'red', label: { 'zh-CN': '红码人数', en: 'Red codes' }, combine: 'sum', compute: pick('red') });
registerMetric({
  id: 'yellow',
  label: { 'zh-CN': '黄码人数', en: 'Yellow codes' },
  combine: 'sum',
  compute: pick('yellow'),
});
registerMetric({
  id: 'quarantined_households',
  label: { 'zh-CN': '隔离户数', en: 'Households in quarantine or isolation' },
  combine: 'sum',
  compute: pick('households'),
});
registerMetric({
  id: 'residents',
  label: { 'zh-CN': '常住人口', en: 'Residents' },
  combine: 'sum',
  compute: async (ctx, prefix) => {
    const { rows } = await sql<{ grid_code: string; n: number }>`
      select h.grid_code, count(*)::int as n
      from residents r
      join households h on h.id = r.household_id
      join grids g on g.code = h.grid_code
      join jurisdictions j on j.id = g.community_id
      where j.path = ${prefix} or j.path like ${`${prefix}.%`}
      group by h.grid_code`.execute(ctx.db);
    return new Map(rows.map((r) => [r.grid_code, Number(r.n)]));
  },
});
