import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, launch, openPage, PHONE, screenshot, signIn, type OpenPage } from './support/browser.ts';
import { apiPost, decodeCanvas, tokenFor } from './support/qr.ts';

interface Verification {
  valid: boolean;
  color: string | null;
  format: string;
}
interface MyCode {
  status: { color: string; summary: { en: string; 'zh-CN': string } };
}

let browser: Browser;
let open: OpenPage | null = null;
let verifier: string;

beforeAll(async () => {
  browser = await launch();
  verifier = await tokenFor({ username: 'verifier' });
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  const errors = open?.errors ?? [];
  await open?.close();
  open = null;
  expect(errors).toEqual([]);
});

describe('resident: my code', () => {
  it('draws a QR that decodes to a TSR1 code the verifier accepts, in my colour, with the explanation', async () => {
    const phone = '13800000007';
    const mine = await apiGet<MyCode>('/me/code', await tokenFor({ phone }));
    open = await openPage(browser, PHONE);
    const { page } = open;
    await signIn(page, { kind: 'resident', phone });
    await page.getByTestId('qr-canvas').waitFor();
    const text = await decodeCanvas(page, '[data-testid=qr-canvas]');
    expect(text).toMatch(/^TSR1:/);
    const v = await apiPost<Verification>('/verify', { code: text }, verifier);
    expect(v.valid).toBe(true);
    expect(v.format).toBe('TSR1');
    const frame = page.locator('.code-frame');
    expect(await frame.getAttribute('data-color')).toBe(v.color);
    expect(v.color).toBe(mine.status.color);
    expect(await page.getByTestId('code-summary').textContent()).toBe(mine.status.summary.en);
    await screenshot(page, 'resident-code');
  });

  it('a symptom check-in turns the code yellow with the reason, what clears it, and the change in my data', async () => {
    const phone = '13800000008';
    open = await openPage(browser, { ...PHONE, locale: 'zh-CN' });
    const { page } = open;
    await signIn(page, { kind: 'resident', phone });
    await page.getByTestId('qr-canvas').waitFor();
    expect(await page.locator('.code-frame').getAttribute('data-color')).toBe('green');

    const form = page.getByTestId('symptom-check-in');
    await form.locator('input[value=fever]').check();
    await form.locator('input[value=cough]').check();
    await form.locator('button[type=submit]').click();
    await page.getByTestId('symptoms-result').waitFor();
    await page.locator('.code-frame[data-color=yellow]').waitFor();

    // The screen says what the server says, in the language of the page.
    const now = await apiGet<MyCode>('/me/code', await tokenFor({ phone }));
    expect(now.status.color).toBe('yellow');
    expect(await page.getByTestId('code-summary').textContent()).toBe(now.status.summary['zh-CN']);
    expect(await page.getByTestId('code-reasons').textContent()).toMatch(/Y\d|规则/);
    expect((await page.getByTestId('code-clears').textContent())?.length).toBeGreaterThan(10);

    // The new QR carries the new colour.
    const text = await decodeCanvas(page, '[data-testid=qr-canvas]');
    const v = await apiPost<Verification>('/verify', { code: text }, verifier);
    expect(v).toMatchObject({ valid: true, color: 'yellow' });

    await page.getByTestId('status-history').waitFor();
    expect(await page.locator('[data-testid=status-history] li[data-color=yellow]').count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('my-facts').textContent()).toContain('症状报告');
    expect(await page.locator('[data-testid=access-log] li').count()).toBeGreaterThanOrEqual(1);
    await page.getByTestId('my-code').scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'resident-code-yellow-zh');
    await page.getByTestId('my-data').scrollIntoViewIfNeeded();
    await screenshot(page, 'resident-my-data-zh');
  });
});
