import { describe, expect, it } from 'vitest';
import { apiGet, PHONE, screenshot, signIn, type OpenPage, browserSession } from './support/browser.ts';
import { apiPost, tokenFor } from './support/qr.ts';

/**
 * A resident contests a yellow status from "my data"; a health officer rejects it with reasons; the resident then
 * contests the self-reported fact behind it, the officer upholds that, the fact is withdrawn and the code turns
 * green — each step seen on the resident's screen.
 */

interface Appeal {
  id: string;
  subject: string;
  state: string;
  reviewerId: string | null;
  deadlineAt: string;
  contestedFactIds: string[];
}

const session = browserSession();
let open: OpenPage;

describe('resident: appeals', () => {
  it('file an appeal against my status and against a fact, see them listed, then see the decisions', async () => {
    const phone = '13800000018';
    const token = await tokenFor({ phone });
    const health = await tokenFor({ username: 'health' });
    await apiPost('/me/symptoms', { symptoms: ['fever', 'cough'] }, token);
    const code = await apiGet<{ status: { color: string } }>('/me/code', token);
    expect(code.status.color).toBe('yellow');

    open = await session.open(PHONE);
    const { page } = open;
    await signIn(page, { kind: 'resident', phone });
    await page.locator('.code-frame[data-color=yellow]').waitFor();
    const form = page.getByTestId('appeal-form');
    await form.waitFor();
    // A yellow status: the status is what is contested by default.
    expect(await form.locator('input[value=status]').isChecked()).toBe(true);
    const statement = 'I was not ill: the fever was from a vaccination the day before.';
    await form.locator('textarea[name=statement]').fill(statement);
    await form.locator('button[type=submit]').click();
    await page.getByTestId('appeal-filed').waitFor();

    const filed = await apiGet<{ items: Appeal[] }>('/me/appeals', token);
    const first = filed.items.find((a) => a.subject === 'status' && a.state === 'open')!;
    expect(first).toBeDefined();
    expect(first.contestedFactIds.length).toBeGreaterThan(0);
    const row = page.locator(`[data-testid=my-appeal][data-id="${first.id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('open');
    expect(await row.textContent()).toContain(statement);
    expect(await row.textContent()).toContain('Under review');
    expect(await row.getByTestId('appeal-reviewer').textContent()).toEqual(
      first.reviewerId ? expect.stringContaining('assigned') : 'Waiting for a reviewer',
    );
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'resident-appeal-filed');

    // The officer rejects it with reasons; the resident sees the outcome after a reload.
    const reasons = 'Fever and cough were self-reported the same day; the rule applies as published.';
    await apiPost(`/appeals/${first.id}/decision`, { decision: 'reject', reasons }, health);
    await page.reload();
    const rejected = page.locator(`[data-testid=my-appeal][data-id="${first.id}"][data-state=rejected]`);
    await rejected.waitFor();
    expect(await rejected.getByTestId('appeal-reasons').textContent()).toBe(reasons);
    expect(await rejected.textContent()).toContain('Rejected');

    // Now the fact itself, picked with "Appeal this" next to it in my data.
    const factId = first.contestedFactIds[0]!;
    await page.getByTestId('appeal-fact').first().click();
    expect(await form.locator('input[value=fact]').isChecked()).toBe(true);
    await form.locator('select[name=factId]').selectOption(factId);
    await form.locator('textarea[name=statement]').fill('This symptom report was entered by my child on my phone.');
    await form.locator('button[type=submit]').click();
    await page.getByTestId('appeal-filed').waitFor();
    const again = await apiGet<{ items: Appeal[] }>('/me/appeals', token);
    const second = again.items.find((a) => a.subject === 'fact' && a.state === 'open')!;
    expect(second.contestedFactIds).toEqual([factId]);
    await page.locator(`[data-testid=my-appeal][data-id="${second.id}"][data-state=open]`).waitFor();

    await apiPost(
      `/appeals/${second.id}/decision`,
      { decision: 'uphold', reasons: 'The report was entered by mistake; the fact is withdrawn.' },
      health,
    );
    const now = await apiGet<{ status: { color: string } }>('/me/code', token);
    await page.reload();
    const upheld = page.locator(`[data-testid=my-appeal][data-id="${second.id}"][data-state=upheld]`);
    await upheld.waitFor();
    expect(await upheld.textContent()).toContain('Upheld');
    // The code on screen follows the recomputed status.
    await page.locator(`.code-frame[data-color=${now.status.color}]`).waitFor();
    await upheld.scrollIntoViewIfNeeded();
    await screenshot(page, 'resident-appeal-decided');
  });
});
