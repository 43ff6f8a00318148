import { deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { base45Encode } from '../../src/core/codes/base45.ts';
import { cborDecode, cborEncode } from '../../src/core/codes/cbor.ts';
import { decodeCoseSign1, encodeCoseSign1 } from '../../src/core/codes/cose.ts';
import { openEnvelope } from '../../src/core/codes/envelope.ts';
import { apiGet, launch, openPage, PHONE, screenshot, signIn, type OpenPage } from './support/browser.ts';
import { tokenFor } from './support/qr.ts';

/**
 * The checkpoint verifies resident codes on the device: after the signed trust list is cached, the browser goes
 * offline and codes still verify (or are refused) with WebCrypto against the pinned trust-list key.
 */

interface MyCode {
  code: string;
  issuer: string;
  expiresAt: string;
  status: { color: string };
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
  // Going offline makes the background refresh fail; that is shown on screen, not an error of the page.
  expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e))).toEqual([]);
});

/** Signs the verifier in, waits until the trust list is cached and verified, then cuts the network. */
async function offlineCheckpoint(withClock = false): Promise<Page> {
  open = await openPage(browser, PHONE);
  const { page } = open;
  if (withClock) await page.clock.install({ time: new Date() });
  await signIn(page, { kind: 'staff', username: 'verifier' });
  const status = page.getByTestId('trust-status');
  await page.locator('[data-testid=trust-status][data-state=ready]').waitFor();
  expect(Number(await status.getAttribute('data-version'))).toBeGreaterThan(0);
  await page.context().setOffline(true);
  return page;
}

async function check(page: Page, code: string) {
  const form = page.getByTestId('manual-entry');
  await form.locator('textarea').fill(code);
  await form.locator('button[type=submit]').click();
  const result = page.getByTestId('verify-result');
  await result.waitFor();
  return result;
}

describe('checkpoint verifies offline with the cached trust list', () => {
  it('(a) a valid resident code verifies while the browser is offline, with colour, issuer, expiry and the list age', async () => {
    const mine = await apiGet<MyCode>('/me/code', await tokenFor({ phone: '13800000011' }));
    const page = await offlineCheckpoint();
    await screenshot(page, 'checkpoint-offline-ready');
    // Really offline: the server cannot be reached from the page.
    const reachable = await page.evaluate(() =>
      fetch('/api/v1/health').then(
        () => true,
        () => false,
      ),
    );
    expect(reachable).toBe(false);

    const result = await check(page, mine.code);
    expect(await result.getAttribute('data-valid')).toBe('true');
    expect(await result.getAttribute('data-source')).toBe('offline');
    expect(await result.getAttribute('data-color')).toBe(mine.status.color);
    const text = (await result.textContent()) ?? '';
    expect(text).toContain(mine.issuer);
    expect(text).not.toContain('13800000011');
    expect(await page.getByTestId('verify-source').textContent()).toMatch(
      /^Offline on this device, trust list v\d+ signed/,
    );
    const box = await result.boundingBox();
    expect(box?.width).toBe(390);
    expect(box?.height).toBe(844);
    await screenshot(page, 'checkpoint-offline-valid');
  });

  it('(b) a code past its expiry on the device clock is shown as expired', async () => {
    const mine = await apiGet<MyCode>('/me/code', await tokenFor({ phone: '13800000012' }));
    const page = await offlineCheckpoint(true);
    // Codes live 3 minutes: move the device clock 4 minutes on.
    await page.clock.setSystemTime(new Date(Date.parse(mine.expiresAt) + 60_000));
    const result = await check(page, mine.code);
    expect(await result.getAttribute('data-valid')).toBe('false');
    expect(await result.getAttribute('data-expired')).toBe('true');
    expect(await result.getAttribute('data-source')).toBe('offline');
    expect(await page.locator('.verify-headline').textContent()).toBe('Expired');
    expect(await result.textContent()).toContain('expiry');
    await screenshot(page, 'checkpoint-offline-expired');
  });

  it('(c) a tampered code is rejected offline: a damaged character, and a colour changed inside the signed payload', async () => {
    const mine = await apiGet<MyCode>('/me/code', await tokenFor({ phone: '13800000013' }));
    const page = await offlineCheckpoint();

    const mid = Math.floor(mine.code.length / 2);
    const damaged = mine.code.slice(0, mid) + (mine.code[mid] === '0' ? '1' : '0') + mine.code.slice(mid + 1);
    let result = await check(page, damaged);
    expect(await result.getAttribute('data-valid')).toBe('false');
    expect(await result.getAttribute('data-source')).toBe('offline');
    expect(await result.textContent()).toContain('Failed checks');
    await page.locator('.verify-next').click();

    // Re-packed with another colour: every envelope stage passes, only the signature can tell.
    const env = openEnvelope(mine.code);
    if (!env.ok) throw new Error(env.error);
    const sign1 = decodeCoseSign1(env.cose);
    const claims = cborDecode(sign1.payload) as Map<unknown, Map<string, unknown>>;
    const other = mine.status.color === 'green' ? 'red' : 'green';
    claims.get(-70001)!.set('c', other);
    const forged = encodeCoseSign1(sign1.protectedBytes, sign1.unprotectedHeader, cborEncode(claims), sign1.signature);
    result = await check(page, `TSR1:${base45Encode(deflateSync(forged))}`);
    expect(await result.getAttribute('data-valid')).toBe('false');
    expect(await result.getAttribute('data-source')).toBe('offline');
    expect(await result.getAttribute('data-color')).toBe(other);
    expect(await result.textContent()).toMatch(/Failed checks\s*signature/);
    await screenshot(page, 'checkpoint-offline-tampered');
  });

  it('(d) with no trust list on the device, codes are checked online and the screen says so', async () => {
    const mine = await apiGet<MyCode>('/me/code', await tokenFor({ phone: '13800000011' }));
    open = await openPage(browser, PHONE);
    const { page } = open;
    // The list cannot be fetched (as on a device that has never been online with it).
    await page.route('**/api/v1/trust-list**', (route) => route.abort());
    await signIn(page, { kind: 'staff', username: 'verifier' });
    await page.locator('[data-testid=trust-status][data-state=none]').waitFor();
    await page.getByTestId('trust-error').waitFor();
    const result = await check(page, mine.code);
    expect(await result.getAttribute('data-valid')).toBe('true');
    expect(await result.getAttribute('data-source')).toBe('online');
    expect(await page.getByTestId('verify-source').textContent()).toBe(
      'Online by the server (no trust list cached on this device)',
    );
  });
});
