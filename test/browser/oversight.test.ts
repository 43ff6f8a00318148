import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, baseUrl, screenshot, signIn, type OpenPage, browserSession } from './support/browser.ts';
import { gridsOf, cityTree } from './support/city.ts';
import { REPO } from './support/paths.ts';
import { apiPost, tokenFor } from './support/qr.ts';

interface AuditPage {
  items: Array<{ seq: number; action: string; purpose: string | null; subject: { id: string | null } }>;
}

const session = browserSession();
let open: OpenPage;

/** Residents of the community's last grids (not the demo phone accounts other tests use), as a health officer reads them. */
async function residentsFar(count: number, token: string): Promise<string[]> {
  const { community } = await cityTree();
  const grids = (await gridsOf(community.id)).map((g) => g.properties.code).reverse();
  const out: string[] = [];
  for (const code of grids) {
    if (out.length >= count) break;
    const page = await apiGet<{ items: Array<{ members: Array<{ id: string }> }> }>(
      `/grids/${code}/households?purpose=follow_up&limit=50`,
      token,
    );
    for (const h of page.items) for (const m of h.members) if (out.length < count) out.push(m.id);
  }
  return out;
}

describe('auditor: oversight desk', () => {
  it('queries the audit log by action and sees entries with their purposes; verifies the chain', async () => {
    const health = await tokenFor({ username: 'health' });
    // A staff read with a stated purpose: listing a grid's households records one entry per member read.
    const [someone] = await residentsFar(1, health);
    expect(someone).toBeTruthy();

    open = await session.open();
    const { page } = open;
    await signIn(page, { kind: 'staff', username: 'auditor' });
    await page.getByTestId('screen-oversight').waitFor();
    // The audit desk is the auditor's first tab.
    await page.getByTestId('audit-log').waitFor();
    await page.getByLabel('Action').fill('resident.read');
    await page.getByTestId('audit-search').click();
    const rows = page.locator('[data-testid=audit-results] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(0);
    const actions = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')));
    expect(new Set(actions)).toEqual(new Set(['resident.read']));
    // Purposes as the API gives them, in words.
    const auditor = await tokenFor({ username: 'auditor' });
    const api = await apiGet<AuditPage>('/audit?action=resident.read&limit=25', auditor);
    expect(api.items.some((e) => e.purpose === 'follow_up')).toBe(true);
    const purposes = await page.getByTestId('audit-purpose').allTextContents();
    expect(purposes).toContain('Follow-up');

    // Chain verification: intact, with the signed checkpoints listed.
    await page.getByRole('button', { name: 'Verify the chain now' }).click();
    const result = page.getByTestId('chain-result');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(await result.textContent()).toContain('Intact');
    await screenshot(page, 'oversight-audit');

    // A prefix query pages through with the opaque cursor.
    await page.getByLabel('Action').fill('*');
    await page.getByTestId('audit-search').click();
    await page.getByTestId('audit-more').waitFor();
    const before = await rows.count();
    expect(before).toBe(25);
    await page.getByTestId('audit-more').click();
    await expect.poll(() => rows.count()).toBeGreaterThan(before);
  });

  it('shows an anomaly flag raised by a burst of overrides, with its evidence, and resolves it with a note', async () => {
    const health = await tokenFor({ username: 'health' });
    const people = await residentsFar(10, health);
    expect(people).toHaveLength(10);
    const proposed: string[] = [];
    for (const personId of people)
      proposed.push(
        (
          await apiPost<{ id: string }>(
            '/overrides',
            {
              personId,
              target: 'yellow',
              reasonCode: 'data_entry_error',
              reason: 'Browser test: ten proposals within minutes, the pattern the detector watches for',
              expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
            },
            health,
          )
        ).id,
      );
    try {
      open = await session.open();
      const { page } = open;
      await signIn(page, { kind: 'staff', username: 'auditor' });
      await page.getByTestId('oversight-tab-anomalies').click();
      await page.getByTestId('anomalies').waitFor();
      await page.getByTestId('anomaly-scan').click();
      const flag = page.locator('[data-detector="override-burst"][data-state="open"]').first();
      await flag.waitFor();
      const people = Number(await flag.getByTestId('flag-people').textContent());
      expect(people).toBeGreaterThanOrEqual(10);
      const evidence = await flag.getByTestId('flag-evidence').textContent();
      expect(evidence).toContain('Time window');
      expect(evidence).toContain('Origin');
      await screenshot(page, 'oversight-anomalies');
      const id = await flag.getAttribute('data-flag');
      const item = page.locator(`[data-flag="${id}"]`);
      await item.getByLabel('No abuse found (dismissed)').check();
      const resolve = item.getByTestId('flag-resolve');
      expect(await resolve.isDisabled()).toBe(true); // a resolution needs a note
      await item
        .getByLabel('Note: what you found and what was done')
        .fill('Test proposals by the browser suite; rejected.');
      await resolve.click();
      await item.getByTestId('flag-resolution').waitFor();
      expect(await item.getByTestId('flag-resolution').textContent()).toContain('No abuse found');
      const auditor = await tokenFor({ username: 'auditor' });
      const resolved = await apiGet<{ items: Array<{ id: string; resolutionNote: string }> }>(
        '/anomalies?state=resolved&limit=100',
        auditor,
      );
      expect(resolved.items.find((f) => f.id === id)?.resolutionNote).toMatch(/^\[dismissed\] Test proposals/);
    } finally {
      // The proposals go away again: a second officer rejects them.
      const health2 = await tokenFor({ username: 'health2' });
      for (const o of proposed)
        await apiPost(`/overrides/${o}/decision`, { decision: 'reject', note: 'Browser test clean-up' }, health2);
    }
  });
});

// A deletion certificate needs data past its retention; this city's data is minutes old. A second server with no
// grace after an emergency ends lets a real purge happen: a resident checks in, the emergency ends, the admin purges.
describe('auditor: deletion certificates', () => {
  let server: ChildProcess | null = null;
  let dataDir = '';
  let url = '';

  const freePort = () =>
    new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const a = s.address();
        s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
      });
    });
  const call = async <T>(method: string, p: string, token: string | null, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/api/v1${p}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const token = async (body: Record<string, string>) =>
    (
      await call<{ token: string }>('POST', `/auth/${'phone' in body ? 'resident' : 'staff'}/sign-in`, null, {
        ...body,
        password: 'tessera-demo',
      })
    ).token;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-certs-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      RETENTION_AFTER_EMERGENCY_DAYS: '0',
    };
    delete env.DATABASE_URL;
    delete env.NATS_URL;
    delete env.NODE_ENV;
    const seed = spawnSync(process.execPath, ['bin/tessera.js', 'seed', '--residents', '100'], {
      cwd: REPO,
      env,
      encoding: 'utf8',
    });
    if (seed.status !== 0) throw new Error(`seed failed: ${seed.stderr}`);
    const port = await freePort();
    server = spawn(process.execPath, ['bin/tessera.js', 'serve'], {
      cwd: REPO,
      env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: 'ignore',
    });
    url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 240; i++) {
      try {
        if ((await fetch(`${url}/api/v1/health`)).ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  });
  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server?.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the certificate of a purge, shows its commitment and signature, countersigns and verifies it', async () => {
    expect(url).not.toBe(baseUrl());
    const venue = await token({ username: 'venue' });
    const [place] = (await call<{ items: Array<{ id: string }> }>('GET', '/places/operated', venue)).items;
    const code = await call<{ code: string }>('GET', `/places/${place?.id}/code`, venue);
    await call('POST', '/scans', await token({ phone: '13800000003' }), {
      scans: [{ clientId: crypto.randomUUID(), scannedAt: new Date().toISOString(), placeCode: code.code }],
    });
    const admin = await token({ username: 'admin' });
    const { items: emergencies } = await call<{ items: Array<{ id: string; inForce: boolean }> }>(
      'GET',
      '/emergencies',
      null,
    );
    for (const e of emergencies.filter((x) => x.inForce))
      await call('POST', `/emergencies/${e.id}/end`, admin, { reason: 'Browser test: the outbreak is over' });
    // Certificates are signed with the audit key, made with the server's first checkpoint.
    await expect
      .poll(async () => (await call<{ items: unknown[] }>('GET', '/audit/keys', null)).items.length, {
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
    const purge = await call<{
      categories: Array<{ category: string; certificate: { certificate: { id: string } } | null }>;
    }>('POST', '/retention/purge', admin, { dryRun: false, categories: ['scans'] });
    const certId = purge.categories.find((c) => c.category === 'scans')?.certificate?.certificate.id;
    expect(certId).toBeTruthy();

    open = await session.open({ baseURL: url });
    const { page } = open;
    await page.goto('/');
    await signIn(page, { kind: 'staff', username: 'auditor' });
    await page.getByTestId('oversight-tab-certificates').click();
    const row = page.locator(`[data-certificate="${certId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-countersigned')).toBe('false');
    await row.getByRole('button', { name: 'View' }).click();
    const detail = page.getByTestId('certificate-detail');
    await detail.waitFor();
    expect(await detail.textContent()).toContain(certId);
    expect(await detail.textContent()).toContain('Hash commitment (Merkle root)');
    await page.getByTestId('countersign').click();
    await expect.poll(() => page.getByTestId('countersignature').textContent()).toContain('By auditor');
    await expect.poll(() => row.getAttribute('data-countersigned')).toBe('true');
    await page.getByTestId('verify-cert').click();
    const check = page.getByTestId('certificate-check');
    await check.waitFor();
    expect(await check.getAttribute('data-valid')).toBe('true');
    await screenshot(page, 'oversight-certificate');
    const stored = await call<{ countersignature: { statement: { auditorId: string } } | null }>(
      'GET',
      `/retention/certificates/${certId}`,
      null,
    );
    expect(stored.countersignature?.statement.auditorId).toBeTruthy();
  });
});
