import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, notFound } from '../../platform/http/problem.ts';
import { findJurisdiction } from '../jurisdictions/jurisdictions.repository.ts';
import { metrics } from './metrics-registry.ts';
import { requireScope } from './stats.service.ts';

/**
 * Figures per unit grid under one jurisdiction, for the map zoomed in below a community's parent. The map asks
 * per area in view (a subdistrict or community), never for the whole city, and gets only the grids with a
 * non-zero figure: a grid that is left out has 0. Counts only, never people.
 */
export async function gridStats(ctx: AppContext, principal: Principal, parentId: string, metricIds: string[]) {
  const parent = await findJurisdiction(ctx.db, parentId);
  if (!parent) throw notFound(`No jurisdiction with code ${parentId}`);
  requireScope(principal, parent.path);
  const unknown = metricIds.filter((m) => !metrics.has(m));
  if (unknown.length)
    throw badRequest(
      `query.metrics: unknown metric ${unknown.join(', ')}; available: ${[...metrics.keys()].join(', ')}`,
    );
  const byGrid = new Map<string, Record<string, number>>();
  for (const id of metricIds) {
    const perGrid = await metrics.get(id)!.compute(ctx, parent.path);
    for (const [grid, v] of perGrid) {
      if (v === 0) continue;
      const values = byGrid.get(grid) ?? {};
      values[id] = v;
      byGrid.set(grid, values);
    }
  }
  return {
    parentId,
    metrics: metricIds.map((id) => ({ id, label: metrics.get(id)!.label })),
    items: [...byGrid.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([code, values]) => ({ code, values })),
  };
}
