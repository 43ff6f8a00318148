import { sql } from 'kysely';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, forbidden, notFound } from '../../platform/http/problem.ts';
import { findJurisdiction } from '../jurisdictions/jurisdictions.repository.ts';
import { metrics } from './metrics-registry.ts';
import './case-metrics.ts';
import './incident-metrics.ts';
import './campaign-metrics.ts';
import './status-metrics.ts';

/** Aggregates only: the command center sees counts per area, never people. */
export function requireScope(principal: Principal, path: string) {
  const d = authorize(principal, 'stats.read', { jurisdictionPath: path });
  if (!d.allow) throw forbidden(d.reason);
}

/**
 * One metric for every child area of a jurisdiction (or every grid of a community), computed per grid
 * and rolled up along the jurisdiction paths.
 */
export async function areaStats(ctx: AppContext, principal: Principal, parentId: string, metricIds: string[]) {
  const parent = await findJurisdiction(ctx.db, parentId);
  if (!parent) throw notFound(`No jurisdiction with code ${parentId}`);
  requireScope(principal, parent.path);
  const unknown = metricIds.filter((m) => !metrics.has(m));
  if (unknown.length)
    throw badRequest(
      `query.metrics: unknown metric ${unknown.join(', ')}; available: ${[...metrics.keys()].join(', ')}`,
    );
  const gridRows = await ctx.db
    .selectFrom('grids')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
    .select(['grids.code', 'jurisdictions.path'])
    .where((eb) =>
      eb.or([eb('jurisdictions.path', '=', parent.path), eb('jurisdictions.path', 'like', `${parent.path}.%`)]),
    )
    .execute();
  const byGrids = parent.level === 'community';
  const depth = parent.path.split('.').length;
  const areaOf = (gridCode: string, path: string) => (byGrids ? gridCode : (path.split('.')[depth] ?? gridCode));
  const areas = new Map<string, { grids: number; values: Record<string, number> }>();
  for (const g of gridRows) {
    const a = areaOf(g.code, g.path);
    const entry = areas.get(a) ?? { grids: 0, values: {} };
    entry.grids++;
    areas.set(a, entry);
  }
  const gridArea = new Map(gridRows.map((g) => [g.code, areaOf(g.code, g.path)]));
  for (const id of metricIds) {
    const def = metrics.get(id)!;
    const perGrid = await def.compute(ctx, parent.path);
    for (const [, a] of areas) a.values[id] = 0;
    for (const [grid, v] of perGrid) {
      const a = areas.get(gridArea.get(grid) ?? '');
      if (a) a.values[id] = (a.values[id] ?? 0) + v;
    }
    if (def.combine === 'mean') for (const [, a] of areas) a.values[id] = (a.values[id] ?? 0) / Math.max(1, a.grids);
  }
  return {
    parentId,
    level: byGrids ? 'grid' : 'jurisdiction',
    metrics: metricIds.map((id) => ({ id, label: metrics.get(id)!.label })),
    items: [...areas.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, a]) => ({ id, grids: a.grids, values: a.values })),
  };
}

export function listMetrics() {
  return [...metrics.values()].map((m) => ({ id: m.id, label: m.label, combine: m.combine }));
}

/** Status changes per day (to red, to yellow, to green) in a subtree, for the charts. */
export async function statusTimeline(ctx: AppContext, principal: Principal, jurisdictionId: string, days: number) {
  const j = await findJurisdiction(ctx.db, jurisdictionId);
  if (!j) throw notFound(`No jurisdiction with code ${jurisdictionId}`);
  requireScope(principal, j.path);
  const to = ctx.clock.now();
  const from = new Date(to.getTime() - days * 86400_000);
  const { rows } = await sql<{ day: string; color: string; n: number }>`
    select to_char(sh.changed_at at time zone 'UTC', 'YYYY-MM-DD') as day, sh.color, count(*)::int as n
    from status_history sh
    join residents r on r.id = sh.person_id
    join households h on h.id = r.household_id
    join grids g on g.code = h.grid_code
    join jurisdictions jj on jj.id = g.community_id
    where sh.changed_at >= ${from} and sh.changed_at <= ${to}
      and (jj.path = ${j.path} or jj.path like ${`${j.path}.%`})
    group by 1, 2
    order by 1`.execute(ctx.db);
  const byDay = new Map<string, { day: string; red: number; yellow: number; green: number }>();
  for (let t = from.getTime(); t <= to.getTime(); t += 86400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    byDay.set(day, { day, red: 0, yellow: 0, green: 0 });
  }
  for (const r of rows) {
    const d = byDay.get(r.day);
    if (d && (r.color === 'red' || r.color === 'yellow' || r.color === 'green')) d[r.color] += Number(r.n);
  }
  return { jurisdictionId, from: from.toISOString(), to: to.toISOString(), days: [...byDay.values()] };
}
