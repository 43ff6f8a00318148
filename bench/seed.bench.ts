import { execFileSync } from 'node:child_process';
import type { Bench } from './run.ts';
import { freshDatabase } from './support/databases.ts';

/** `tessera seed --residents N`: wall time and peak RSS on both backends. */
const bench: Bench = async ({ quick }) => {
  const residents = Number(process.env.BENCH_SEED_RESIDENTS ?? (quick ? 100_000 : 1_000_000));
  const out = [];
  for (const kind of ['pglite', 'postgres'] as const) {
    const db = await freshDatabase(kind);
    try {
      const t0 = performance.now();
      const stdout = execFileSync(process.execPath, ['bin/tessera.js', 'seed', '--residents', String(residents)], {
        env: { ...process.env, ...db.env, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 1 << 20,
      }).toString();
      const wall = (performance.now() - t0) / 1000;
      const r = JSON.parse(stdout) as { peakRssMb: number; residents: number; grids: number };
      out.push(
        {
          name: `seed ${residents.toLocaleString('en-US')} residents: wall time`,
          value: wall,
          unit: 's',
          notes: `${kind}, ${r.grids} grids`,
        },
        {
          name: `seed ${residents.toLocaleString('en-US')} residents: peak RSS`,
          value: r.peakRssMb,
          unit: 'MiB',
          notes: kind,
        },
      );
    } finally {
      await db.drop();
    }
  }
  return out;
};
export default bench;
