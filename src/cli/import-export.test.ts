import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collection,
  COMMUNITY,
  gridFeatures,
  householdsCsv,
  HOUSEHOLD_IDS,
  jurisdictionFeatures,
  residentsCsv,
  testNationalId,
} from '../../test/support/import-fixtures.ts';
import { maskNationalId } from '../core/registry/national-id.ts';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/tessera.js');

// Each case spawns the CLI several times (tsx start-up, PGlite boot, migrations): allow for a busy machine.
describe('tessera import / export (CLI, embedded PGlite in a temp DATA_DIR)', { timeout: 300_000 }, () => {
  let dir: string;
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const tessera = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'warn' };
      delete env.DATABASE_URL;
      delete env.ID_HMAC_KEY;
      execFile(process.execPath, [bin, ...args], { env, timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tessera-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports GeoJSON and CSV files, printing a JSON report', async () => {
    const dry = await tessera(
      'import',
      'jurisdictions',
      file('j.geojson', collection(jurisdictionFeatures())),
      '--dry-run',
    );
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ ok: true, dryRun: true, rows: 5, inserted: 0 });
    const j = await tessera('import', 'jurisdictions', path.join(dir, 'j.geojson'));
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: true, inserted: 5 });
    const g = await tessera('import', 'grids', file('g.geojson', collection(gridFeatures())));
    expect(JSON.parse(g.stdout)).toMatchObject({ ok: true, inserted: 4 });
    const h = await tessera('import', 'households', file('h.csv', householdsCsv()));
    expect(h.code).toBe(0);
    expect(JSON.parse(h.stdout)).toMatchObject({ ok: true, inserted: 3 });
  });

  it('exits 1 with the rejected rows when a file is broken, and writes nothing', async () => {
    const broken = `${residentsCsv()},${HOUSEHOLD_IDS[0]},坏行,1980-13-01,,\n`;
    const res = await tessera('import', 'residents', file('r-bad.csv', broken));
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout);
    expect(report).toMatchObject({ ok: false, rows: 4, rejectedRows: 1, inserted: 0 });
    expect(report.rejections).toEqual([
      { line: 5, field: 'birth_date', reason: '1980-13-01 is not a real calendar date' },
    ]);
    const ok = await tessera('import', 'residents', file('r.csv', residentsCsv()));
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, inserted: 3 });
  });

  it('exports residents with masked ID numbers only, and grids as GeoJSON', async () => {
    const out = path.join(dir, 'residents-out.csv');
    const res = await tessera('export', 'residents', '--out', out, '--jurisdiction', '980000');
    expect(res.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toBe('id,household_id,name,birth_date,phone,national_id_masked');
    expect(text).toContain(maskNationalId(testNationalId(1)));
    expect(text).not.toContain(testNationalId(1));
    expect(text.trim().split('\n')).toHaveLength(4);
    const grids = await tessera('export', 'grids', '--jurisdiction', COMMUNITY);
    expect(grids.code).toBe(0);
    const fc = JSON.parse(grids.stdout);
    expect(fc.features.map((f: { id: string }) => f.id)).toEqual(
      ['001', '002', '003', '004'].map((s) => `${COMMUNITY}${s}`),
    );
  });

  it('rejects unknown kinds and missing files as usage errors', async () => {
    expect((await tessera('import', 'pets', path.join(dir, 'h.csv'))).code).toBe(2);
    const missing = await tessera('import', 'households', path.join(dir, 'nope.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.csv: ENOENT/);
  });
});
