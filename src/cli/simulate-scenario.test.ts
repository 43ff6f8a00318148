import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/tessera.js');
const tessera = (...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

// The scenarios themselves are exercised in src/modules/anomalies/scenario.test.ts; this checks the simulate entry.
describe('tessera simulate --scenario', () => {
  it('offers the abuse scenarios', async () => {
    const r = await tessera('simulate', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--scenario <name>/);
    expect(r.stdout).toMatch(/zhengzhou/);
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/choices: "zhengzhou", "normal"/);
  });

  it('refuses an unknown scenario by name, before touching any database', async () => {
    const r = await tessera('simulate', '--scenario', 'wuhan');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/argument 'wuhan' is invalid.*Allowed choices are zhengzhou, normal/);
  });
});
