import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiGet, screenshot, type OpenPage, browserSession } from './support/browser.ts';

interface Report {
  statuses: { current: Array<{ jurisdictionId: string; color: string; count: number | null }> };
  overrides: Record<'approved' | 'rejected' | 'pending', { count: number | null }>;
  appeals: Record<'filed', { count: number | null }>;
  emergencies: Array<{ id: string; title: string }>;
  audit: { entries: number };
}

const session = browserSession();
let open: OpenPage;

/** The number a bar segment carries, as drawn. */
const segmentValue = (page: Page, chart: string, row: string, segment: string) =>
  page.locator(`[data-testid="${chart}"] [data-row="${row}"] [data-segment="${segment}"]`).getAttribute('data-value');

describe('public transparency report', () => {
  it('opens without signing in, from the sign-in page, and draws the published counts', async () => {
    open = await session.open();
    const { page } = open;
    await page.goto('/');
    // Compare with the report the page itself received: other test files change statuses while this one runs.
    const received = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/transparency');
    await page.getByTestId('transparency-link').click();
    await page.getByTestId('screen-transparency').waitFor();
    expect(new URL(page.url()).pathname).toBe('/transparency');
    await page.getByTestId('chart-status-district').waitFor();
    const report = (await (await received).json()) as Report;
    expect(new URL((await received).url()).searchParams.get('days')).toBe('90');
    const districts = [...new Set(report.statuses.current.map((c) => c.jurisdictionId))];
    expect(districts.length).toBeGreaterThan(0);
    for (const d of districts)
      for (const color of ['green', 'yellow', 'red']) {
        const c = report.statuses.current.find((x) => x.jurisdictionId === d && x.color === color);
        expect(await segmentValue(page, 'chart-status-district', d, color)).toBe(
          c?.count === null ? 'withheld' : String(c?.count ?? 0),
        );
      }
    // Districts are named, not numbered.
    const first = districts[0] as string;
    const name = (await apiGet<{ properties: { name: { en: string } } }>(`/jurisdictions/${first}`)).properties.name.en;
    expect(await page.getByTestId('chart-status-district').textContent()).toContain(name);
    for (const k of ['approved', 'rejected', 'pending'] as const) {
      const v = report.overrides[k].count;
      expect(await segmentValue(page, 'chart-overrides', k, k)).toBe(v === null ? 'withheld' : String(v));
    }
    const filed = report.appeals.filed.count;
    expect(await segmentValue(page, 'chart-appeals', 'filed', 'filed')).toBe(
      filed === null ? 'withheld' : String(filed),
    );
    expect(await page.getByTestId('tr-emergencies').textContent()).toContain(report.emergencies[0]?.title ?? '');
    expect(await page.getByTestId('suppression-note').textContent()).toContain('withheld');
    // Nobody is signed in: no account menu, no sign-out.
    expect(await page.getByTestId('who').count()).toBe(0);
    await screenshot(page, 'transparency');
  });

  it('reads in Chinese', async () => {
    open = await session.open({ locale: 'zh-CN' });
    const { page } = open;
    const received = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/transparency');
    await page.goto('/transparency');
    await page.getByTestId('chart-status-district').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('透明度报告');
    expect(await page.getByTestId('chart-status-district').textContent()).toContain('绿码');
    const report = (await (await received).json()) as Report;
    const green = report.statuses.current.find((c) => c.color === 'green');
    expect(await segmentValue(page, 'chart-status-district', green?.jurisdictionId ?? '', 'green')).toBe(
      green?.count === null ? 'withheld' : String(green?.count),
    );
    expect(await page.title()).toContain('透明度报告');
    await screenshot(page, 'transparency-zh');
  });
});
