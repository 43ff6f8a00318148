import jsQRModule from 'jsqr';
import type { Page } from 'playwright-core';
import { baseUrl, PASSWORD } from './browser.ts';

const jsQR = jsQRModule.default;

/** Decodes the QR code drawn on a canvas, from the canvas's own pixels (what a scanner would see, minus the camera). */
export async function decodeCanvas(page: Page, selector: string): Promise<string> {
  const img = await page.locator(selector).evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    const d = ctx.getImageData(0, 0, c.width, c.height);
    return { data: Array.from(d.data), width: d.width, height: d.height };
  });
  const found = jsQR(Uint8ClampedArray.from(img.data), img.width, img.height);
  if (!found) throw new Error('no QR code found on the canvas');
  return found.data;
}

/** A bearer token for an API-side check, signed in the way the app does. */
export async function tokenFor(account: { username: string } | { phone: string }): Promise<string> {
  const kind = 'username' in account ? 'staff' : 'resident';
  const res = await fetch(`${baseUrl()}/api/v1/auth/${kind}/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...account, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in ${JSON.stringify(account)}: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

export async function apiPost<T>(path: string, body: unknown, token: string): Promise<T> {
  const res = await fetch(`${baseUrl()}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
