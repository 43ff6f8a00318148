import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, launch, openPage, screenshot, signIn, type OpenPage } from './support/browser.ts';
import { childrenOf, cityTree, gridsOf, type Area, type Grid } from './support/city.ts';
import { featureState, featureStates, pointInside, renderedIds, waitForMap } from './support/map.ts';

let browser: Browser;
let open: OpenPage;
let page: Page;
let city: Area;
let chain: Area[];
let community: Area;

const pathname = () => new URL(page.url()).pathname;

/** Zooms about the current centre and resolves once MapLibre has rendered the new view. */
async function zoomTo(zoom: number): Promise<void> {
  await page.evaluate(
    (z) =>
      new Promise<void>((resolve) => {
        const map = window.__tesseraMap;
        if (!map) throw new Error('no map');
        // 'render' once everything is loaded, not 'idle': a pulsing map repaints forever.
        const done = () => {
          if (map.isMoving() || !map.isStyleLoaded()) return;
          map.off('render', done);
          resolve();
        };
        map.jumpTo({ zoom: z });
        map.on('render', done);
        map.triggerRepaint();
      }),
    zoom,
  );
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let v = await fn();
  while (!ok(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    v = await fn();
  }
  return v;
}

beforeAll(async () => {
  ({ city, chain, community } = await cityTree());
  browser = await launch();
  open = await openPage(browser);
  page = open.page;
  await signIn(page, { kind: 'staff', username: 'admin' });
  await waitForMap(page, city.id);
});

afterAll(async () => {
  const errors = open?.errors ?? [];
  await open?.close();
  await browser?.close();
  expect(errors).toEqual([]);
});

describe('command center on the seeded city', () => {
  it('draws every district of the city and headline figures from the API', async () => {
    const districts = await childrenOf(city.id);
    const grids = await gridsOf(city.id);
    expect(pathname()).toBe('/command');
    expect(await renderedIds(page, 'areas-fill')).toEqual(districts.map((d) => d.id).sort());
    await until(
      () => page.getByTestId('kpi-grids').textContent(),
      (t) => t === grids.length.toLocaleString('en-US'),
    );
    expect(await page.getByTestId('kpi-grids').textContent()).toBe(grids.length.toLocaleString('en-US'));
    expect(await page.locator('[data-testid=area-list] button').count()).toBe(districts.length);
    await screenshot(page, 'command-city');
  });

  it('colours each area by its unit grids, rolled up from the grid codes', async () => {
    const districts = await childrenOf(city.id);
    const grids = await gridsOf(city.id);
    await page.getByTestId('legend').waitFor();
    for (const d of districts) {
      const expected = grids.filter((g) => g.properties.code.startsWith(d.id)).length;
      expect(expected).toBeGreaterThan(0);
      expect((await featureState(page, 'areas', d.id)).value).toBe(expected);
    }
  });

  it('zoomed out draws areas only; unit grids appear when zoomed in', async () => {
    await zoomTo(10.5);
    expect(await renderedIds(page, 'grids-line')).toEqual([]);
    expect((await renderedIds(page, 'areas-fill')).length).toBeGreaterThan(0);
    await zoomTo(15);
    const cityGrids = await gridsOf(city.id);
    const shown = await until(
      () => renderedIds(page, 'grids-line'),
      (ids) => ids.length > 0,
    );
    expect(shown.length).toBeGreaterThan(0);
    const known = new Set(cityGrids.map((g) => g.properties.code));
    expect(shown.every((id) => known.has(id))).toBe(true);
  });

  it('drills down by clicking the map: city → district → subdistrict → community', async () => {
    await page.goto('/command');
    await waitForMap(page, city.id);
    for (const next of chain.slice(1)) {
      const at = await pointInside(page, 'areas-fill', next.id);
      await page.mouse.click(at.x, at.y);
      await waitForMap(page, next.id);
      expect(pathname()).toBe(`/command/${next.id}`);
      const crumbs = await page.getByTestId('breadcrumb').textContent();
      for (const level of chain.slice(0, chain.indexOf(next) + 1)) expect(crumbs).toContain(level.properties.name.en);
    }
    const grids = await gridsOf(community.id);
    expect(grids.length).toBeGreaterThan(0);
    expect(await renderedIds(page, 'grids-fill')).toEqual(grids.map((g) => g.properties.code).sort());
    expect(await page.locator('[data-testid=area-list] button').count()).toBe(grids.length);
    await screenshot(page, 'command-community');
  });

  it('hovering a grid shows its figures, clicking it shows its workers', async () => {
    const [grid] = await gridsOf(community.id);
    if (!grid) throw new Error('no grid');
    const full = await apiGet<{ properties: { workers: Array<{ displayName: string }> } }>(`/grids/${grid.id}`);
    expect(full.properties.workers.length).toBeGreaterThan(0);
    const at = await pointInside(page, 'grids-fill', grid.id);
    await page.mouse.move(at.x, at.y);
    const tip = page.getByTestId('map-tooltip');
    await tip.waitFor();
    expect(await tip.textContent()).toContain(grid.properties.code);
    await page.mouse.click(at.x, at.y);
    const details = page.getByTestId('grid-details');
    await details.getByTestId('grid-workers').waitFor();
    const text = await details.textContent();
    expect(text).toContain(grid.properties.code);
    for (const w of full.properties.workers) expect(text).toContain(w.displayName);
    expect((await featureState(page, 'grids', grid.id)).selected).toBe(true);
    await screenshot(page, 'command-grid');
  });

  it('pulses the grids at or above the threshold, and follows a new threshold', async () => {
    const grids: Grid[] = await gridsOf(community.id);
    const areaOf = new Map(grids.map((g) => [g.properties.code, g.properties.areaM2]));
    await page.getByTestId('metric-select').selectOption('area');
    const sorted = [...areaOf.values()].sort((a, b) => a - b);
    // The default threshold is the 90th percentile (nearest rank) of what is on the map.
    const p90 = sorted[Math.ceil(0.9 * sorted.length) - 1] as number;
    await until(
      () => page.getByTestId('threshold-input').inputValue(),
      (v) => v === String(p90),
    );
    expect(await page.getByTestId('threshold-input').inputValue()).toBe(String(p90));

    const expectAlerts = async (threshold: number | null) => {
      const wanted = (area: number) => threshold !== null && area >= threshold;
      // The input's change reaches the map on React's next commit: poll briefly, then assert strictly.
      const states = await until(
        () => featureStates(page, 'grids', [...areaOf.keys()]),
        (st) => [...areaOf].every(([code, area]) => st[code]?.alert === wanted(area)),
        5_000,
      );
      for (const [code, area] of areaOf) {
        expect(states[code]?.value).toBe(area);
        expect(states[code]?.alert).toBe(wanted(area));
      }
    };
    await expectAlerts(p90);
    const widths = new Set<unknown>();
    for (let i = 0; i < 4; i++) {
      widths.add(await page.evaluate(() => window.__tesseraMap?.getPaintProperty('grids-alert-line', 'line-width')));
      await new Promise((r) => setTimeout(r, 230));
    }
    expect(widths.size).toBeGreaterThan(1); // it moves

    const median = sorted[Math.floor(sorted.length / 2)] as number;
    await page.getByTestId('threshold-input').fill(String(median));
    await expectAlerts(median);
    expect(await page.getByTestId('alert-count').textContent()).toContain(
      String(sorted.filter((v) => v >= median).length),
    );

    await page.getByTestId('threshold-input').fill('');
    await expectAlerts(null);
    await new Promise((r) => setTimeout(r, 200));
    expect(await page.evaluate(() => window.__tesseraMap?.getPaintProperty('grids-alert-line', 'line-width'))).toBe(
      1.5,
    );
    await page.getByTestId('threshold-input').fill(String(p90));
    await screenshot(page, 'command-pulse');
  });

  it('goes back up through the breadcrumb and drills down with the keyboard', async () => {
    await page.getByTestId('breadcrumb').getByRole('link', { name: city.properties.name.en }).click();
    await waitForMap(page, city.id);
    expect(pathname()).toBe(`/command/${city.id}`);
    const district = chain[1] as Area;
    await page.locator(`[data-testid=area-list] button[data-id="${district.id}"]`).focus();
    await page.keyboard.press('Enter');
    await waitForMap(page, district.id);
    expect(pathname()).toBe(`/command/${district.id}`);
  });

  it('shows the command center in Chinese', async () => {
    await page.getByTestId('language-switch').selectOption('zh-CN');
    const crumbs = await page.getByTestId('breadcrumb').textContent();
    for (const level of chain.slice(0, 2)) expect(crumbs).toContain(level.properties.name['zh-CN']);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.goto(`/command/${city.id}`);
    await waitForMap(page, city.id);
    await screenshot(page, 'command-city-zh');
    await page.getByTestId('language-switch').selectOption('en');
  });

  it('signing out from a pulsing map with a grid selected returns cleanly to sign-in', async () => {
    await page.goto(`/command/${community.id}`);
    await waitForMap(page, community.id);
    await page.getByTestId('metric-select').selectOption('area');
    await until(
      () => page.getByTestId('threshold-input').inputValue(),
      (v) => v !== '',
    );
    const [grid] = await gridsOf(community.id);
    if (!grid) throw new Error('no grid');
    await page.locator(`[data-testid=area-list] button[data-id="${grid.id}"]`).click();
    await page.getByTestId('grid-details').getByTestId('grid-workers').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('input[name=username]').waitFor();
    expect(open.errors).toEqual([]);
  });
});
