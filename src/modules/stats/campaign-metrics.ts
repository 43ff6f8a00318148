import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import { registerMetric } from './metrics-registry.ts';

/**
 * Door-to-door campaign coverage per grid, over the campaigns still running (deadline not passed) in a subtree.
 * Two counts rather than a percentage so that areas add up exactly: the map divides reached by households for
 * each area it draws, instead of averaging grid percentages of very different sizes. "Reached" is the campaign's
 * own definition: someone spoke to the household (a visit where nobody was home does not count).
 */
async function campaignCounts(ctx: AppContext, prefix: string, which: 'households' | 'reached') {
  const now = ctx.clock.now();
  const { rows } = await sql<{ grid_code: string; n: number }>`
    select t.grid_code, count(*)::int as n
    from tasks t
    join campaigns c on c.id = t.campaign_id
    join jurisdictions j on j.id = t.community_id
    where t.kind = 'campaign_visit' and c.due_at >= ${now}
      and (j.path = ${prefix} or j.path like ${`${prefix}.%`})
      ${
        which === 'reached'
          ? sql`and exists (
              select 1 from campaign_visits v
              where v.campaign_id = t.campaign_id and v.household_id = t.subject_id
                and v.outcome in ('reached', 'refused', 'needs_help'))`
          : sql``
      }
    group by t.grid_code`.execute(ctx.db);
  return new Map(rows.map((r) => [r.grid_code, Number(r.n)]));
}

registerMetric({
  id: 'campaign_households',
  label: { 'zh-CN': '走访任务户数', en: 'Households to visit (running campaigns)' },
  combine: 'sum',
  compute: (ctx, prefix) => campaignCounts(ctx, prefix, 'households'),
});
registerMetric({
  id: 'campaign_reached',
  label: { 'zh-CN': '已走访到户数', en: 'Households reached (running campaigns)' },
  combine: 'sum',
  compute: (ctx, prefix) => campaignCounts(ctx, prefix, 'reached'),
});
