import { describe, expect, it } from 'vitest';
import { apiGet, PHONE, screenshot, signIn, type OpenPage, browserSession } from './support/browser.ts';
import { cityTree, gridsOf } from './support/city.ts';

const session = browserSession();
let open: OpenPage;

describe('phone screens', () => {
  it('resident: finds the grid they stand in and its workers, from the phone position', async () => {
    const { community } = await cityTree();
    const [grid] = await gridsOf(community.id);
    if (!grid) throw new Error('no grid');
    const full = await apiGet<{ properties: { workers: Array<{ displayName: string }> } }>(`/grids/${grid.id}`);
    const { lat, lng } = grid.properties.centroid;
    open = await session.open({
      ...PHONE,
      geolocation: { latitude: lat, longitude: lng },
      permissions: ['geolocation'],
    });
    const { page } = open;
    await signIn(page, { kind: 'resident', phone: '13800000004' });
    await page.getByTestId('screen-resident').waitFor();
    await page.getByTestId('qr-canvas').waitFor(); // the code itself is checked in resident-code.test.ts
    await screenshot(page, 'resident');

    await page.getByTestId('locate-grid').getByRole('button').click();
    const found = page.getByTestId('located-grid');
    await found.waitFor();
    const text = await found.textContent();
    expect(text).toContain(grid.properties.code);
    for (const w of full.properties.workers) expect(text).toContain(w.displayName);
    await found.scrollIntoViewIfNeeded();
    await screenshot(page, 'resident-grid');
  });

  it('resident: a refused location permission is explained, nothing is sent', async () => {
    open = await session.open({ ...PHONE, permissions: [] });
    const { page } = open;
    const lookups: string[] = [];
    page.on('request', (r) => r.url().includes('/grids/locate') && lookups.push(r.url()));
    await signIn(page, { kind: 'resident', phone: '13800000005' });
    await page.getByTestId('locate-grid').getByRole('button').click();
    await page.getByTestId('locate-grid').getByRole('alert').waitFor();
    expect(lookups).toEqual([]);
  });

  it('grid worker: sees their grids with co-workers on a phone', async () => {
    const { community } = await cityTree();
    const [grid] = await gridsOf(community.id);
    if (!grid) throw new Error('no grid');
    open = await session.open(PHONE);
    const { page } = open;
    await signIn(page, { kind: 'staff', username: `worker.${grid.properties.code}` });
    const card = page.locator(`[data-testid=my-grids] [data-grid="${grid.properties.code}"]`);
    await card.waitFor();
    expect(await page.locator('[data-testid=my-grids] [data-grid]').count()).toBeGreaterThanOrEqual(1);
    await screenshot(page, 'worker');
  });

  it('checkpoint: a phone-first scanning screen', async () => {
    open = await session.open(PHONE);
    const { page } = open;
    await signIn(page, { kind: 'staff', username: 'verifier' });
    await page.getByTestId('screen-checkpoint').waitFor();
    await page.getByTestId('manual-entry').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390); // nothing overflows sideways on a phone
    await screenshot(page, 'checkpoint');
  });
});
