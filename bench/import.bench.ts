import { execFileSync } from 'node:child_process';
import { createReadStream, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Bench, BenchResult } from './run.ts';
import { freshDatabase } from './support/databases.ts';
import { nationalId } from '../src/core/geo/demo-city.ts';
import { startExport } from '../src/modules/exports/export.service.ts';
import { runImport } from '../src/modules/imports/import.service.ts';
import { createRuntime } from '../src/platform/bootstrap.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';

/** Residents CSV import (validate + insert in one transaction) and export, rows/s on both backends. */
const bench: Bench = async ({ quick }) => {
  const rows = quick ? 20_000 : 100_000;
  const out: BenchResult[] = [];
  for (const kind of ['pglite', 'postgres'] as const) {
    const db = await freshDatabase(kind);
    const file = path.join(os.tmpdir(), `tessera-residents-${process.pid}.csv`);
    try {
      execFileSync(process.execPath, ['bin/tessera.js', 'seed', '--residents', '10000'], {
        env: { ...process.env, ...db.env, LOG_LEVEL: 'warn' },
        stdio: 'ignore',
      });
      const rt = await createRuntime(loadConfig({ ...db.env, LOG_LEVEL: 'silent' }), {
        logger: createLogger('silent'),
      });
      try {
        const households = (await rt.ctx.db.selectFrom('households').select('id').execute()).map((h) => h.id);
        const lines = ['household_id,name,birth_date,phone,national_id'];
        for (let i = 0; i < rows; i++) {
          // Distinct (birth date, sequence) per row, so every ID number is unique.
          const birth = new Date(Date.UTC(1950, 0, 1) + (i % 20_000) * 86_400_000);
          const [year, month, day] = [birth.getUTCFullYear(), birth.getUTCMonth() + 1, birth.getUTCDate()];
          const date = birth.toISOString().slice(0, 10);
          // Region 970101 never occurs in the demo city, so no number collides with a seeded one.
          const id = nationalId('970101', year, month, day, Math.floor(i / 20_000));
          lines.push(`${households[i % households.length]},居民${i},${date},139${String(i).padStart(8, '0')},${id}`);
        }
        writeFileSync(file, `${lines.join('\n')}\n`);
        const tDry = performance.now();
        const dry = await runImport(rt.ctx, {
          kind: 'residents',
          source: { stream: createReadStream(file), bytes: statSync(file).size },
          principal: null,
          dryRun: true,
        });
        const sDry = (performance.now() - tDry) / 1000;
        if (!dry.ok) throw new Error(`bench dry run rejected: ${JSON.stringify(dry.rejections.slice(0, 3))}`);
        out.push({
          name: `validate residents CSV, dry run (${rows.toLocaleString('en-US')} rows)`,
          value: Math.round(rows / sDry),
          unit: 'rows/s',
          notes: `${kind}, ${sDry.toFixed(1)} s`,
        });
        const t0 = performance.now();
        const report = await runImport(rt.ctx, {
          kind: 'residents',
          source: { stream: createReadStream(file), bytes: statSync(file).size },
          principal: null,
          cliUser: 'bench',
        });
        const s = (performance.now() - t0) / 1000;
        if (!report.ok) throw new Error(`bench import rejected: ${JSON.stringify(report.rejections.slice(0, 3))}`);
        out.push({
          name: `import residents CSV (${rows.toLocaleString('en-US')} rows)`,
          value: Math.round(rows / s),
          unit: 'rows/s',
          notes: `${kind}, ${s.toFixed(1)} s`,
        });

        const t1 = performance.now();
        const exp = await startExport(rt.ctx, { kind: 'residents', principal: null, cliUser: 'bench' });
        let bytes = 0;
        for await (const chunk of exp.chunks) bytes += chunk.length;
        const s1 = (performance.now() - t1) / 1000;
        out.push({
          name: `export residents CSV (${exp.count.toLocaleString('en-US')} rows)`,
          value: Math.round(exp.count / s1),
          unit: 'rows/s',
          notes: `${kind}, ${(bytes / 1e6).toFixed(1)} MB`,
        });
      } finally {
        await rt.close();
      }
    } finally {
      rmSync(file, { force: true });
      await db.drop();
    }
  }
  return out;
};

export default bench;
