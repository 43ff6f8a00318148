import { describe, expect, it } from 'vitest';
import { apiGet, screenshot, signIn, type OpenPage, browserSession } from './support/browser.ts';
import { apiPost, tokenFor } from './support/qr.ts';

const session = browserSession();
let open: OpenPage;

describe('health officer: two-person overrides', () => {
  it('the proposer cannot decide their own override; a second officer approves it with a note', async () => {
    const residentToken = await tokenFor({ phone: '13800000014' });
    const resident = await apiGet<{ id: string }>('/auth/me', residentToken);
    // The resident reports symptoms (yellow); the first officer proposes green as a data-entry error.
    await apiPost('/me/symptoms', { symptoms: ['cough'] }, residentToken);
    const override = await apiPost<{ id: string }>(
      '/overrides',
      {
        personId: resident.id,
        target: 'green',
        reasonCode: 'data_entry_error',
        reason: 'Symptom report entered by mistake by a relative',
        expiresAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      },
      await tokenFor({ username: 'health' }),
    );

    open = await session.open();
    let page = open.page;
    await signIn(page, { kind: 'staff', username: 'health' });
    let item = page.locator(`[data-override="${override.id}"]`);
    await item.waitFor();
    await item.getByTestId('override-own').waitFor();
    expect(await item.getByRole('button').count()).toBe(0);
    await open.close();

    open = await session.open();
    page = open.page;
    await signIn(page, { kind: 'staff', username: 'health2' });
    item = page.locator(`[data-override="${override.id}"]`);
    await item.waitFor();
    const approve = item.getByRole('button', { name: 'Approve' });
    expect(await approve.isDisabled()).toBe(true); // a decision needs a note
    await item.getByLabel('Decision note (required)').fill('Checked with the resident by phone');
    await approve.click();
    await item.getByTestId('override-decided').waitFor();
    await screenshot(page, 'health-overrides');
    const code = await apiGet<{ status: { color: string } }>('/me/code', residentToken);
    expect(code.status.color).toBe('green');
  });
});
