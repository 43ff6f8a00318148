import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, launch, openPage, PHONE, screenshot, signIn, type OpenPage } from './support/browser.ts';
import { cityTree, gridsOf } from './support/city.ts';
import { apiPost, tokenFor } from './support/qr.ts';

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
  // Requests that fail while the context is offline are the point of the test, not screen errors.
  expect(errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
});

interface Task {
  id: string;
  status: string;
  result: Record<string, unknown> | null;
}

describe('grid worker: tasks', () => {
  it('completes a household visit offline; it is queued on the phone and synced when back online', async () => {
    const { community } = await cityTree();
    const grids = await gridsOf(community.id);
    const grid = grids[1] ?? grids[0];
    if (!grid) throw new Error('no grid');
    const code = grid.properties.code;
    const officer = await tokenFor({ username: 'city.officer' });
    const workerToken = await tokenFor({ username: `worker.${code}` });
    const me = await apiGet<{ id: string }>('/auth/me', workerToken);
    const { items: households } = await apiGet<{ items: Array<{ id: string }> }>(
      `/grids/${code}/households?purpose=follow_up`,
      officer,
    );
    const household = households[0];
    if (!household) throw new Error(`no household in grid ${code}`);
    const task = await apiPost<Task>(
      '/tasks',
      {
        kind: 'household_visit',
        subject: { kind: 'household', id: household.id },
        gridCode: code,
        assigneeId: me.id,
        dueAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
      officer,
    );

    open = await openPage(browser, PHONE);
    const { page } = open;
    await signIn(page, { kind: 'staff', username: `worker.${code}` });
    const card = page.locator(`[data-task="${task.id}"]`);
    await card.waitFor();
    await screenshot(page, 'worker-tasks');

    await page.context().setOffline(true);
    await card.getByRole('button', { name: 'Fill in the result' }).click();
    await card.locator('select[name=outcome]').selectOption('reached');
    await card.locator('textarea[name=note]').fill('Spoke with the family at the door');
    await card.locator('button[type=submit]').click();
    await page.getByTestId('queue-note').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('tessera.worker.queue'))).toContain(task.id);
    const stillOpen = await apiGet<Task>(`/tasks/${task.id}`, officer);
    expect(stillOpen.status).not.toBe('completed');
    await screenshot(page, 'worker-offline-queue');

    await page.context().setOffline(false);
    await page.getByTestId('queue-note').waitFor({ state: 'detached', timeout: 20_000 });
    const done = await apiGet<Task>(`/tasks/${task.id}`, officer);
    expect(done.status).toBe('completed');
    expect(done.result).toMatchObject({ outcome: 'reached' });
    await card.waitFor({ state: 'detached' });
  });
});
