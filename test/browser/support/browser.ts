import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { ARTIFACTS } from './paths.ts';

export const PASSWORD = 'tessera-demo';
export const baseUrl = (): string => inject('baseUrl');

export function launch(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

export const DESKTOP = { viewport: { width: 1600, height: 900 } } satisfies BrowserContextOptions;
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
} satisfies BrowserContextOptions;

export interface OpenPage {
  page: Page;
  /** Uncaught errors and console errors seen so far: a screen that throws is a failing screen. */
  errors: string[];
  close(): Promise<void>;
}

export async function openPage(
  browser: Browser,
  opts: BrowserContextOptions & { locale?: string } = {},
): Promise<OpenPage> {
  const context = await browser.newContext({ ...DESKTOP, locale: 'en-US', baseURL: baseUrl(), ...opts });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Chromium's software GL reports ReadPixels stalls as warnings; only errors count.
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return { page, errors, close: () => context.close() };
}

/**
 * One browser per test file and fresh pages per test: registers the file's hooks, closes the test's pages after it,
 * and fails the test if any of them logged an uncaught or console error.
 */
export function browserSession() {
  let browser: Browser | null = null;
  let pages: OpenPage[] = [];
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    const errors = pages.flatMap((p) => p.errors);
    for (const p of pages) await p.close();
    pages = [];
    expect(errors).toEqual([]);
  });
  return {
    async open(opts: BrowserContextOptions & { locale?: string } = {}): Promise<OpenPage> {
      if (!browser) throw new Error('browserSession().open() runs inside a test, after the browser has launched');
      const page = await openPage(browser, opts);
      pages.push(page);
      return page;
    },
  };
}

export type Account = { kind: 'staff'; username: string } | { kind: 'resident'; phone: string };

/** Signs in through the form, the way a person does. */
export async function signIn(page: Page, account: Account, password = PASSWORD): Promise<void> {
  if (!page.url().startsWith(baseUrl())) await page.goto('/');
  await page.getByTestId(`sign-in-tab-${account.kind}`).click();
  await page
    .locator(account.kind === 'staff' ? 'input[name=username]' : 'input[name=phone]')
    .fill(account.kind === 'staff' ? account.username : account.phone);
  await page.locator('input[name=password]').fill(password);
  await page.locator('form button[type=submit]').click();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

/** Reads JSON from the API as a signed-in staff member, to compute what the screen must show. */
export async function apiGet<T>(pathAndQuery: string, token?: string): Promise<T> {
  const res = await fetch(`${baseUrl()}/api/v1${pathAndQuery}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!res.ok) throw new Error(`GET ${pathAndQuery}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function apiAll<F>(pathAndQuery: string): Promise<F[]> {
  const out: F[] = [];
  let cursor: string | null = null;
  do {
    const sep = pathAndQuery.includes('?') ? '&' : '?';
    const page: { features: F[]; nextCursor: string | null } = await apiGet(
      `${pathAndQuery}${sep}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    out.push(...page.features);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Polls `fn` until `ok` holds or `ms` pass, and returns the last value (the caller's assertion says what failed). */
export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let v = await fn();
  while (!ok(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    v = await fn();
  }
  return v;
}
