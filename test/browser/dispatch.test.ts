import { describe, expect, it } from 'vitest';
import { apiGet, screenshot, signIn, type OpenPage, browserSession } from './support/browser.ts';
import { cityTree, gridsOf, type Grid } from './support/city.ts';
import { waitForMap } from './support/map.ts';
import { apiPost, tokenFor } from './support/qr.ts';

const session = browserSession();
let open: OpenPage;

interface Incident {
  id: string;
  stage: string;
  assigneeId: string | null;
  timeline: Array<{ type: string; reason?: string | null }>;
}

const report = (resident: string, grid: Grid, categoryCode: string, description: string) =>
  apiPost<{ incidentId: string }>(
    // Other test files report at grid centroids too: a duplicate of theirs is not what this test is about.
    '/incidents?allowDuplicate=true',
    { categoryCode, description, lat: grid.properties.centroid.lat, lng: grid.properties.centroid.lng },
    resident,
  ).then((r) => r.incidentId);

describe('command center: dispatch', () => {
  it('assigns an incident to a grid worker, escalates and parks another, and lists a new report live', async () => {
    const { city, community } = await cityTree();
    const grids = await gridsOf(community.id);
    const [g1, g2, g3] = [grids[0], grids[1] ?? grids[0], grids[2] ?? grids[0]];
    if (!g1 || !g2 || !g3) throw new Error('no grids');
    const resident = await tokenFor({ phone: '13800000002' });
    const officer = await tokenFor({ username: 'city.officer' });
    const me1 = await apiGet<{ id: string }>('/auth/me', await tokenFor({ username: `worker.${g1.properties.code}` }));
    const grid1 = await apiGet<{ properties: { workers: Array<{ id: string; displayName: string }> } }>(
      `/grids/${g1.properties.code}`,
    );
    const worker1 = grid1.properties.workers.find((w) => w.id === me1.id);
    if (!worker1) throw new Error(`worker.${g1.properties.code} is not listed on grid ${g1.properties.code}`);
    const worker2 = await apiGet<{ id: string }>(
      '/auth/me',
      await tokenFor({ username: `worker.${g2.properties.code}` }),
    );

    // Not 0101: the resident-report test files the first category of the tree near a home in this grid.
    const toAssign = await report(resident, g1, '0104', 'Garbage bags left by the bus stop for weeks');
    const toEscalate = await report(resident, g2, '0103', 'A shed built on the pavement');
    // The second one is already with its grid's worker: filed and dispatched through the API.
    await apiPost(`/incidents/${toEscalate}/actions`, { type: 'file' }, officer);
    await apiPost(`/incidents/${toEscalate}/actions`, { type: 'dispatch', assigneeId: worker2.id }, officer);

    open = await session.open();
    const { page } = open;
    await signIn(page, { kind: 'staff', username: 'city.officer' });
    await waitForMap(page, city.id);
    await page.goto(`/command/${community.id}`);
    await waitForMap(page, community.id);
    const panel = page.getByTestId('dispatch-panel');
    const rowA = panel.locator(`[data-incident="${toAssign}"]`);
    const rowB = panel.locator(`[data-incident="${toEscalate}"]`);
    await rowA.waitFor();
    await rowB.waitFor();
    expect(await rowA.getAttribute('data-stage')).toBe('collected');
    expect(await rowA.getByTestId('dispatch-holder').textContent()).toBe('not assigned');

    // Assign: pick the grid's worker; the report is filed and dispatched to them.
    await rowA.getByRole('button', { name: 'Assign' }).click();
    const form = rowA.getByTestId('assign-form');
    await form.locator(`select[name=worker] option[value="${worker1.id}"]`).waitFor({ state: 'attached' });
    await form.locator('select[name=worker]').selectOption(worker1.id);
    await form.getByRole('button', { name: 'Assign' }).click();
    await panel.getByTestId('dispatch-done').waitFor();
    await panel.locator(`[data-incident="${toAssign}"][data-stage="dispatched"]`).waitFor();
    const assigned = await apiGet<Incident>(`/incidents/${toAssign}`, officer);
    expect(assigned.stage).toBe('dispatched');
    expect(assigned.assigneeId).toBe(worker1.id);
    expect(await rowA.getByTestId('dispatch-holder').textContent()).toBe(`with ${worker1.displayName}`);

    // The worker asks for more time (延期); the officer reads the request in the details and approves it.
    const worker1Token = await tokenFor({ username: `worker.${g1.properties.code}` });
    const askedWhy = 'The bags are on private land: waiting for the owner';
    await apiPost(
      `/incidents/${toAssign}/actions`,
      { type: 'request_extension', extension: { amount: 2, unit: 'hours' }, reason: askedWhy },
      worker1Token,
    );
    await rowA.getByRole('button', { name: 'Details' }).click();
    const request = rowA.getByTestId('extension-request');
    await request.waitFor();
    expect(await request.textContent()).toContain(askedWhy);
    await request.getByRole('button', { name: 'Approve more time' }).click();
    await request.waitFor({ state: 'detached' });
    const extended = await apiGet<Incident & { pendingExtension: unknown }>(`/incidents/${toAssign}`, officer);
    expect(extended.pendingExtension).toBeNull();
    expect(extended.timeline.at(-1)).toMatchObject({ type: 'approve_extension' });
    expect(await rowA.getByTestId('incident-details').textContent()).toContain('More time approved');

    // Escalate (督办): the next level up supervises, with the reason on the record; the time limit keeps running.
    const dueBefore = (await apiGet<Incident & { dueAt: string }>(`/incidents/${toEscalate}`, officer)).dueAt;
    await rowB.getByRole('button', { name: 'Escalate' }).click();
    const why = 'Needs the district enforcement team; the grid cannot remove a structure';
    await rowB.getByTestId('escalate-form').locator('textarea[name=reason]').fill(why);
    await rowB.getByTestId('escalate-form').getByRole('button', { name: 'Escalate' }).click();
    const subdistrictCode = community.id.slice(0, 9);
    await panel.getByText(`Escalated to ${subdistrictCode} for supervision (level 1)`, { exact: false }).waitFor();
    const escalated = await apiGet<
      Incident & { dueAt: string; escalation: { level: number; jurisdictionPath: string } }
    >(`/incidents/${toEscalate}`, officer);
    expect(escalated.stage).toBe('dispatched');
    expect(escalated.dueAt).toBe(dueBefore);
    expect(escalated.escalation.level).toBe(1);
    expect(escalated.escalation.jurisdictionPath.endsWith(subdistrictCode)).toBe(true);
    expect(escalated.timeline.at(-1)).toMatchObject({ type: 'escalate', reason: why });
    // The escalated view lists it, tagged with its level; the other report is not escalated.
    await panel.getByTestId('dispatch-filter-escalated').click();
    await panel.locator(`[data-incident="${toEscalate}"] .tag-escalated:text-is("escalated, level 1")`).waitFor();
    expect(await panel.locator(`[data-incident="${toAssign}"]`).count()).toBe(0);
    await panel.getByTestId('dispatch-filter-open').click();
    await rowA.waitFor();

    // Park (挂账): a written explanation puts it on the problem ledger; its clock stops.
    await rowB.getByRole('button', { name: 'Park' }).click();
    const parkWhy = 'Structure removal is scheduled with the spring works';
    await rowB.getByTestId('park-form').locator('textarea[name=reason]').fill(parkWhy);
    await rowB.getByTestId('park-form').getByRole('button', { name: 'Park' }).click();
    await panel.getByText('Parked on the problem ledger.').waitFor();
    const parked = await apiGet<Incident>(`/incidents/${toEscalate}`, officer);
    expect(parked.stage).toBe('parked');
    expect(parked.timeline.at(-1)).toMatchObject({ type: 'park', reason: parkWhy });
    await screenshot(page, 'command-dispatch');

    // A resident reports a new incident: it appears in the list through the live feed, without a reload.
    await page.locator('[data-testid=live-feed][data-connected=true]').waitFor();
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    const openBefore = Number(await page.getByTestId('kpi-incidents').textContent());
    expect(openBefore).toBeGreaterThanOrEqual(2);
    const fresh = await report(resident, g3, '0601', 'Loud music every night after midnight');
    await panel.locator(`[data-incident="${fresh}"][data-stage="collected"]`).waitFor({ timeout: 20_000 });
    // The headline count of open incidents (GET /stats/areas) follows too.
    await page.locator(`[data-testid=kpi-incidents]:text-is("${openBefore + 1}")`).waitFor();
    expect(navigations).toEqual([]);
  });
});
