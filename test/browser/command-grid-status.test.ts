import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiGet, screenshot, signIn, until, type OpenPage, browserSession } from './support/browser.ts';
import { cityTree } from './support/city.ts';
import { featureStates, renderedIds, waitForMap } from './support/map.ts';
import { apiPost, tokenFor } from './support/qr.ts';

const session = browserSession();
let open: OpenPage;

interface GridStats {
  items: Array<{ code: string; values: Record<string, number> }>;
}

/** Centres the map on a point at a zoom and resolves once MapLibre has rendered it. */
function jumpTo(page: Page, center: [number, number], zoom: number): Promise<void> {
  return page.evaluate(
    ([c, z]) =>
      new Promise<void>((resolve) => {
        const map = window.__tesseraMap;
        if (!map) throw new Error('no map');
        const done = () => {
          if (map.isMoving() || !map.isStyleLoaded()) return;
          map.off('render', done);
          resolve();
        };
        map.jumpTo({ center: c as [number, number], zoom: z as number });
        map.on('render', done);
        map.triggerRepaint();
      }),
    [center, zoom] as const,
  );
}

describe('command map: per-grid status at district level', () => {
  it('colours each unit grid by its own yellow count when zoomed in, asking per area on screen', async () => {
    const { city } = await cityTree();
    const officer = await tokenFor({ username: 'city.officer' });
    // Two residents report symptoms: they turn yellow in their grids.
    for (const phone of ['13800000015', '13800000017'])
      await apiPost('/me/symptoms', { symptoms: ['fever'] }, await tokenFor({ phone }));
    const all = await until(
      () => apiGet<GridStats>(`/stats/grids?parent=${city.id}&metrics=yellow`, officer),
      (s) => s.items.length > 0,
    );
    const target = all.items[0];
    if (!target) throw new Error('no grid with a yellow code');
    const district = target.code.slice(0, 6);
    const grid = await apiGet<{ properties: { centroid: { lat: number; lng: number } } }>(`/grids/${target.code}`);

    open = await session.open();
    const { page } = open;
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/stats/grids')) asked.push(new URL(r.url()).searchParams.get('parent') ?? '');
    });
    await signIn(page, { kind: 'staff', username: 'city.officer' });
    await waitForMap(page, city.id);
    await page.goto(`/command/${district}`);
    await waitForMap(page, district);
    const center: [number, number] = [grid.properties.centroid.lng, grid.properties.centroid.lat];
    // Zoomed out: the district's subdistricts carry the figure; no grid figures are asked for.
    await jumpTo(page, center, 10);
    await page.getByTestId('metric-select').selectOption('yellow');
    await page.getByText('Showing areas — zoom in for unit grids').waitFor();
    await new Promise((r) => setTimeout(r, 1000));
    expect(asked).toEqual([]);

    await jumpTo(page, center, 15);
    const shown = await until(
      () => renderedIds(page, 'grids-fill'),
      (ids) => ids.includes(target.code),
    );
    expect(shown).toContain(target.code);
    const expected = await apiGet<GridStats>(`/stats/grids?parent=${district}&metrics=yellow`, officer);
    const yellowOf = new Map(expected.items.map((i) => [i.code, i.values.yellow ?? 0]));
    const states = await until(
      () => featureStates(page, 'grids', shown),
      (st) => shown.every((code) => st[code]?.value === (yellowOf.get(code) ?? 0)),
    );
    for (const code of shown) expect(states[code]?.value).toBe(yellowOf.get(code) ?? 0);
    expect(states[target.code]?.value).toBeGreaterThan(0);
    // Figures were asked per area on screen, never for the whole district or city.
    expect(asked.length).toBeGreaterThan(0);
    for (const parent of asked) {
      expect(parent.length).toBeGreaterThan(district.length);
      expect(parent.startsWith(district)).toBe(true);
    }
    await page.getByText('Showing unit grids').waitFor();
    await screenshot(page, 'command-grid-status');
  });
});
