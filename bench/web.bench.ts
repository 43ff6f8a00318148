import type { Map as MapLibreMap } from 'maplibre-gl';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import type { Bench, BenchResult } from './run.ts';
import { freshDatabase } from './support/databases.ts';

/**
 * Web figures in headless Chromium: time from navigation to a drawn map of the whole city, frame rate while
 * panning, the resident's time to first code on a throttled connection, and the gzip bytes each role downloads.
 * BENCH_CITY_DATA_DIR reuses an already seeded PGlite DATA_DIR (e.g. a 1,000,000-resident city).
 */
const bench: Bench = async ({ quick }) => {
  const out: BenchResult[] = [];
  const root = process.cwd();
  const t0 = performance.now();
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts'],
    {
      stdio: 'ignore',
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  out.push({ name: 'web build (vite)', value: (performance.now() - t0) / 1000, unit: 's' });

  const reuse = process.env.BENCH_CITY_DATA_DIR;
  const db = reuse ? null : await freshDatabase('pglite');
  const dataDir = reuse ?? db!.env.DATA_DIR!;
  const residents = quick ? 50_000 : 1_000_000;
  if (!reuse)
    execFileSync(process.execPath, ['bin/tessera.js', 'seed', '--residents', String(residents)], {
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
  const port = 20000 + Math.floor(Math.random() * 1000);
  const server = spawn(process.execPath, ['bin/tessera.js', 'serve'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', RATE_LIMITS: 'off' },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
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
    ],
  });
  try {
    await waitUp(base);
    const residentCount = await residentsIn(base);
    const notes = `${residentCount.toLocaleString('en-US')} residents`;

    // Command center: navigation → the city drawn.
    const ctx = await browser.newContext({ viewport: { width: 1600, height: 900 }, baseURL: base });
    // tsx compiles functions with esbuild's keepNames, so functions sent to page.evaluate call a __name helper.
    await ctx.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    const page = await ctx.newPage();
    await signIn(page, { kind: 'staff', username: 'admin' });
    await page.waitForURL(/\/command/);
    await page.goto('/');
    const nav0 = performance.now();
    await page.goto('/command');
    await page.locator('[data-testid=command-map][data-rendered="990100"]').waitFor({ timeout: 120_000 });
    out.push({
      name: 'command center: navigation to drawn city map',
      value: (performance.now() - nav0) / 1000,
      unit: 's',
      notes,
    });
    // Pans in steps, as arrow keys or a wheel do; counts the frames the page produced meanwhile. Then the same with
    // every layer hidden: what this renderer manages for an empty map, the ceiling for the figure above.
    const panFps = (hideLayers: boolean) =>
      page.evaluate(async (hide) => {
        const map = (window as unknown as { __tesseraMap?: MapLibreMap }).__tesseraMap;
        if (!map) return -1;
        if (hide)
          for (const l of map.getStyle().layers)
            if (l.id !== 'background') map.setLayoutProperty(l.id, 'visibility', 'none');
        let frames = 0;
        let running = true;
        const tick = () => {
          frames++;
          if (running) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
        const start = performance.now();
        while (performance.now() - start < 3000) {
          map.panBy([40, 10], { duration: 0 });
          await new Promise((r) => setTimeout(r, 16));
        }
        running = false;
        return frames / ((performance.now() - start) / 1000);
      }, hideLayers);
    const fps = await panFps(false);
    const zoom = await page.evaluate(
      () => (window as unknown as { __tesseraMap?: { getZoom(): number } }).__tesseraMap?.getZoom() ?? -1,
    );
    // Zoomed in where unit grids are drawn: the same pan over the grids of the areas in view.
    const gridsDrawn = await page.evaluate(async () => {
      const map = (window as unknown as { __tesseraMap?: MapLibreMap }).__tesseraMap;
      if (!map) return -1;
      // Into the middle of an area (the city's own centre may lie outside an irregular outline).
      const area = map.queryRenderedFeatures({ layers: ['areas-fill'] })[0];
      const ring = area?.geometry.type === 'Polygon' ? (area.geometry.coordinates[0] ?? []) : [];
      const mean = (k: 0 | 1) => ring.reduce((a, c) => a + (c[k] ?? 0), 0) / Math.max(1, ring.length);
      map.jumpTo({ zoom: 14, ...(ring.length ? { center: [mean(0), mean(1)] as [number, number] } : {}) });
      const until = performance.now() + 60_000;
      let n = 0;
      while (performance.now() < until) {
        await new Promise((r) => setTimeout(r, 500));
        n = new Set(map.queryRenderedFeatures({ layers: ['grids-line'] }).map((f) => f.id)).size;
        if (n > 0 && !map.isMoving()) break;
      }
      return n;
    });
    const gridFps = await panFps(false);
    const emptyFps = await panFps(true);
    out.push({
      name: 'command center: frame rate while panning',
      value: fps,
      unit: 'fps',
      notes: `${notes}, whole city in view (zoom ${zoom.toFixed(1)}), 1600×900, software rendering`,
    });
    out.push({
      name: 'command center: frame rate while panning over unit grids',
      value: gridFps,
      unit: 'fps',
      notes: `zoom 14, ${gridsDrawn.toLocaleString('en-US')} unit grids drawn at the start`,
    });
    out.push({
      name: 'command center: frame rate while panning, no layers (renderer ceiling)',
      value: emptyFps,
      unit: 'fps',
      notes: 'the same pan with every layer but the background hidden',
    });
    await ctx.close();

    // Resident: time to first code over a throttled connection (Fast 3G-like: 1.6 Mbit/s, 150 ms RTT).
    const rctx = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: base });
    const rpage = await rctx.newPage();
    await signIn(rpage, { kind: 'resident', phone: '13800000001' });
    await rpage.waitForURL(/\/resident/);
    const cdp = await rctx.newCDPSession(rpage);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    });
    const r0 = performance.now();
    await rpage.goto('/resident');
    const codeShown = await rpage
      .locator('[data-testid=my-code] canvas, [data-testid=my-code] svg')
      .first()
      .waitFor({ timeout: 120_000 })
      .then(() => true)
      .catch(() => false);
    if (codeShown)
      out.push({
        name: 'resident: time to first code, throttled (1.6 Mbit/s, 150 ms)',
        value: (performance.now() - r0) / 1000,
        unit: 's',
      });
    await rctx.close();

    // Bytes each role downloads (gzip of every script and stylesheet the role's screen loads).
    const roles: Array<[string, { kind: 'staff'; username: string } | { kind: 'resident'; phone: string }, RegExp]> = [
      ['resident', { kind: 'resident', phone: '13800000002' }, /\/resident/],
      ['grid worker', { kind: 'staff', username: 'worker.990101001001001' }, /\/worker/],
      ['checkpoint verifier', { kind: 'staff', username: 'verifier' }, /\/checkpoint/],
      ['command center (admin)', { kind: 'staff', username: 'admin' }, /\/command/],
    ];
    for (const [label, account, url] of roles) {
      const c = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: base });
      const p = await c.newPage();
      const files = new Set<string>();
      p.on('request', (req) => {
        const u = new URL(req.url());
        if (/\.(js|mjs|css)$/.test(u.pathname)) files.add(u.pathname);
      });
      await signIn(p, account);
      await p.waitForURL(url);
      // The area's lazy chunk loads after the URL changes: wait for its screen, then for the network to settle.
      await p.locator('[data-testid^=screen-]').first().waitFor({ timeout: 120_000 });
      await p.waitForTimeout(1500);
      await p.waitForLoadState('networkidle');
      let bytes = 0;
      for (const f of files) bytes += gzipSync(readFileSync(path.join(root, 'web', 'dist', f))).length;
      out.push({
        name: `bundle: ${label}`,
        value: Math.round(bytes / 1024),
        unit: 'KiB gzip',
        notes: `${files.size} files`,
      });
      await c.close();
    }
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await db?.drop();
  }
  return out;
};
export default bench;

async function signIn(page: Page, account: { kind: 'staff'; username: string } | { kind: 'resident'; phone: string }) {
  await page.goto('/');
  await page.getByTestId(`sign-in-tab-${account.kind}`).click();
  await page
    .locator(account.kind === 'staff' ? 'input[name=username]' : 'input[name=phone]')
    .fill(account.kind === 'staff' ? account.username : account.phone);
  await page.locator('input[name=password]').fill('tessera-demo');
  await page.locator('form button[type=submit]').click();
}

async function residentsIn(base: string): Promise<number> {
  const signIn = await fetch(`${base}/api/v1/auth/staff/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'tessera-demo' }),
  });
  const { token } = (await signIn.json()) as { token: string };
  const res = await fetch(`${base}/api/v1/stats/areas?parent=990100&metrics=residents`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await res.json()) as { items: Array<{ values: { residents: number } }> };
  return body.items.reduce((s, i) => s + i.values.residents, 0);
}

async function waitUp(base: string) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/api/v1/health`)).ok) return;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not start');
}
