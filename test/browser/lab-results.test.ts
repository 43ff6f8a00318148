import { describe, expect, it } from 'vitest';
import { generateDemoCity } from '../../src/core/geo/demo-city.ts';
import { fhirBundle } from '../support/tracing.ts';
import { apiGet, screenshot, signIn, type OpenPage, browserSession } from './support/browser.ts';
import { tokenFor } from './support/qr.ts';

const session = browserSession();
let open: OpenPage;

/** National IDs of residents of the seeded city (the database keeps only a keyed hash): the last households. */
function someNationalIds(n: number): string[] {
  const city = generateDemoCity({ seed: 1, residents: Number(process.env.BROWSER_TEST_RESIDENTS ?? 3000) });
  const out: string[] = [];
  for (const g of [...city.grids].reverse()) {
    for (const h of city.householdsOf(g)) for (const r of h.residents) out.push(r.nationalId);
    if (out.length >= n) break;
  }
  return out.slice(0, n);
}

describe('laboratory: results upload', () => {
  it('uploads a CSV file and a FHIR bundle through the file input and shows the per-record report', async () => {
    // Negative results only: they change nobody's status, so other screens' expectations stay as they are.
    const [a, b] = someNationalIds(2) as [string, string];
    const stamp = Date.now().toString(36).toUpperCase();
    const collected = new Date(Date.now() - 6 * 3600_000).toISOString();
    const csv = [
      'national_id,specimen_id,collected_at,result',
      `${a},CSV-${stamp}-1,${collected},not_detected`,
      `${b},CSV-${stamp}-2,${collected},maybe`,
      `,CSV-${stamp}-3,${collected},not_detected`,
    ].join('\n');

    open = await session.open();
    const page = open.page;
    await signIn(page, { kind: 'staff', username: 'lab' });
    await page.getByTestId('screen-lab').waitFor();

    await page.getByLabel('Results file (FHIR JSON or CSV)').setInputFiles({
      name: 'results.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.getByRole('button', { name: 'Upload and record' }).click();
    const report = page.getByTestId('lab-report');
    await report.waitFor();
    await expect.poll(() => report.locator('[data-ref="line 2"]').getAttribute('data-status')).toBe('accepted');
    expect(await report.locator('[data-ref="line 3"]').getAttribute('data-status')).toBe('rejected');
    expect(await report.locator('[data-ref="line 3"]').innerText()).toMatch(/result/);
    expect(await report.locator('[data-ref="line 4"]').innerText()).toMatch(/missing identifier/);
    expect(await report.locator('[data-count="accepted"]').innerText()).toBe('1 accepted');
    expect(await report.locator('[data-count="rejected"]').innerText()).toBe('2 rejected');
    // The accepted record is among the recent results (specimen only, never the person).
    const recent = page.getByTestId('lab-recent');
    await recent.locator(`[data-specimen="CSV-${stamp}-1"]`).waitFor();
    expect(await recent.innerText()).not.toContain(a);
    await screenshot(page, 'lab-report-csv');

    // A FHIR bundle: one new result, and the CSV's accepted specimen again (a duplicate, not recorded twice).
    const bundle = fhirBundle([
      { nationalId: b, specimenId: `FHIR-${stamp}`, collectedAt: collected, detected: false },
      { nationalId: a, specimenId: `CSV-${stamp}-1`, collectedAt: collected, detected: false },
    ]);
    await page.getByLabel('Results file (FHIR JSON or CSV)').setInputFiles({
      name: 'bundle.json',
      mimeType: 'application/fhir+json',
      buffer: Buffer.from(JSON.stringify(bundle)),
    });
    await page.getByRole('button', { name: 'Upload and record' }).click();
    await expect.poll(() => report.locator('[data-ref="entry[2]"]').getAttribute('data-status')).toBe('accepted');
    expect(await report.locator('[data-ref="entry[5]"]').getAttribute('data-status')).toBe('duplicate');
    expect(await report.innerText()).toContain('bundle.json (FHIR R4 JSON)');
    await recent.locator(`[data-specimen="FHIR-${stamp}"]`).waitFor();
    await screenshot(page, 'lab-report-fhir');

    const mine = await apiGet<{ items: Array<{ specimenId: string }> }>(
      '/lab-results',
      await tokenFor({ username: 'lab' }),
    );
    const specimens = mine.items.map((i) => i.specimenId);
    expect(specimens).toContain(`FHIR-${stamp}`);
    expect(specimens.filter((s) => s === `CSV-${stamp}-1`)).toHaveLength(1);
  });
});
