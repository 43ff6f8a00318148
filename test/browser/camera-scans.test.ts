import type { Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { apiGet, openPage, PHONE, screenshot, signIn, type OpenPage } from './support/browser.ts';
import { launchWithCamera, qrVideo, removeVideo } from './support/camera.ts';
import { cityTree, gridsOf } from './support/city.ts';
import { tokenFor } from './support/qr.ts';

// Each test points Chromium's fake camera at its own QR clip, so each launches its own browser.
let browser: Browser | null = null;
let video: string | null = null;
let open: OpenPage | null = null;

afterEach(async () => {
  const errors = open?.errors ?? [];
  await open?.close();
  open = null;
  await browser?.close();
  browser = null;
  if (video) removeVideo(video);
  video = null;
  expect(errors).toEqual([]);
});

interface Place {
  id: string;
  name: { 'zh-CN': string; en: string };
}

describe('camera scanning', () => {
  it('resident: checks in at a venue by pointing the camera at its poster', async () => {
    const admin = await tokenFor({ username: 'admin' });
    const { community } = await cityTree();
    const [grid] = await gridsOf(community.id);
    if (!grid) throw new Error('no grid');
    const { items } = await apiGet<{ items: Place[] }>(`/grids/${grid.properties.code}/places`, admin);
    const place = items[0];
    if (!place) throw new Error(`no place in grid ${grid.properties.code}`);
    const poster = await apiGet<{ code: string }>(`/places/${place.id}/code`, admin);
    expect(poster.code).toMatch(/^TSP1:/);

    video = await qrVideo(poster.code);
    browser = await launchWithCamera(video);
    open = await openPage(browser, { ...PHONE, permissions: ['camera'] });
    const { page } = open;
    const phone = '13800000011';
    await signIn(page, { kind: 'resident', phone });
    const card = page.getByTestId('venue-check-in');
    await card.getByRole('button').click();
    const done = page.getByTestId('check-in-done');
    await done.waitFor({ timeout: 30_000 });
    expect(await done.textContent()).toContain(place.name.en);
    await page.locator('[data-testid=my-scans] li').first().waitFor();
    expect(await page.getByTestId('my-scans').textContent()).toContain(place.name.en);
    const mine = await apiGet<{ items: Array<{ place: { id: string } }> }>('/me/scans', await tokenFor({ phone }));
    expect(mine.items.map((s) => s.place.id)).toContain(place.id);
    await done.scrollIntoViewIfNeeded();
    await screenshot(page, 'resident-venue-check-in');
  });

  it("checkpoint: the camera reads a resident's code and the screen turns its colour", async () => {
    const code = await apiGet<{ code: string; status: { color: string } }>(
      '/me/code',
      await tokenFor({ phone: '13800000012' }),
    );
    video = await qrVideo(code.code);
    browser = await launchWithCamera(video);
    open = await openPage(browser, { ...PHONE, permissions: ['camera'] });
    const { page } = open;
    await signIn(page, { kind: 'staff', username: 'verifier' });
    await page.getByTestId('screen-checkpoint').waitFor();
    await page.getByRole('button', { name: 'Scan with the camera' }).click();
    const result = page.getByTestId('verify-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.getAttribute('data-valid')).toBe('true');
    expect(await result.getAttribute('data-color')).toBe(code.status.color);
    await screenshot(page, 'checkpoint-camera');
  });
});
