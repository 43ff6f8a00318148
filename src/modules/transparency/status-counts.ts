import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.ts';

export interface DistrictColorCount {
  jurisdictionId: string;
  color: 'green' | 'yellow' | 'red';
  count: number;
}

/**
 * Current statuses by district and color. People without a stored status are green by definition, so green is the
 * district's residents minus its yellow and red.
 */
export async function currentStatusCounts(ctx: AppContext): Promise<DistrictColorCount[]> {
  const rows = await sql<{ district: string; color: string | null; n: number }>`
    select d.id as district, s.color, count(*)::int as n
    from residents r
    join households h on h.id = r.household_id
    join grids g on g.code = h.grid_code
    join jurisdictions c on c.id = g.community_id
    join jurisdictions d on d.level = 'district' and (c.path like d.path || '.%')
    left join statuses s on s.person_id = r.id and s.color <> 'green'
    group by d.id, s.color`.execute(ctx.db);
  const byDistrict = new Map<string, { total: number; yellow: number; red: number }>();
  for (const r of rows.rows) {
    const e = byDistrict.get(r.district) ?? { total: 0, yellow: 0, red: 0 };
    e.total += Number(r.n);
    if (r.color === 'yellow') e.yellow += Number(r.n);
    if (r.color === 'red') e.red += Number(r.n);
    byDistrict.set(r.district, e);
  }
  const out: DistrictColorCount[] = [];
  for (const [id, e] of [...byDistrict.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    out.push({ jurisdictionId: id, color: 'green', count: e.total - e.yellow - e.red });
    out.push({ jurisdictionId: id, color: 'yellow', count: e.yellow });
    out.push({ jurisdictionId: id, color: 'red', count: e.red });
  }
  return out;
}

/** Job: today's counts into the daily series (overwritten through the day, final at midnight UTC). */
export async function snapshotStatusCounts(ctx: AppContext): Promise<number> {
  const day = ctx.clock.now().toISOString().slice(0, 10);
  const counts = await currentStatusCounts(ctx);
  if (counts.length === 0) return 0;
  await ctx.db.transaction().execute(async (trx) => {
    for (let i = 0; i < counts.length; i += 500)
      await trx
        .insertInto('status_daily_counts')
        .values(
          counts
            .slice(i, i + 500)
            .map((c) => ({ day, jurisdiction_id: c.jurisdictionId, color: c.color, count: c.count })),
        )
        .onConflict((oc) =>
          oc.columns(['day', 'jurisdiction_id', 'color']).doUpdateSet((eb) => ({ count: eb.ref('excluded.count') })),
        )
        .execute();
  });
  return counts.length;
}
