import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ARTIFACTS, DOCS_SCREENSHOTS, REPO } from './paths.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const RESIDENTS = Number(process.env.BROWSER_TEST_RESIDENTS ?? 3000);
// Where `tessera seed/serve` run from: this checkout by default; another one (with web/dist linked to this
// one's) when the server side of the shared tree is mid-change.
const SERVER_ROOT = process.env.BROWSER_TEST_SERVER_ROOT ?? REPO;

function newest(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(p).reduce((m, e) => Math.max(m, newest(path.join(p, e))), s.mtimeMs);
}

/** Rebuilds web/dist when any web source is newer than the last build. */
function buildWebIfStale(): void {
  const dist = path.join(REPO, 'web', 'dist', 'index.html');
  const sources = ['web/src', 'web/index.html', 'web/vite.config.ts'].map((p) => path.join(REPO, p));
  if (existsSync(dist) && statSync(dist).mtimeMs >= Math.max(...sources.map(newest))) return;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts'], {
    cwd: REPO,
    // Vitest sets NODE_ENV=test, which would bundle React's development build: test what ships.
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) throw new Error('vite build failed');
  process.stdout.write(`[browser tests] web built in ${Date.now() - t0} ms\n`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${url}/api/v1/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not become healthy:\n${log()}`);
}

export default async function setup(project: TestProject) {
  buildWebIfStale();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-browser-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL; // always a fresh embedded database, never someone's server
  delete env.NATS_URL;
  delete env.NODE_ENV; // set to "test" by Vitest; the server runs as it would in production
  const t0 = Date.now();
  const seed = spawnSync(process.execPath, ['bin/tessera.js', 'seed', '--residents', String(RESIDENTS)], {
    cwd: SERVER_ROOT,
    env,
    encoding: 'utf8',
  });
  if (seed.status !== 0) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`seed failed:\n${seed.stderr}\n${seed.stdout}`);
  }
  process.stdout.write(`[browser tests] seeded ${RESIDENTS} residents in ${Date.now() - t0} ms\n`);

  const port = await freePort();
  let output = '';
  const server = spawn(process.execPath, ['bin/tessera.js', 'serve'], {
    cwd: SERVER_ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(baseUrl, server, () => output);
  } catch (e) {
    server.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  project.provide('baseUrl', baseUrl);
  mkdirSync(ARTIFACTS, { recursive: true });

  return async () => {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
    // The README shows docs/screenshots; refresh them only when asked, so a test run leaves the tree clean.
    if (process.env.UPDATE_DOCS_SCREENSHOTS === '1' && existsSync(ARTIFACTS)) {
      mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
      cpSync(ARTIFACTS, DOCS_SCREENSHOTS, { recursive: true });
    }
  };
}
