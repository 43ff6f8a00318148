import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launch, openPage, screenshot, signIn, type OpenPage } from './support/browser.ts';
import { REPO } from './support/paths.ts';

type Tree = { [k: string]: string | Tree };
const I18N = path.join(REPO, 'web', 'src', 'i18n');
/** The base catalogue plus every part (web/src/i18n/parts/<part>.<lang>.json), as the app merges them. */
const load = (lang: string): Tree => {
  const read = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Tree;
  const parts = readdirSync(path.join(I18N, 'parts'))
    .filter((f) => f.endsWith(`.${lang}.json`))
    .map((f) => read(path.join(I18N, 'parts', f)));
  return Object.assign(read(path.join(I18N, `${lang}.json`)), ...parts) as Tree;
};

/** Leaf keys with plural suffixes folded (English has _one/_other, Chinese only _other). */
function keys(t: Tree, prefix = ''): string[] {
  return Object.entries(t).flatMap(([k, v]) =>
    typeof v === 'string'
      ? [`${prefix}${k.replace(/_(zero|one|two|few|many|other)$/, '')}`]
      : keys(v, `${prefix}${k}.`),
  );
}
/** A string as the app's own catalogue has it, so the test follows wording changes but not a broken switch. */
function tr(lang: 'en' | 'zh-CN', key: string): string {
  const v = key
    .split('.')
    .reduce<string | Tree | undefined>((t, k) => (typeof t === 'object' ? t[k] : undefined), load(lang));
  if (typeof v !== 'string') throw new Error(`no string ${key} in ${lang}`);
  return v;
}
function values(t: Tree): string[] {
  return Object.values(t).flatMap((v) => (typeof v === 'string' ? [v] : values(v)));
}

describe('translations', () => {
  it('zh-CN and en define the same strings, none empty', () => {
    const en = load('en');
    const zh = load('zh-CN');
    expect([...new Set(keys(zh))].sort()).toEqual([...new Set(keys(en))].sort());
    expect(values(en).filter((s) => s.trim() === '')).toEqual([]);
    expect(values(zh).filter((s) => s.trim() === '')).toEqual([]);
  });
});

describe('language switch in the browser', () => {
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
    expect(errors).toEqual([]);
  });

  it('the strings checked below differ between the languages', () => {
    for (const k of ['signIn.title', 'signIn.tab.resident', 'areas.health.title', 'common.signOut'])
      expect(tr('zh-CN', k)).not.toBe(tr('en', k));
  });

  it('defaults to the browser language, switches, and remembers the choice', async () => {
    open = await openPage(browser, { locale: 'zh-CN' });
    const { page } = open;
    await page.goto('/');
    await expect(page.locator('h1').textContent()).resolves.toBe(tr('zh-CN', 'signIn.title'));
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
    await expect(page.getByTestId('sign-in-tab-resident').textContent()).resolves.toBe(
      tr('zh-CN', 'signIn.tab.resident'),
    );
    await screenshot(page, 'sign-in-zh');

    await page.getByTestId('language-switch').selectOption('en');
    await expect(page.locator('h1').textContent()).resolves.toBe(tr('en', 'signIn.title'));
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await expect(page.getByTestId('sign-in-tab-resident').textContent()).resolves.toBe(tr('en', 'signIn.tab.resident'));
    await screenshot(page, 'sign-in-en');

    await page.reload();
    await expect(page.locator('h1').textContent()).resolves.toBe(tr('en', 'signIn.title'));
  });

  it('an English browser gets English, and the switch translates a signed-in screen', async () => {
    open = await openPage(browser, { locale: 'en-GB' });
    const { page } = open;
    await signIn(page, { kind: 'staff', username: 'health' });
    await page.getByTestId('screen-health').waitFor();
    await expect(page.locator('h1').textContent()).resolves.toBe(tr('en', 'areas.health.title'));
    await expect(page.getByRole('button', { name: tr('en', 'common.signOut') }).count()).resolves.toBe(1);

    await page.getByTestId('language-switch').selectOption('zh-CN');
    await expect(page.locator('h1').textContent()).resolves.toBe(tr('zh-CN', 'areas.health.title'));
    await expect(page.getByRole('button', { name: tr('zh-CN', 'common.signOut') }).count()).resolves.toBe(1);
    expect(await page.title()).toContain(tr('zh-CN', 'areas.health.title'));
  });
});
