import { describe, expect, it } from 'vitest';
import { apiGet, screenshot, signIn, until, type OpenPage, browserSession } from './support/browser.ts';
import { childrenOf, cityTree, gridsOf } from './support/city.ts';
import { featureStates, waitForMap } from './support/map.ts';
import { apiPost, tokenFor } from './support/qr.ts';

const session = browserSession();
let open: OpenPage;

interface AreaStats {
  items: Array<{ id: string; values: Record<string, number> }>;
}
interface Task {
  id: string;
  campaignId: string | null;
  gridCode: string;
}

describe('command center: campaign coverage on the map', () => {
  it('colours each community by the share of campaign households reached, and pulses the ones behind', async () => {
    const { city, chain } = await cityTree();
    const subdistrict = chain.at(-2);
    if (!subdistrict) throw new Error('no subdistrict');
    // The second community: the worker test runs its own campaign in the first.
    const communities = await childrenOf(subdistrict.id);
    const target = communities[1] ?? communities[0];
    if (!target) throw new Error('no community');
    const [grid] = await gridsOf(target.id);
    if (!grid) throw new Error('no grid');
    const officer = await tokenFor({ username: 'city.officer' });
    const worker = await tokenFor({ username: `worker.${grid.properties.code}` });
    const campaign = await apiPost<{ id: string }>(
      '/campaigns',
      {
        name: 'Vaccination door-knock',
        jurisdictionId: target.id,
        dueAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
      },
      officer,
    );
    const { items } = await apiGet<{ items: Task[] }>('/me/tasks?kind=campaign_visit&limit=500', worker);
    const mine = items.filter((t) => t.campaignId === campaign.id);
    expect(mine.length).toBeGreaterThan(2);
    for (const t of mine.slice(0, 2))
      await apiPost(`/tasks/${t.id}/complete`, { result: { outcome: 'reached' } }, worker);

    const stats = await apiGet<AreaStats>(
      `/stats/areas?parent=${subdistrict.id}&metrics=campaign_households,campaign_reached`,
      officer,
    );
    const expected = new Map(
      stats.items
        .filter((i) => (i.values.campaign_households ?? 0) > 0)
        .map((i) => [i.id, (100 * (i.values.campaign_reached ?? 0)) / (i.values.campaign_households ?? 1)]),
    );
    expect(expected.has(target.id)).toBe(true);
    expect(expected.get(target.id)).toBeGreaterThan(0);
    expect(expected.get(target.id)).toBeLessThan(100);

    open = await session.open();
    const { page } = open;
    await signIn(page, { kind: 'staff', username: 'city.officer' });
    await waitForMap(page, city.id);
    await page.goto(`/command/${subdistrict.id}`);
    await waitForMap(page, subdistrict.id);
    await page.getByTestId('metric-select').selectOption('campaignCoverage');
    const ids = communities.map((c) => c.id);
    const after = await until(
      () => featureStates(page, 'areas', ids),
      (st) => st[target.id]?.value === expected.get(target.id),
    );
    for (const id of ids)
      if (expected.has(id)) expect(after[id]?.value).toBeCloseTo(expected.get(id) as number, 6);
      else expect(typeof after[id]?.value).not.toBe('number');
    // Inside the community every unit grid carries its own coverage; low is bad, so the legend reads in percent and
    // the pulse counts grids at or below the threshold.
    const gridStats = await apiGet<{ items: Array<{ code: string; values: Record<string, number> }> }>(
      `/stats/grids?parent=${target.id}&metrics=campaign_households,campaign_reached`,
      officer,
    );
    const mineStats = gridStats.items.find((g) => g.code === grid.properties.code)?.values ?? {};
    const gridExpected = (100 * (mineStats.campaign_reached ?? 0)) / (mineStats.campaign_households ?? 1);
    expect(mineStats.campaign_reached).toBe(2);
    await page.goto(`/command/${target.id}`);
    await waitForMap(page, target.id);
    await page.getByTestId('metric-select').selectOption('campaignCoverage');
    const code = grid.properties.code;
    const states = await until(
      () => featureStates(page, 'grids', [code]),
      (st) => st[code]?.value === gridExpected,
    );
    expect(states[code]?.value).toBeCloseTo(gridExpected, 6);
    expect(await page.locator('label', { hasText: 'Pulse at or below' }).count()).toBe(1);
    expect(await page.getByTestId('alert-count').textContent()).toMatch(/grids? at or below the threshold/);
    expect(await page.getByTestId('legend-max').textContent()).toMatch(/%$/);
    await screenshot(page, 'command-campaign-coverage');
    // An operator threshold above the grid's coverage makes it pulse.
    await page.getByTestId('threshold-input').fill('99');
    const pulsing = await until(
      () => featureStates(page, 'grids', [code]),
      (st) => st[code]?.alert === true,
    );
    expect(pulsing[code]?.alert).toBe(true);
    // The glow is drawn from a small source holding only the alerting grids, not from every grid.
    const glowing = await until(
      () =>
        page.evaluate(() =>
          (window.__tesseraMap?.querySourceFeatures('grids-alert') ?? []).map((f) => String(f.properties.code)),
        ),
      (codes) => codes.includes(code),
    );
    const allCodes = (await gridsOf(target.id)).map((g) => g.properties.code);
    const flagged = Object.entries(await featureStates(page, 'grids', allCodes))
      .filter(([, st]) => st.alert === true)
      .map(([c]) => c);
    expect(new Set(glowing)).toEqual(new Set(flagged));
  });
});
