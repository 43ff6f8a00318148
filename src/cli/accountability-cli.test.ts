import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/tessera.js');

describe('tessera audit verify / purge (CLI, embedded PGlite in a temp DATA_DIR)', () => {
  let dir: string;
  const tessera = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'warn' };
      delete env.DATABASE_URL;
      execFile(process.execPath, [bin, ...args], { env, timeout: 180_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const sql = async (q: string) => {
    const db = new PGlite(path.join(dir, 'data', 'pgdata'));
    try {
      await db.exec(q);
    } finally {
      await db.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tessera-acc-'));
    const seeded = await tessera('seed', '--residents', '100');
    expect(seeded.code, seeded.stderr).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies an intact chain (exit 0) and names the first altered entry (exit 1)', async () => {
    expect((await tessera('audit', 'checkpoint')).stdout).toMatch(/signed checkpoint 1 at seq \d+/);
    const ok = await tessera('audit', 'verify');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: audit chain intact/);
    await sql(`update audit_log set purpose = 'curiosity' where chain_pos = 2`);
    const bad = await tessera('audit', 'verify', '--json');
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout);
    expect(report).toMatchObject({ ok: false, finding: { kind: 'altered', pos: 2 } });
    await sql(`delete from audit_log where chain_pos = (select max(chain_pos) from audit_log)`);
    await sql(`update audit_log set purpose = null where chain_pos = 2`);
    const truncated = await tessera('audit', 'verify');
    expect(truncated.code).toBe(1);
    expect(truncated.stdout).toMatch(/FAILED: entries \d+…\d+ are missing: a signed checkpoint covers/);
  }, 300_000);

  it('purges in dry-run mode and refuses bad input with usage errors', async () => {
    const dry = await tessera('purge', '--dry-run');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true });
    expect((await tessera('purge', '--category', 'everything')).code).toBe(2);
  }, 180_000);

  it('verify-certificate exits 1 on a forged certificate and 2 on an unreadable file', async () => {
    const file = path.join(dir, 'forged.json');
    writeFileSync(
      file,
      JSON.stringify({
        certificate: {
          type: 'tessera.deletion-certificate',
          v: 1,
          id: 'dc-forged',
          jurisdiction: '990100',
          category: 'scans',
          count: 1,
          range: { from: null, to: null },
          basis: 'made up',
          commitment: { alg: 'sha256-merkle-v1', root: '0'.repeat(64), leaves: 1 },
          issuedAt: '2026-01-01T00:00:00.000Z',
          kid: 'AAAAAAAAAAA=',
          nonce: '00',
        },
        signature: 'AAAA',
      }),
    );
    const forged = await tessera('purge', 'verify-certificate', file);
    expect(forged.code).toBe(1);
    expect(JSON.parse(forged.stdout).problems.join(' ')).toMatch(/not one of this system's audit keys/);
    expect((await tessera('purge', 'verify-certificate', path.join(dir, 'missing.json'))).code).toBe(2);
  }, 180_000);
});
