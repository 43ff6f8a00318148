import type { Browser } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, launch, openPage, PHONE, screenshot, signIn, type OpenPage } from './support/browser.ts';
import { tokenFor } from './support/qr.ts';

/** A resident reports an everyday problem with a photo and the place, then follows it in "my reports". */

interface Tree {
  tree: {
    majors: Array<{
      code: string;
      name: { en: string };
      minors: Array<{ code: string; name: { en: string }; active: boolean }>;
    }>;
  };
}
interface Me {
  household: { gridCode: string; location: { lat: number; lng: number } };
}
interface Incident {
  id: string;
  categoryCode: string;
  stage: string;
  gridCode: string;
  location: { lat: number; lng: number };
  description: string;
  photos: Array<{ contentType: string; bytes: number }>;
  timeline: unknown[];
}

let browser: Browser;
let open: OpenPage | null = null;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  const errors = open?.errors ?? [];
  await open?.close();
  open = null;
  // The refused fake photo answers 422 on purpose; Chromium logs that as a failed resource.
  expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
});

async function categories() {
  const { tree } = await apiGet<Tree>('/incident-categories');
  const majors = tree.majors.filter((m) => m.minors.some((c) => c.active));
  const major = majors[0]!;
  const minor = major.minors.find((c) => c.active)!;
  const other = majors[1] ?? major;
  return { major, minor, other, otherMinor: other.minors.filter((c) => c.active).at(-1)! };
}

describe('resident: report a problem', () => {
  it('with a photo and my position, then see it listed with its progress and photo', async () => {
    const phone = '13800000014';
    const token = await tokenFor({ phone });
    const me = await apiGet<Me>('/me', token);
    const spot = { latitude: me.household.location.lat + 0.0002, longitude: me.household.location.lng + 0.0001 };
    const { major, minor } = await categories();
    const photo = await QRCode.toBuffer('a broken street lamp', { width: 240 });

    open = await openPage(browser, { ...PHONE, geolocation: spot, permissions: ['geolocation'] });
    const { page } = open;
    await signIn(page, { kind: 'resident', phone });
    const card = page.getByTestId('report-incident');
    await card.locator('select[name=major]').selectOption(major.code);
    await card.locator('select[name=category]').selectOption(minor.code);
    const description = `Street lamp out at the gate, dark at night (${Date.now()})`;
    await card.locator('textarea[name=description]').fill(description);
    await card
      .getByTestId('report-photo-input')
      .setInputFiles({ name: 'lamp.png', mimeType: 'image/png', buffer: photo });
    await card.locator('[data-testid=report-photo-previews] img').waitFor();
    await card.getByTestId('report-locate').click();
    await card.locator('[data-testid=report-where][data-how=gps]').waitFor();
    expect(await card.getByTestId('report-where').textContent()).toContain(spot.latitude.toFixed(5));
    await screenshot(page, 'resident-report-form');
    await card.locator('button[type=submit]').click();
    await page.locator('[data-testid=report-done][data-outcome=created]').waitFor();

    // The server holds what was sent: category, text, the point, the photo as a PNG.
    const list = await apiGet<{ items: Incident[] }>('/incidents', token);
    const mine = list.items.find((i) => i.categoryCode === minor.code);
    expect(mine).toBeDefined();
    const detail = await apiGet<Incident>(`/incidents/${mine!.id}`, token);
    expect(detail.description).toBe(description);
    expect(detail.location.lat).toBeCloseTo(spot.latitude, 5);
    expect(detail.location.lng).toBeCloseTo(spot.longitude, 5);
    expect(detail.photos).toEqual([expect.objectContaining({ contentType: 'image/png', bytes: photo.length })]);

    // Listed under my reports, with its stage; the progress shows the timeline and the stored photo.
    const item = page.locator(`[data-testid=my-report][data-id="${mine!.id}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain(minor.name.en);
    await item.getByRole('button', { name: 'Show progress' }).click();
    const shown = item.getByTestId('report-photo');
    await shown.waitFor();
    expect(await shown.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
    expect(await item.getByTestId('report-timeline').locator('li').count()).toBe(detail.timeline.length);
    expect(await item.locator('.report-description').textContent()).toBe(description);
    await item.scrollIntoViewIfNeeded();
    await screenshot(page, 'resident-report-list');
  });

  it('without location permission: the map of my grid gives the place; a renamed non-image is refused by the server', async () => {
    const phone = '13800000016';
    const token = await tokenFor({ phone });
    const me = await apiGet<Me>('/me', token);
    const { other, otherMinor } = await categories();

    open = await openPage(browser, { ...PHONE, locale: 'zh-CN', permissions: [] });
    const { page } = open;
    await signIn(page, { kind: 'resident', phone });
    const card = page.getByTestId('report-incident');
    await card.locator('select[name=major]').selectOption(other.code);
    await card.locator('select[name=category]').selectOption(otherMinor.code);
    await card.locator('textarea[name=description]').fill('楼道堆放杂物，堵塞通道');
    await card.getByTestId('report-locate').click();
    await card
      .getByRole('alert')
      .filter({ hasText: /定位|位置/ })
      .waitFor();

    await card.getByRole('button', { name: '在地图上选择' }).click();
    const map = card.getByTestId('report-map');
    await map.waitFor();
    const box = (await map.boundingBox())!;
    await map.click({ position: { x: box.width / 2, y: box.height / 2 } });
    await card.locator('[data-testid=report-where][data-how=map]').waitFor();
    expect(await card.getByTestId('report-where').textContent()).toMatch(/^地图上选择：\d+\.\d{5}, \d+\.\d{5}$/);
    await card.getByTestId('report-map-pin').waitFor();
    // The keyboard moves the pin too.
    await map.press('ArrowUp');
    await screenshot(page, 'resident-report-map');

    // A PDF named .png passes the browser's type check; the server reads its magic bytes and refuses it.
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
    await card
      .getByTestId('report-photo-input')
      .setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: pdf });
    await card.locator('button[type=submit]').click();
    const problem = card.locator('.problem').filter({ hasText: 'PDF' });
    await problem.waitFor();
    await card.getByRole('button', { name: '删除照片 1' }).click();
    await card.locator('button[type=submit]').click();
    await page.locator('[data-testid=report-done][data-outcome=created]').waitFor();

    const list = await apiGet<{ items: Incident[] }>('/incidents', token);
    const mine = list.items.filter((i) => i.categoryCode === otherMinor.code);
    expect(mine).toHaveLength(1);
    const detail = await apiGet<Incident>(`/incidents/${mine[0]!.id}`, token);
    expect(detail.description).toBe('楼道堆放杂物，堵塞通道');
    expect(detail.photos).toEqual([]);
    // Placed inside my home grid, where the map was drawn.
    expect(detail.gridCode).toBe(me.household.gridCode);
    await page.locator(`[data-testid=my-report][data-id="${detail.id}"]`).waitFor();
  });
});
