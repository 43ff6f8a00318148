import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeQrInSvg } from '../../test/support/tracing.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function tessera(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'tessera.js'), ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The tracing commands end to end, as an operator runs them, on an embedded database of their own. */
describe('tessera simulate and tessera places posters', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-sim-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('simulates an outbreak on a city it seeds itself and reports recall, precision and timings as JSON', async () => {
    const r = await tessera(
      ['simulate', '--days', '6', '--residents', '400', '--seed', '2', '--seeds', '6', '--json'],
      {
        DATA_DIR: dir,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.days).toBe(6);
    expect(report.residents).toBeGreaterThan(300);
    expect(report.infections.seeded).toBeGreaterThan(0);
    expect(report.scans).toBeGreaterThan(1000);
    expect(report.timings.ingestion.uploads).toBeGreaterThan(0);
    expect(report.metrics).toHaveProperty('recall');
    expect(report.metrics).toHaveProperty('precision');
    if (report.metrics.recall !== null) {
      expect(report.metrics.recall).toBeGreaterThanOrEqual(0);
      expect(report.metrics.recall).toBeLessThanOrEqual(1);
    }
    expect(report.cases).toBeLessThanOrEqual(report.positives);
    expect(Array.isArray(report.diagnosis)).toBe(true);
  }, 600_000);

  it('writes posters for a grid whose QR codes decode, and refuses bad arguments with exit 2', async () => {
    const out = path.join(dir, 'posters');
    const usage = await tessera(['places', 'posters', '--out', out], { DATA_DIR: dir });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/exactly one of --place ID or --grid CODE/);
    const bad = await tessera(['places', 'posters', '--grid', '123', '--out', out], { DATA_DIR: dir });
    expect(bad.code).toBe(2);
    const r = await tessera(['places', 'posters', '--grid', '990101001001001', '--out', out], { DATA_DIR: dir });
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(out);
    expect(files.length).toBe(JSON.parse(r.stdout).posters);
    expect(files.length).toBeGreaterThan(0);
    const svg = readFileSync(path.join(out, files[0]!), 'utf8');
    expect(decodeQrInSvg(svg)).toMatch(/^TSP1:/);
  }, 300_000);
});
