import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import type { Principal } from '../src/core/policy/roles.ts';
import { generateDemoCity } from '../src/core/geo/demo-city.ts';
import { DAY_MS, utcDay } from '../src/core/tracing/windows.ts';
import { createRuntime, type Runtime } from '../src/platform/bootstrap.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import { buildServer } from '../src/platform/http/server.ts';
import { issueApiToken } from '../src/modules/auth/auth.service.ts';
import { newToken } from '../src/modules/auth/tokens.ts';
import { storeReviewSettings } from '../src/modules/cases/review-settings.ts';
import { searchExposures, traceCase } from '../src/modules/cases/tracing.service.ts';
import { seedDemoCity } from '../src/modules/demo/demo-seed.service.ts';
import { ensureScanPartitions } from '../src/modules/scans/partitions.ts';
import { placesById } from '../src/modules/scans/place-directory.ts';
import { signPlaceCode } from '../src/modules/scans/place-codes.service.ts';
import { insertScans } from '../src/modules/scans/scans.repository.ts';
import { defaultRuleSet } from '../src/core/rules/index.ts';
import type { BenchResult } from './run.ts';
import { freshDatabase } from './support/databases.ts';

/*
 * Issue 4 benchmarks, on the PostgreSQL server and on PGlite:
 *  1. scan ingestion through POST /api/v1/scans in batches of 1,000 (scans/s, p50/p99 per batch);
 *  2. exposure search for a case with 40 scans over 14 days on a table of 10,000,000 scans (quick: 1,000,000);
 *  3. a positive lab result → 2,000 close contacts' statuses updated (wall time).
 */

const SEED = 4;
const MIN = 60_000;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const log = (s: string) => process.stderr.write(`  ${s}\n`);

async function open(env: Record<string, string>, clock: ManualClock): Promise<Runtime> {
  return createRuntime(loadConfig({ ...env, LOG_LEVEL: 'silent', RATE_LIMITS: 'off' }), { clock });
}

async function sessionsFor(rt: Runtime, ids: string[]): Promise<string[]> {
  const now = rt.ctx.clock.now();
  const tokens: string[] = [];
  const rows = ids.map((id) => {
    const t = newToken('ses');
    tokens.push(t.token);
    return {
      token_hash: t.hash,
      principal_kind: 'resident' as const,
      principal_id: id,
      created_at: now,
      expires_at: new Date(now.getTime() + 12 * 3600_000),
    };
  });
  await rt.ctx.db.insertInto('sessions').values(rows).execute();
  return tokens;
}

async function ingestion(rt: Runtime, kind: string, quick: boolean): Promise<BenchResult[]> {
  const { ctx } = rt;
  const clock = ctx.clock as ManualClock;
  // Posters predate the scans: codes are signed two hours before "now".
  const now = clock.now();
  clock.set(new Date(now.getTime() - 2 * 3600_000));
  const placeRows = await ctx.db.selectFrom('places').select('id').orderBy('id').limit(1000).execute();
  const infos = await placesById(
    ctx,
    placeRows.map((p) => p.id),
  );
  const codes: string[] = [];
  for (const p of infos.values()) codes.push((await signPlaceCode(ctx, p)).code);
  clock.set(now);
  const residents = (await ctx.db.selectFrom('residents').select('id').orderBy('id').limit(200).execute()).map(
    (r) => r.id,
  );
  const tokens = await sessionsFor(rt, residents);
  await ensureScanPartitions(ctx, [utcDay(now.getTime() - 3 * 3600_000), utcDay(now.getTime())]);

  const app = await buildServer(ctx, { serveWeb: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1/scans`;
  const batches = quick ? 40 : 200;
  const concurrency = 4;
  let rng = 1;
  const rand = () => (rng = (rng * 1103515245 + 12345) % 2147483648) / 2147483648;
  const bodies = Array.from({ length: batches + 8 }, (_, b) => ({
    token: tokens[b % tokens.length]!,
    body: JSON.stringify({
      scans: Array.from({ length: 1000 }, (_, i) => ({
        clientId: `${kind}-${b}-${i}`,
        placeCode: codes[Math.floor(rand() * codes.length)],
        scannedAt: new Date(now.getTime() - Math.floor(rand() * 100 * MIN)).toISOString(),
      })),
    }),
  }));
  const post = async (k: number) => {
    const t = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${bodies[k]!.token}`, 'content-type': 'application/json' },
      body: bodies[k]!.body,
    });
    const report = (await res.json()) as { accepted: number };
    if (res.status !== 200 || report.accepted !== 1000)
      throw new Error(`batch ${k}: ${res.status} ${JSON.stringify(report).slice(0, 300)}`);
    return performance.now() - t;
  };
  for (let k = 0; k < 8; k++) await post(batches + k); // warm-up: JIT, plans, caches
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches) latencies.push(await post(next++));
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  await app.close();
  const rate = Math.round((batches * 1000) / wall);
  log(`${kind}: ${rate.toLocaleString('en-US')} scans/s, p99 ${pct(latencies, 99).toFixed(0)} ms per batch`);
  return [
    {
      name: 'scan ingestion (POST /scans, batches of 1,000)',
      value: rate,
      unit: 'scans/s',
      notes: `${kind}, ${batches} batches, ${concurrency} concurrent clients, HTTP on localhost, client in the same process`,
      ...(kind === 'postgres' ? { target: '≥ 50,000/s' } : {}),
    },
    { name: 'scan ingestion: batch latency p50', value: pct(latencies, 50), unit: 'ms', notes: kind },
    { name: 'scan ingestion: batch latency p99', value: pct(latencies, 99), unit: 'ms', notes: kind },
  ];
}

async function positiveToStatuses(rt: Runtime, kind: string, contacts: number): Promise<BenchResult[]> {
  const { ctx } = rt;
  const now = ctx.clock.now();
  const rows = await ctx.db
    .selectFrom('residents')
    .select('id')
    .where('national_id_hmac', 'is not', null)
    .orderBy('id')
    .offset(300)
    .limit(contacts + 1)
    .execute();
  if (rows.length < contacts + 1) throw new Error(`need ${contacts + 1} residents, have ${rows.length}`);
  const caseId = rows[0]!.id;
  const place = (
    await ctx.db.selectFrom('places').select('id').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()
  ).id;
  const at = now.getTime() - 3600_000;
  await ensureScanPartitions(ctx, [utcDay(at - 30 * MIN), utcDay(at + 30 * MIN)]);
  const scan = (personId: string, t: number) => ({
    id: randomUUID(),
    sourceId: personId,
    clientId: randomUUID(),
    day: utcDay(t),
    scannedAt: new Date(t).toISOString(),
    personId,
    placeId: place,
    direction: 'place_code' as const,
  });
  const scans = [scan(caseId, at), ...rows.slice(1).map((r, i) => scan(r.id, at + ((i % 59) - 29) * MIN))];
  for (let i = 0; i < scans.length; i += 1000) await insertScans(ctx.db, scans.slice(i, i + 1000), now);
  await ctx.db.transaction().execute((trx) => storeReviewSettings(trx, { mode: 'automatic', threshold: 0 }));
  const nationalIds = new Map<string, string>();
  const city = generateDemoCity({ seed: SEED, residents: Number(process.env.BENCH_TRACING_RESIDENTS ?? 3000) });
  for (const g of city.grids)
    for (const h of city.householdsOf(g)) for (const r of h.residents) nationalIds.set(r.id, r.nationalId);
  const admin = await ctx.db
    .selectFrom('staff')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'staff.scope_jurisdiction_id')
    .select(['staff.id', 'staff.scope_jurisdiction_id', 'jurisdictions.path'])
    .where('username', '=', 'admin')
    .executeTakeFirstOrThrow();
  const principal: Principal = {
    kind: 'staff',
    id: admin.id,
    role: 'admin',
    scopeId: admin.scope_jurisdiction_id,
    scopePath: admin.path,
  };
  const lab = await issueApiToken(ctx, principal, {
    kind: 'lab',
    name: 'bench lab',
    scopeJurisdictionId: admin.scope_jurisdiction_id,
  });
  const app = await buildServer(ctx, { serveWeb: false });

  const t0 = performance.now();
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/lab-results',
    headers: { authorization: `Bearer ${lab.token}`, 'content-type': 'text/csv' },
    payload: `national_id,specimen_id,collected_at,result\n${nationalIds.get(caseId)},BENCH-1,${new Date(now.getTime() - 600_000).toISOString()},detected\n`,
  });
  const tLab = performance.now();
  if (res.json().casesOpened !== 1) throw new Error(`lab result: ${res.body}`);
  const c = await ctx.db.selectFrom('cases').select('id').where('person_id', '=', caseId).executeTakeFirstOrThrow();
  const report = await traceCase(ctx, c.id);
  const t1 = performance.now();
  const red = await ctx.db
    .selectFrom('statuses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('color', '=', 'red')
    .where(
      'person_id',
      'in',
      rows.map((r) => r.id),
    )
    .executeTakeFirstOrThrow();
  await app.close();
  if (Number(red.n) !== contacts + 1) throw new Error(`expected ${contacts + 1} red, got ${red.n}`);
  log(
    `${kind}: positive → ${contacts} contacts red in ${((t1 - t0) / 1000).toFixed(2)} s (lab ${(tLab - t0).toFixed(0)} ms, search ${report!.ms.search} ms, record ${report!.ms.record} ms)`,
  );
  return [
    {
      name: `positive result → ${contacts.toLocaleString('en-US')} contacts' statuses updated`,
      value: (t1 - t0) / 1000,
      unit: 's',
      notes: `${kind}; lab POST ${(tLab - t0).toFixed(0)} ms, search ${report!.ms.search} ms, facts+statuses ${report!.ms.record} ms`,
      target: '≤ 2 s',
    },
  ];
}

async function searchAtScale(rt: Runtime, kind: string, total: number): Promise<BenchResult[]> {
  const { ctx } = rt;
  const now = ctx.clock.now();
  const days: string[] = [];
  for (let d = 28; d >= 0; d--) days.push(utcDay(now.getTime() - d * DAY_MS));
  await ensureScanPartitions(ctx, days);
  // A city-sized background: 200,000 people scanning 10,000 places over 28 days.
  const chunk = 1_000_000;
  const t0 = performance.now();
  for (let done = 0; done < total; done += chunk) {
    const n = Math.min(chunk, total - done);
    await sql`
      insert into scans (id, source_id, client_id, scanned_day, scanned_at, person_id, place_id, direction, received_at)
      select gen_random_uuid(), person, 'bg-' || g, (at at time zone 'UTC')::date, at, person, place, 'place_code', ${now.toISOString()}::timestamptz
      from (
        select g,
          md5('person-' || (random() * 200000)::int)::uuid as person,
          md5('place-' || (random() * 10000)::int)::uuid as place,
          ${now.toISOString()}::timestamptz - random() * interval '27 days 23 hours' as at
        from generate_series(${done + 1}::int, ${done + n}::int) g
      ) x`.execute(ctx.db);
    log(
      `${kind}: ${(done + n).toLocaleString('en-US')} scans generated (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    );
  }
  // 50 cases, each with 40 scans spread over the last 14 days at places of the background.
  const cases = Array.from({ length: 50 }, (_, k) => `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`);
  await sql`
    insert into scans (id, source_id, client_id, scanned_day, scanned_at, person_id, place_id, direction, received_at)
    select gen_random_uuid(), c::uuid, 'case-' || i, (at at time zone 'UTC')::date, at, c::uuid, place, 'place_code', ${now.toISOString()}::timestamptz
    from (
      select c, i, md5('place-' || (random() * 10000)::int)::uuid as place,
        ${now.toISOString()}::timestamptz - random() * interval '14 days' as at
      from unnest(${cases}::text[]) c, generate_series(1, 40) i
    ) x`.execute(ctx.db);
  if (ctx.dbKind === 'postgres') await sql`analyze scans`.execute(ctx.db);
  else await sql`analyze`.execute(ctx.db);
  const genSeconds = (performance.now() - t0) / 1000;

  const from = new Date(now.getTime() - 14 * DAY_MS);
  const closeMs: number[] = [];
  const fullMs: number[] = [];
  let contacts = 0;
  let secondary = 0;
  for (const round of [0, 1]) {
    for (const person of cases) {
      let t = performance.now();
      const r1 = await searchExposures(
        ctx,
        { person_id: person, infectious_from: from },
        defaultRuleSet.parameters,
        now,
        {
          secondary: false,
        },
      );
      if (round === 1) closeMs.push(performance.now() - t);
      t = performance.now();
      const r2 = await searchExposures(
        ctx,
        { person_id: person, infectious_from: from },
        defaultRuleSet.parameters,
        now,
      );
      if (round === 1) {
        fullMs.push(performance.now() - t);
        contacts += r1.close.length;
        secondary += r2.secondary.length;
      }
      if (r1.caseScans.length !== 40) throw new Error(`case ${person} has ${r1.caseScans.length} scans`);
    }
  }
  const label = `${(total / 1e6).toLocaleString('en-US')}M scans`;
  log(
    `${kind}: close-contact search p50 ${pct(closeMs, 50).toFixed(1)} ms p99 ${pct(closeMs, 99).toFixed(1)} ms; with secondary p50 ${pct(fullMs, 50).toFixed(1)} ms (avg ${Math.round(contacts / 50)} close, ${Math.round(secondary / 50)} secondary)`,
  );
  return [
    { name: `scan table generated (${label})`, value: genSeconds, unit: 's', notes: kind },
    {
      name: `exposure search, 40 scans over 14 days, ${label}: p50`,
      value: pct(closeMs, 50),
      unit: 'ms',
      notes: `${kind}; close contacts (avg ${Math.round(contacts / 50)} per case); 50 cases`,
      target: '≤ 10 ms',
    },
    { name: `exposure search, 40 scans over 14 days, ${label}: p99`, value: pct(closeMs, 99), unit: 'ms', notes: kind },
    {
      name: `exposure search with secondary contacts, ${label}: p50`,
      value: pct(fullMs, 50),
      unit: 'ms',
      notes: `${kind}; avg ${Math.round(secondary / 50)} secondary contacts per case`,
    },
    { name: `exposure search with secondary contacts, ${label}: p99`, value: pct(fullMs, 99), unit: 'ms', notes: kind },
  ];
}

export default async function tracing({ quick }: { quick: boolean }): Promise<BenchResult[]> {
  const only = (process.env.BENCH_TRACING_PARTS ?? 'ingest,positive,search').split(',');
  const backends = (process.env.BENCH_TRACING_BACKENDS ?? 'postgres,pglite').split(',') as Array<'pglite' | 'postgres'>;
  const residents = Number(process.env.BENCH_TRACING_RESIDENTS ?? 3000);
  const results: BenchResult[] = [];
  for (const kind of backends) {
    const db = await freshDatabase(kind);
    const clock = new ManualClock(new Date());
    const rt = await open(db.env, clock);
    try {
      await seedDemoCity(rt.ctx, { seed: SEED, residents });
      // The positive-result case runs first, on a quiet table: ingestion adds 200,000 scans at the same venues.
      if (only.includes('positive')) results.push(...(await positiveToStatuses(rt, kind, 2000)));
      if (only.includes('ingest')) results.push(...(await ingestion(rt, kind, quick)));
      if (only.includes('search')) {
        const total = Number(process.env.BENCH_TRACING_SCANS ?? (quick || kind === 'pglite' ? 1_000_000 : 10_000_000));
        results.push(...(await searchAtScale(rt, kind, total)));
      }
    } finally {
      await rt.close();
      await db.drop();
    }
  }
  return results;
}
