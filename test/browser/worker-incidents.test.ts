import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, launch, openPage, PHONE, screenshot, signIn, type OpenPage } from './support/browser.ts';
import { cityTree, gridsOf, type Grid } from './support/city.ts';
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
  // Requests that fail while the context is offline are the point of the offline test, not screen errors.
  expect(errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
});

interface Incident {
  id: string;
  stage: string;
  photos: Array<{ n: number; contentType: string }>;
  timeline: Array<{ type: string; reason?: string | null }>;
}
interface Task {
  id: string;
  kind: string;
  campaignId: string | null;
  gridCode: string;
}

/** A real PNG drawn by the browser: what a phone camera hands the file input. */
async function photoPng(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 320;
    c.height = 240;
    const ctx = c.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    ctx.fillStyle = '#3a7d44';
    ctx.fillRect(0, 0, 320, 240);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(100, 80, 120, 80);
    return c.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.split(',')[1] ?? '', 'base64');
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let v = await fn();
  while (!ok(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    v = await fn();
  }
  return v;
}

async function signedInWorker(grid: Grid) {
  open = await openPage(browser, PHONE);
  await signIn(open.page, { kind: 'staff', username: `worker.${grid.properties.code}` });
  await open.page.getByTestId('screen-worker').waitFor();
  return open.page;
}

describe('grid worker: incidents and campaigns', () => {
  it('accepts an incident and reports the result with an on-site photo', async () => {
    const { community } = await cityTree();
    const grids = await gridsOf(community.id);
    const grid = grids[3] ?? grids[0];
    if (!grid) throw new Error('no grid');
    const code = grid.properties.code;
    const officer = await tokenFor({ username: 'city.officer' });
    const resident = await tokenFor({ phone: '13800000004' });
    const me = await apiGet<{ id: string }>('/auth/me', await tokenFor({ username: `worker.${code}` }));
    const { incidentId } = await apiPost<{ incidentId: string }>(
      '/incidents',
      {
        categoryCode: '0102',
        description: 'Mud and broken glass across the lane',
        lat: grid.properties.centroid.lat,
        lng: grid.properties.centroid.lng,
      },
      resident,
    );
    await apiPost(`/incidents/${incidentId}/actions`, { type: 'file' }, officer);
    await apiPost(`/incidents/${incidentId}/actions`, { type: 'dispatch', assigneeId: me.id }, officer);
    const before = await apiGet<Incident>(`/incidents/${incidentId}`, officer);

    const page = await signedInWorker(grid);
    const card = page.locator(`[data-testid=my-incidents] [data-incident="${incidentId}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain('Mud and broken glass across the lane');
    await card.getByRole('button', { name: 'Accept' }).click();
    await page.locator(`[data-incident="${incidentId}"][data-stage="handling"]`).waitFor();
    expect((await apiGet<Incident>(`/incidents/${incidentId}`, officer)).stage).toBe('handling');

    await card.getByRole('button', { name: 'Report the result' }).click();
    const form = card.getByTestId('feedback-form');
    const result = 'Swept the lane and removed the glass; bins placed at the corner';
    await form.locator('textarea[name=result]').fill(result);
    await form
      .locator('input[name=photo]')
      .setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: await photoPng(page) });
    expect(await form.textContent()).toContain('needs a connection');
    await screenshot(page, 'worker-incident-feedback');
    await form.getByRole('button', { name: 'Send the result' }).click();
    // Handled: off my list, waiting for an officer to verify.
    await card.waitFor({ state: 'detached', timeout: 20_000 });
    const after = await apiGet<Incident>(`/incidents/${incidentId}`, officer);
    expect(after.stage).toBe('handled');
    expect(after.timeline.at(-1)).toMatchObject({ type: 'feedback', reason: result });
    expect(after.photos.length).toBe(before.photos.length + 1);
    expect(after.photos.at(-1)?.contentType).toBe('image/jpeg');
  });

  it('returns an incident (回退) while offline: the step waits on the phone and reaches the server when back online', async () => {
    const { community } = await cityTree();
    const grids = await gridsOf(community.id);
    const grid = grids[5] ?? grids[0];
    if (!grid) throw new Error('no grid');
    const code = grid.properties.code;
    const officer = await tokenFor({ username: 'city.officer' });
    const me = await apiGet<{ id: string }>('/auth/me', await tokenFor({ username: `worker.${code}` }));
    const { incidentId } = await apiPost<{ incidentId: string }>(
      '/incidents',
      {
        categoryCode: '0201',
        description: 'Small ads pasted on the lamp posts',
        lat: grid.properties.centroid.lat,
        lng: grid.properties.centroid.lng,
      },
      await tokenFor({ phone: '13800000005' }),
    );
    await apiPost(`/incidents/${incidentId}/actions`, { type: 'file' }, officer);
    await apiPost(`/incidents/${incidentId}/actions`, { type: 'dispatch', assigneeId: me.id }, officer);

    const page = await signedInWorker(grid);
    const card = page.locator(`[data-testid=my-incidents] [data-incident="${incidentId}"]`);
    await card.waitFor();
    await page.context().setOffline(true);
    await card.getByRole('button', { name: 'Return (回退)' }).click();
    const why = 'The posts belong to the next grid along the road';
    await card.getByTestId('return-form').locator('textarea[name=reason]').fill(why);
    await card.getByTestId('return-form').getByRole('button', { name: 'Return (回退)' }).click();
    await card.getByTestId('incident-queued').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('tessera.worker.queue'))).toContain(incidentId);
    expect((await apiGet<Incident>(`/incidents/${incidentId}`, officer)).stage).toBe('dispatched');

    await page.context().setOffline(false);
    const after = await until(
      () => apiGet<Incident>(`/incidents/${incidentId}`, officer),
      (i) => i.stage !== 'dispatched',
    );
    expect(after.stage).toBe('returned');
    expect(after.timeline.at(-1)).toMatchObject({ type: 'return', reason: why });
    await card.waitFor({ state: 'detached', timeout: 20_000 });
  });

  it('shows campaign coverage and unreached households for my grid, as the campaign API counts them', async () => {
    const { community } = await cityTree();
    const grids = await gridsOf(community.id);
    const grid = grids[4] ?? grids[0];
    if (!grid) throw new Error('no grid');
    const code = grid.properties.code;
    const officer = await tokenFor({ username: 'city.officer' });
    const worker = await tokenFor({ username: `worker.${code}` });
    const campaign = await apiPost<{ id: string }>(
      '/campaigns',
      {
        name: 'Household check before the holiday',
        jurisdictionId: community.id,
        dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
      officer,
    );
    const { items } = await apiGet<{ items: Task[] }>('/me/tasks?kind=campaign_visit&limit=500', worker);
    const visits = items.filter((t) => t.campaignId === campaign.id && t.gridCode === code);
    expect(visits.length).toBeGreaterThan(2);
    // One household reached, one where nobody was home (it stays unreached), the rest not visited yet.
    await apiPost(`/tasks/${visits[0]?.id}/complete`, { result: { outcome: 'reached' } }, worker);
    await apiPost(`/tasks/${visits[1]?.id}/complete`, { result: { outcome: 'nobody_home' } }, worker);
    const coverage = await apiGet<{
      byGrid: Array<{ gridCode: string; coverage: { households: number; reached: number; unreached: number } }>;
    }>(`/campaigns/${campaign.id}/coverage`, officer);
    const mine = coverage.byGrid.find((g) => g.gridCode === code)?.coverage;
    if (!mine) throw new Error(`no coverage for grid ${code}`);
    expect(mine.reached).toBe(1);

    const page = await signedInWorker(grid);
    const block = page.locator(`[data-testid=campaign-progress] [data-campaign="${campaign.id}"][data-grid="${code}"]`);
    await block.waitFor();
    expect(await block.getByTestId('reached').textContent()).toBe(`${mine.reached} of ${mine.households}`);
    expect(await block.getByTestId('unreached').textContent()).toBe(String(mine.unreached));
    expect(await block.getByTestId('coverage').textContent()).toBe(
      `${Math.round((100 * mine.reached) / mine.households)}%`,
    );
    await block.locator('summary').click();
    expect(await block.locator('.unreached-list').textContent()).toContain('nobody home once');
    await block.scrollIntoViewIfNeeded();
    await screenshot(page, 'worker-campaign');
  });
});
