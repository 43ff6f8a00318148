import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import type { Bench } from './run.ts';
import { freshDatabase } from './support/databases.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createRuntime } from '../src/platform/bootstrap.ts';
import { locateGridCode } from '../src/modules/grids/grids.service.ts';
import { createLogger } from '../src/platform/logger.ts';

/** Point → grid: lookups/s through the service, and p50/p99 through HTTP with 32 concurrent clients. */
const bench: Bench = async ({ quick }) => {
  const out = [];
  for (const kind of ['pglite', 'postgres'] as const) {
    const db = await freshDatabase(kind);
    try {
      execFileSync(process.execPath, ['bin/tessera.js', 'seed', '--residents', '50000'], {
        env: { ...process.env, ...db.env, LOG_LEVEL: 'warn' },
        stdio: 'ignore',
      });
      const rt = await createRuntime(loadConfig({ ...db.env, LOG_LEVEL: 'silent' }), {
        logger: createLogger('silent'),
      });
      const points = (await rt.ctx.db.selectFrom('households').select(['lat', 'lng']).limit(5000).execute()).map(
        (p) => [p.lat, p.lng],
      );
      const n = quick ? 5_000 : 20_000;
      for (let i = 0; i < 500; i++)
        await locateGridCode(rt.ctx.db, points[i % points.length]![0]!, points[i % points.length]![1]!);
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const [lat, lng] = points[i % points.length]!;
        await locateGridCode(rt.ctx.db, lat!, lng!);
      }
      const perSec = n / ((performance.now() - t0) / 1000);
      await rt.close();
      out.push({
        name: 'locate via service',
        value: Math.round(perSec),
        unit: 'lookups/s',
        notes: `${kind}, sequential`,
      });

      const port = 18000 + Math.floor(Math.random() * 1000);
      const server = spawn(process.execPath, ['bin/tessera.js', 'serve'], {
        env: { ...process.env, ...db.env, PORT: String(port), LOG_LEVEL: 'warn', RATE_LIMITS: 'off' },
        stdio: 'ignore',
      });
      try {
        const base = `http://127.0.0.1:${port}`;
        for (let i = 0; i < 100; i++) {
          try {
            if ((await fetch(`${base}/api/v1/health`)).ok) break;
          } catch {
            /* not up yet */
          }
          await new Promise((r) => setTimeout(r, 200));
        }
        const total = quick ? 3_000 : 10_000;
        const latencies: number[] = [];
        let next = 0;
        const t1 = performance.now();
        await Promise.all(
          Array.from({ length: 32 }, async () => {
            while (next < total) {
              const [lat, lng] = points[next++ % points.length]!;
              const s = performance.now();
              const res = await fetch(`${base}/api/v1/grids/locate?lat=${lat}&lng=${lng}`);
              await res.arrayBuffer();
              if (!res.ok) throw new Error(`locate ${res.status}`);
              latencies.push(performance.now() - s);
            }
          }),
        );
        const rps = total / ((performance.now() - t1) / 1000);
        latencies.sort((a, b) => a - b);
        const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
        out.push(
          { name: 'locate via HTTP: throughput', value: Math.round(rps), unit: 'req/s', notes: `${kind}, 32 clients` },
          { name: 'locate via HTTP: p50', value: q(0.5), unit: 'ms', notes: kind },
          { name: 'locate via HTTP: p99', value: q(0.99), unit: 'ms', notes: kind },
        );
      } finally {
        server.kill('SIGTERM');
        await new Promise((r) => server.once('exit', r));
      }
    } finally {
      await db.drop();
    }
  }
  return out;
};
export default bench;
