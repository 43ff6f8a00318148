import { describe, expect, it } from 'vitest';
import { apiGet, PHONE, screenshot, signIn, type OpenPage, browserSession } from './support/browser.ts';
import jsQRModule from 'jsqr';
import { apiPost, tokenFor } from './support/qr.ts';

const jsQR = jsQRModule.default;

interface Place {
  id: string;
  name: { 'zh-CN': string; en: string };
}

const session = browserSession();
let open: OpenPage;

describe('venue operator: check-in poster', () => {
  it("shows the poster of the venue's place with a QR that decodes to a valid place code, and today's check-ins", async () => {
    const venueToken = await tokenFor({ username: 'venue' });
    const { items } = await apiGet<{ items: Place[] }>('/places/operated', venueToken);
    expect(items.length).toBeGreaterThan(0);
    const first = items[0] as Place;
    // A resident checks in there today, so the count has something to show.
    const code = await apiGet<{ code: string }>(`/places/${first.id}/code`, venueToken);
    await apiPost(
      '/scans',
      { scans: [{ clientId: crypto.randomUUID(), scannedAt: new Date().toISOString(), placeCode: code.code }] },
      await tokenFor({ phone: '13800000019' }),
    );
    const today = await apiGet<{ count: number }>(`/places/${first.id}/check-ins`, venueToken);
    expect(today.count).toBeGreaterThanOrEqual(1);

    open = await session.open(PHONE);
    const { page } = open;
    await signIn(page, { kind: 'staff', username: 'venue' });
    const poster = page.getByTestId('venue-poster');
    await poster.waitFor();
    await expect.poll(() => poster.getByRole('heading').textContent()).toBe(first.name.en);
    const img = page.getByTestId('poster-image');
    await img.waitFor();
    await page.waitForFunction(() => {
      const el = document.querySelector<HTMLImageElement>('[data-testid=poster-image]');
      return !!el && el.complete && el.naturalWidth > 0;
    });
    // Shown large: the poster fills the width of the phone screen.
    const box = await img.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(300);
    await expect.poll(() => page.getByTestId('checkins-today').getAttribute('data-count')).toBe(String(today.count));
    expect(await page.getByTestId('checkins-today').textContent()).toContain(String(today.count));
    const download = page.getByRole('link', { name: 'Download poster (SVG)' });
    expect(await download.getAttribute('download')).toBe(`tessera-poster-${first.id}.svg`);
    await screenshot(page, 'venue-poster');

    // What a phone camera would see: the poster image drawn onto a canvas, then read by jsQR. The pixels cross
    // over as base64 (a JSON array of millions of numbers takes minutes on a busy machine).
    const shot = await page.evaluate(() => {
      const el = document.querySelector<HTMLImageElement>('[data-testid=poster-image]');
      const c = document.createElement('canvas');
      const ctx = c.getContext('2d');
      if (!el || !ctx) throw new Error('no poster image or canvas');
      c.width = 900;
      c.height = Math.round((900 * el.naturalHeight) / el.naturalWidth);
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, c.width, c.height);
      ctx.drawImage(el, 0, 0, c.width, c.height);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let bin = '';
      for (let i = 0; i < d.length; i += 0x8000) bin += String.fromCharCode(...d.subarray(i, i + 0x8000));
      return { b64: btoa(bin), width: c.width, height: c.height };
    });
    const found = jsQR(new Uint8ClampedArray(Buffer.from(shot.b64, 'base64')), shot.width, shot.height);
    const decoded = found?.data ?? '';
    expect(decoded).toMatch(/^TSP1:/);
    const verified = await apiPost<{ valid: boolean; payload: { place: { id: string } } }>(
      '/verify',
      { code: decoded },
      venueToken,
    );
    expect(verified.valid).toBe(true);
    expect(verified.payload.place.id).toBe(first.id);
  });
});
