import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoCity } from '../../src/core/geo/demo-city.ts';
import { fhirBundle } from '../support/tracing.ts';
import { apiGet, baseUrl, launch, openPage, screenshot, signIn, type OpenPage } from './support/browser.ts';
import { cityTree, gridsOf } from './support/city.ts';
import { apiPost, tokenFor } from './support/qr.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
// Residents no other browser test signs in as: the case and their contact.
const CASE_PHONE = '13800000019';
const CONTACT_PHONE = '13800000020';

let browser: Browser;
let open: OpenPage | null = null;
let health: string;
let settingsBefore: unknown;

interface Exposure {
  id: string;
  personId: string;
  caseId: string;
  state: string;
  factId: string | null;
  place: { nameEn: string } | null;
}
interface CaseItem {
  id: string;
  personId: string;
  gridCode: string;
  contacts: { pending: number; confirmed: number };
}

const fixture = {
  caseId: '',
  caseGrid: '',
  casePerson: '',
  contactPerson: '',
  contactToken: '',
  exposureId: '',
  placeName: '',
};

async function apiPut(path: string, body: unknown, token: string): Promise<void> {
  const res = await fetch(`${baseUrl()}/api/v1${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
}

/** datetime-local value in UTC (the pages below run in UTC). */
const localUtc = (ms: number) => new Date(ms).toISOString().slice(0, 16);

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  browser = await launch();
  health = await tokenFor({ username: 'health' });
  // Hold every exposure for review while this file runs (restored after), so one waits for the officer.
  settingsBefore = await apiGet('/tracing/settings', health);
  await apiPut('/tracing/settings', { mode: 'review_above', threshold: 0 }, health);

  const admin = await tokenFor({ username: 'admin' });
  const caseToken = await tokenFor({ phone: CASE_PHONE });
  fixture.contactToken = await tokenFor({ phone: CONTACT_PHONE });
  fixture.casePerson = (await apiGet<{ id: string }>('/auth/me', caseToken)).id;
  fixture.contactPerson = (await apiGet<{ id: string }>('/auth/me', fixture.contactToken)).id;

  // A venue in the last grid of the first community; both check in there, a second apart. (A scan cannot be older
  // than the poster's code, which is issued now.)
  const { community } = await cityTree();
  const grids = await gridsOf(community.id);
  const grid = grids.at(-1)!;
  const { items: places } = await apiGet<{ items: Array<{ id: string; name: { en: string } }> }>(
    `/grids/${grid.properties.code}/places`,
    admin,
  );
  const place = places.at(-1)!;
  fixture.placeName = place.name.en;
  const poster = await apiGet<{ code: string }>(`/places/${place.id}/code`, admin);
  for (const token of [caseToken, fixture.contactToken]) {
    await new Promise((r) => setTimeout(r, 1100));
    await apiPost(
      '/scans',
      { clientId: randomUUID(), placeCode: poster.code, scannedAt: new Date().toISOString() },
      token,
    );
  }

  // The lab reports the first resident positive: a case opens and the exposure search runs.
  const city = generateDemoCity({ seed: 1, residents: Number(process.env.BROWSER_TEST_RESIDENTS ?? 3000) });
  let nationalId = '';
  for (const g of city.grids)
    for (const h of city.householdsOf(g))
      for (const r of h.residents) if (r.id === fixture.casePerson) nationalId = r.nationalId;
  const res = await fetch(`${baseUrl()}/api/v1/lab-results`, {
    method: 'POST',
    headers: {
      'content-type': 'application/fhir+json',
      authorization: `Bearer ${await tokenFor({ username: 'lab' })}`,
    },
    body: JSON.stringify(
      fhirBundle([
        {
          nationalId,
          specimenId: `BT-${randomUUID().slice(0, 8)}`,
          collectedAt: new Date(Date.now() - HOUR).toISOString(),
          detected: true,
        },
      ]),
    ),
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ accepted: 1, casesOpened: 1 });

  const c = await until('the case', async () => {
    const { items } = await apiGet<{ items: CaseItem[] }>('/cases?purpose=tracing&state=open', health);
    return items.find((x) => x.personId === fixture.casePerson);
  });
  fixture.caseId = c.id;
  fixture.caseGrid = c.gridCode;
  const e = await until('the pending exposure', async () => {
    const { items } = await apiGet<{ items: Exposure[] }>(
      `/exposures?purpose=tracing&caseId=${fixture.caseId}`,
      health,
    );
    return items.find((x) => x.personId === fixture.contactPerson);
  });
  expect(e.state).toBe('pending');
  fixture.exposureId = e.id;
});
afterAll(async () => {
  if (settingsBefore) await apiPut('/tracing/settings', settingsBefore, health);
  await browser?.close();
});
afterEach(async () => {
  const errors = open?.errors ?? [];
  await open?.close();
  open = null;
  expect(errors).toEqual([]);
});

describe('health office desk', () => {
  it('lists the cases in my jurisdiction and opens one: contacts and the transmission graph', async () => {
    open = await openPage(browser, { timezoneId: 'UTC' });
    const page = open.page;
    await signIn(page, { kind: 'staff', username: 'health' });
    await page.getByTestId('screen-health').waitFor();
    await page.getByTestId('health-tab-cases').click();
    const row = page.locator(`[data-case="${fixture.caseId}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain(fixture.caseGrid);
    expect(await row.innerText()).toContain('1 pending');
    expect(await page.getByTestId('health-cases').innerText()).toContain('for: contact tracing');
    await screenshot(page, 'health-cases');

    await row.getByRole('link').click();
    await page.waitForURL(`**/health/cases/${fixture.caseId}`);
    expect(await page.getByTestId('case-state').innerText()).toBe('Open');
    const contact = page.getByTestId('case-contacts').locator(`[data-exposure="${fixture.exposureId}"]`);
    await contact.waitFor();
    expect(await contact.getAttribute('data-state')).toBe('pending');
    expect(await contact.innerText()).toContain(fixture.placeName);

    const graph = page.getByTestId('transmission-graph');
    await graph.waitFor();
    expect(await graph.locator('g[data-node="case"]').count()).toBe(1);
    expect(await graph.locator('g[data-node="close"]').count()).toBeGreaterThanOrEqual(1);
    expect(await graph.locator(`g[data-edge="${fixture.exposureId}"]`).count()).toBe(1);
    const svgText = await graph.locator('svg').textContent();
    expect(svgText).toContain(`Case ${fixture.caseId.slice(0, 8)}`);
    expect(svgText).toContain(`Person ${fixture.contactPerson.slice(0, 8)}`);
    expect(svgText).toContain('close');
    await graph.scrollIntoViewIfNeeded();
    await screenshot(page, 'health-case-graph');
  });

  it('confirms a pending exposure from the review queue: it becomes a fact the contact is told about', async () => {
    open = await openPage(browser, { timezoneId: 'UTC' });
    const page = open.page;
    await signIn(page, { kind: 'staff', username: 'health' });
    await page.getByTestId('health-tab-exposures').click();
    const queue = page.getByTestId('pending-exposures');
    const row = queue.locator(`[data-exposure="${fixture.exposureId}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain(fixture.placeName);
    expect(await row.innerText()).toContain('Close contact');
    const confirm = page.getByRole('button', { name: 'Confirm selected' });
    expect(await confirm.isDisabled()).toBe(true);
    await row.getByRole('checkbox').check();
    await screenshot(page, 'health-exposures');
    await confirm.click();
    expect(await page.getByTestId('exposure-decided').innerText()).toMatch(/1 exposure confirmed/);
    await expect.poll(() => queue.locator(`[data-exposure="${fixture.exposureId}"]`).count()).toBe(0);

    const { items } = await apiGet<{ items: Exposure[] }>(
      `/exposures?purpose=tracing&caseId=${fixture.caseId}`,
      health,
    );
    const e = items.find((x) => x.id === fixture.exposureId)!;
    expect(e.state).toBe('confirmed');
    expect(e.factId).toBeTruthy();
    // The contact is told, with the place and time (the fact counts from the end of the contact window).
    const told = await apiGet<{ items: Array<{ factId: string; place: { id: string } | null }> }>(
      '/me/exposures',
      fixture.contactToken,
    );
    expect(told.items.map((x) => x.factId)).toContain(e.factId);
  });

  it('designates a risk area citing the case, lists it, and lifts it', async () => {
    open = await openPage(browser, { timezoneId: 'UTC' });
    const page = open.page;
    await signIn(page, { kind: 'staff', username: 'health' });
    await page.getByTestId('health-tab-risk-areas').click();
    await page.getByLabel('Grid code (15 digits)').fill(fixture.caseGrid);
    // A past window nobody in this run scanned in, so no other test's resident is affected.
    await page.locator('#hd-from').fill(localUtc(Date.now() - 6 * HOUR));
    await page.locator('#hd-until').fill(localUtc(Date.now() - 5 * HOUR));
    await page.getByRole('checkbox', { name: new RegExp(`Case ${fixture.caseId.slice(0, 8)}`) }).check();
    await page.getByLabel('Reason', { exact: true }).fill('Browser test: cluster around a confirmed case');
    await page.getByRole('button', { name: 'Designate', exact: true }).click();
    await page.getByTestId('risk-designated').waitFor();

    const { items } = await apiGet<{ items: Array<{ id: string; areaId: string; active: boolean }> }>('/risk-areas');
    const area = items.find((a) => a.areaId === fixture.caseGrid && a.active);
    expect(area).toBeDefined();
    const row = page.locator(`[data-risk-area="${area!.id}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('Browser test: cluster around a confirmed case');
    expect(await row.innerText()).toContain('In force');
    expect(await row.innerText()).toContain(fixture.caseId.slice(0, 8));
    await screenshot(page, 'health-risk-areas');

    await row.getByRole('button', { name: 'Lift early' }).click();
    await row.getByLabel('Why it is lifted (at least 5 characters)').fill('Browser test over');
    await row.getByRole('button', { name: 'Lift the designation' }).click();
    await expect.poll(() => page.locator(`[data-risk-area="${area!.id}"]`).count()).toBe(0);
    const all = await apiGet<{ items: Array<{ id: string; revokedAt: string | null }> }>(
      '/risk-areas?includeInactive=true',
    );
    expect(all.items.find((a) => a.id === area!.id)?.revokedAt).toBeTruthy();
  });

  it('shows the published rule sets with their effective dates and rules', async () => {
    open = await openPage(browser, { timezoneId: 'UTC' });
    const page = open.page;
    await signIn(page, { kind: 'staff', username: 'health' });
    await page.getByTestId('health-tab-rules').click();
    const { items } = await apiGet<{ items: Array<{ id: string; version: number; rules: Array<{ id: string }> }> }>(
      '/rulesets',
    );
    for (const s of items) await page.locator(`[data-ruleset="${s.id}@${s.version}"]`).waitFor();
    const view = page.getByTestId('ruleset-view');
    await view.waitFor();
    const shown = await view.locator('[data-rule]').evaluateAll((els) => els.map((e) => e.getAttribute('data-rule')));
    expect(items.some((s) => JSON.stringify(s.rules.map((r) => r.id)) === JSON.stringify(shown))).toBe(true);
    expect(await view.locator('[data-rule="R1"]').innerText()).toMatch(/Red[\s\S]*a PCR test taken/);
    expect(await page.getByTestId('ruleset-versions').innerText()).toContain('In force');
    await screenshot(page, 'health-rules');
  });

  it('decides an appeal: the recorder of the contested fact may not; another officer rejects it with reasons', async () => {
    const mine = await apiGet<{ items: Array<{ factId: string }> }>('/me/exposures', fixture.contactToken);
    const factId = mine.items[0]!.factId;
    const appeal = await apiPost<{ id: string; reviewerId: string | null }>(
      '/me/appeals',
      { subject: 'fact', factId, statement: 'I was at the venue only briefly and wore a mask the whole time.' },
      fixture.contactToken,
    );
    // "health" confirmed the exposure, so recorded the fact: the server refuses them as reviewer, and says why.
    const healthId = (await apiGet<{ id: string }>('/auth/me', health)).id;
    expect(appeal.reviewerId).not.toBe(healthId);
    const refused = await fetch(`${baseUrl()}/api/v1/appeals/${appeal.id}`, {
      headers: { authorization: `Bearer ${health}` },
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/You recorded/);

    open = await openPage(browser, { timezoneId: 'UTC' });
    const page = open.page;
    await signIn(page, { kind: 'staff', username: 'health2' });
    await page.getByTestId('health-tab-appeals').click();
    const item = page.locator(`[data-appeal="${appeal.id}"]`);
    await item.waitFor();
    expect(await item.innerText()).toContain('wore a mask');
    await item.getByRole('button', { name: 'Review' }).click();
    await item.getByTestId('appeal-review').locator(`[data-fact="${factId}"]`).waitFor();
    await item.getByLabel('Reject').check();
    const submit = item.getByRole('button', { name: 'Record the decision' });
    await item.getByLabel(/^Reasons/).fill('Too short');
    expect(await submit.isDisabled()).toBe(true);
    await item
      .getByLabel(/^Reasons/)
      .fill('Both scans overlap for twenty minutes at the same venue; the exposure stands under rule R2.');
    await screenshot(page, 'health-appeal-review');
    await submit.click();
    expect(await item.getByTestId('appeal-decided').innerText()).toMatch(/Rejected/);

    const after = await apiGet<{ items: Array<{ id: string; state: string; reasons: string }> }>(
      '/me/appeals',
      fixture.contactToken,
    );
    expect(after.items.find((a) => a.id === appeal.id)).toMatchObject({ state: 'rejected' });
  });
});
