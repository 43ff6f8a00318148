import { describe, expect, it } from 'vitest';
import { apiGet, PHONE, screenshot, signIn, type OpenPage, browserSession } from './support/browser.ts';
import { tokenFor } from './support/qr.ts';

const session = browserSession();
let open: OpenPage;

async function checkAtTheDoor(code: string) {
  open = await session.open(PHONE);
  const { page } = open;
  await signIn(page, { kind: 'staff', username: 'verifier' });
  const form = page.getByTestId('manual-entry');
  await form.locator('textarea').fill(code);
  await form.locator('button[type=submit]').click();
  const result = page.getByTestId('verify-result');
  await result.waitFor();
  return { page, result };
}

describe('checkpoint verifier', () => {
  it('a valid resident code fills the screen with its colour, issuer and expiry — and no identity', async () => {
    const code = await apiGet<{ code: string; issuer: string; status: { color: string } }>(
      '/me/code',
      await tokenFor({ phone: '13800000009' }),
    );
    const { page, result } = await checkAtTheDoor(code.code);
    expect(await result.getAttribute('data-valid')).toBe('true');
    expect(await result.getAttribute('data-color')).toBe(code.status.color);
    const text = (await result.textContent()) ?? '';
    expect(text).toContain(code.issuer);
    expect(text).not.toContain('13800000009');
    const box = await result.boundingBox();
    expect(box?.width).toBe(390);
    expect(box?.height).toBe(844);
    await screenshot(page, 'checkpoint-valid');
    await page.getByRole('button').last().click();
    await page.getByTestId('manual-entry').waitFor();
  });

  it('a damaged code is shown as not valid, with the failed check named', async () => {
    const { code } = await apiGet<{ code: string }>('/me/code', await tokenFor({ phone: '13800000010' }));
    // Change one base45 character near the end of the code.
    const last = code.at(-2) === '0' ? '1' : '0';
    const tampered = `${code.slice(0, -2)}${last}${code.at(-1)}`;
    const { page, result } = await checkAtTheDoor(tampered);
    expect(await result.getAttribute('data-valid')).toBe('false');
    expect(await result.textContent()).toContain('Failed checks');
    await screenshot(page, 'checkpoint-invalid');
  });
});
