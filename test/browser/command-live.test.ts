import { describe, expect, it } from 'vitest';
import { apiGet, screenshot, signIn, type OpenPage, browserSession } from './support/browser.ts';
import { cityTree } from './support/city.ts';
import { waitForMap } from './support/map.ts';
import { apiPost, tokenFor } from './support/qr.ts';

const session = browserSession();
let open: OpenPage;

interface Timeline {
  days: Array<{ day: string; red: number; yellow: number; green: number }>;
}
const yellowTotal = (t: Timeline) => t.days.reduce((s, d) => s + d.yellow, 0);
interface AreaStats {
  items: Array<{ id: string; values: Record<string, number> }>;
}
const sum = (s: AreaStats, m: string) => s.items.reduce((n, i) => n + (i.values[m] ?? 0), 0);

describe('command center: charts and live feed', () => {
  it('charts status changes from the API and shows a new one live, without reload', async () => {
    const { city } = await cityTree();
    const officer = await tokenFor({ username: 'city.officer' });
    const before = await apiGet<Timeline>(`/stats/status-timeline?jurisdiction=${city.id}&days=30`, officer);
    const figures = await apiGet<AreaStats>(`/stats/areas?parent=${city.id}&metrics=red,yellow,active_cases`, officer);
    open = await session.open();
    const { page } = open;
    await signIn(page, { kind: 'staff', username: 'city.officer' });
    await waitForMap(page, city.id);
    const chart = page.getByTestId('status-timeline');
    await chart.locator('svg').waitFor();
    expect(await chart.locator('[data-color=yellow] strong').textContent()).toBe(String(yellowTotal(before)));
    await page.locator('[data-testid=live-feed][data-connected=true]').waitFor();
    // Headline figures and the map colour come from /stats/areas.
    expect(await page.getByTestId('kpi-red').textContent()).toBe(String(sum(figures, 'red')));
    expect(await page.getByTestId('kpi-yellow').textContent()).toBe(String(sum(figures, 'yellow')));
    expect(await page.getByTestId('kpi-cases').textContent()).toBe(String(sum(figures, 'active_cases')));
    await page.getByTestId('metric-select').selectOption('yellow');
    const maxYellow = Math.max(...figures.items.map((i) => i.values.yellow ?? 0));
    await page.locator(`[data-testid=legend-max]:text-is("${maxYellow}")`).waitFor();

    // A resident's symptom check-in turns them yellow: the feed shows it and the chart counts it.
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    const resident = await tokenFor({ phone: '13800000013' });
    await apiPost('/me/symptoms', { symptoms: ['fever'] }, resident);
    const item = page.locator('[data-testid=live-feed] li[data-topic="status.changed"]').first();
    await item.waitFor({ timeout: 15_000 });
    expect(await item.textContent()).toContain('Yellow');
    await chart.locator(`[data-color=yellow] strong:text-is("${yellowTotal(before) + 1}")`).waitFor();
    await page.locator(`[data-testid=kpi-yellow]:text-is("${sum(figures, 'yellow') + 1}")`).waitFor();
    expect(navigations).toEqual([]);
    await screenshot(page, 'command-live');
  });
});
