import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync } from 'node:fs';
import type { Bench, BenchResult } from './run.ts';
import { freshDatabase } from './support/databases.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createRuntime } from '../src/platform/bootstrap.ts';
import { createLogger } from '../src/platform/logger.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { recomputeAll } from '../src/modules/status/status.service.ts';
import { publishedRuleSets, publishRuleSet } from '../src/modules/status/rulesets.service.ts';
import { DEMO_PASSWORD, demoResidentPhone } from '../src/modules/demo/demo-seed.service.ts';

/**
 * GET /me/code under 100 concurrent clients, and a full status recomputation after a rule-set change.
 * The recomputation covers everyone with a stored status or a health fact; residents with neither are green by
 * definition and have no row (see status.service.ts).
 */
const bench: Bench = async ({ quick }) => {
  const out: BenchResult[] = [];
  if (process.env.BENCH_STATUS_ONLY !== 'recompute') out.push(...(await codeEndpoint(quick)));
  out.push(...(await recompute(quick)));
  return out;
};
export default bench;

async function codeEndpoint(quick: boolean): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  for (const kind of ['pglite', 'postgres'] as const) {
    const db = await freshDatabase(kind);
    const port = 19000 + Math.floor(Math.random() * 1000);
    try {
      execFileSync(process.execPath, ['bin/tessera.js', 'seed', '--residents', '20000'], {
        env: { ...process.env, ...db.env, LOG_LEVEL: 'warn' },
        stdio: 'ignore',
      });
      const server = spawn(process.execPath, ['bin/tessera.js', 'serve'], {
        env: { ...process.env, ...db.env, PORT: String(port), LOG_LEVEL: 'warn', RATE_LIMITS: 'off' },
        stdio: 'ignore',
      });
      try {
        const base = `http://127.0.0.1:${port}`;
        await waitUp(base);
        const tokens: string[] = [];
        for (let i = 0; i < 20; i++) {
          const r = await fetch(`${base}/api/v1/auth/resident/sign-in`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ phone: demoResidentPhone(i), password: DEMO_PASSWORD }),
          });
          tokens.push(((await r.json()) as { token: string }).token);
        }
        const total = quick ? 2_000 : 10_000;
        const lat: number[] = [];
        let next = 0;
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: 100 }, async () => {
            while (next < total) {
              const i = next++;
              const s = performance.now();
              const res = await fetch(`${base}/api/v1/me/code`, {
                headers: { authorization: `Bearer ${tokens[i % tokens.length]}` },
              });
              await res.arrayBuffer();
              if (!res.ok) throw new Error(`/me/code ${res.status}`);
              lat.push(performance.now() - s);
            }
          }),
        );
        const rps = total / ((performance.now() - t0) / 1000);
        lat.sort((a, b) => a - b);
        out.push(
          { name: 'GET /me/code throughput', value: Math.round(rps), unit: 'req/s', notes: `${kind}, 100 clients` },
          { name: 'GET /me/code p99', value: lat[Math.floor(lat.length * 0.99)] ?? 0, unit: 'ms', notes: kind },
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
}

async function recompute(quick: boolean): Promise<BenchResult[]> {
  const residents = quick ? 100_000 : 1_000_000;
  const withFacts = 0.05;
  const out: BenchResult[] = [];
  // BENCH_BACKENDS=pglite (or postgres) measures one; BENCH_CITY_DATA_DIR starts PGlite from a copy of a seeded city.
  const backends = (process.env.BENCH_BACKENDS ?? 'postgres,pglite').split(',') as Array<'postgres' | 'pglite'>;
  const reuse = process.env.BENCH_CITY_DATA_DIR;
  for (const kind of backends) {
    const db = await freshDatabase(kind);
    try {
      if (kind === 'pglite' && reuse) cpSync(reuse, db.env.DATA_DIR!, { recursive: true });
      else
        execFileSync(process.execPath, ['bin/tessera.js', 'seed', '--residents', String(residents)], {
          env: { ...process.env, ...db.env, LOG_LEVEL: 'warn' },
          stdio: 'ignore',
        });
      const clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));
      const rt = await createRuntime(loadConfig({ ...db.env, LOG_LEVEL: 'silent' }), {
        logger: createLogger('silent'),
        clock,
      });
      const { ctx } = rt;
      // 5% of residents have a PCR result (1 in 10 of them positive), inserted directly as valid facts.
      const ids = (await ctx.db.selectFrom('residents').select('id').execute()).map((r) => r.id);
      const residentCount = ids.length;
      const chosen = ids.filter((_, i) => i % Math.round(1 / withFacts) === 0);
      for (let i = 0; i < chosen.length; i += 2000) {
        const rows = chosen.slice(i, i + 2000).map((personId, k) => {
          const occurredAt = new Date(clock.now().getTime() - ((i + k) % 10) * 86400_000).toISOString();
          const fact = {
            id: `fact:${randomUUID()}`,
            personId,
            kind: 'test_result',
            method: 'pcr',
            result: (i + k) % 10 === 0 ? 'positive' : 'negative',
            specimenCollectedAt: occurredAt,
            occurredAt,
            recordedAt: occurredAt,
            recordedBy: 'bench',
            provenance: { source: 'lab', labId: 'bench-lab', specimenId: `s${i + k}` },
          };
          return {
            id: fact.id,
            person_id: personId,
            kind: 'test_result',
            occurred_at: occurredAt,
            recorded_at: occurredAt,
            recorded_by: 'bench',
            recorder_role: 'lab',
            recorder_scope: null,
            provenance: JSON.stringify(fact.provenance),
            data: JSON.stringify(fact),
          };
        });
        await ctx.db.insertInto('health_facts').values(rows).execute();
      }
      await recomputeAll(ctx); // statuses as of the old rule set
      const base = (await publishedRuleSets(ctx))[0]!;
      const admin = await ctx.db
        .selectFrom('staff')
        .select(['id'])
        .where('username', '=', 'health')
        .executeTakeFirstOrThrow();
      await publishRuleSet(
        ctx,
        { kind: 'staff', id: admin.id, role: 'health_officer', scopeId: '990100', scopePath: '990000.990100' },
        {
          ...base,
          id: 'tessera-990100',
          jurisdiction: '990100',
          version: 1,
          effectiveFrom: new Date(clock.now().getTime() + 1000).toISOString(),
        },
      );
      clock.advance(2000);
      const t0 = performance.now();
      const r = await recomputeAll(ctx);
      const secs = (performance.now() - t0) / 1000;
      out.push({
        name: `recompute all statuses after a rule-set change (${residentCount.toLocaleString('en-US')} residents)`,
        value: secs,
        unit: 's',
        target: '< 120 s',
        notes: `${kind}, ${r.evaluated.toLocaleString('en-US')} people with facts or statuses, ${r.changed.toLocaleString('en-US')} changed`,
      });
      await rt.close();
    } finally {
      await db.drop();
    }
  }
  return out;
}

async function waitUp(base: string) {
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${base}/api/v1/health`)).ok) return;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not start');
}
