import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Bench, BenchResult } from './run.ts';
import { freshDatabase } from './support/databases.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createRuntime } from '../src/platform/bootstrap.ts';
import { createLogger } from '../src/platform/logger.ts';
import { Prng } from '../src/core/random/prng.ts';
import {
  createWorkflowConfig,
  reportIncident,
  SEED_CATEGORY_TREE,
  transition,
  type Actor,
  type WorkflowAction,
} from '../src/core/workflow/index.ts';
import { loadWorkflow } from '../src/modules/incidents/categories.service.ts';
import { evaluateInDatabase } from '../src/modules/evaluation/evaluation.service.ts';
import type { EvaluationGrouping } from '../src/modules/evaluation/evaluation.queries.ts';

/**
 * Grid operations:
 * - incident reports per second through HTTP, each with one 200 KB photo (duplicate check, grid lookup, photo
 *   check, insert, audit, outbox), 16 concurrent clients;
 * - workflow transitions per second: the pure state machine, and file → dispatch → accept → feedback → close
 *   through HTTP (each step a transaction with timeline, task, audit and outbox);
 * - evaluation over a year of generated incidents on the PostgreSQL server (1,000,000; quick: 100,000).
 */

const MIN = 60_000;
const DAY = 86_400_000;
const PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(200 * 1024 - 4)]).toString('base64');
const CATEGORIES = SEED_CATEGORY_TREE.majors
  .flatMap((m) => m.minors)
  .filter((c) => c.attributes.every((a) => !a.required))
  .map((c) => c.code);
const GRID_WORKER_CATEGORIES = SEED_CATEGORY_TREE.majors
  .flatMap((m) => m.minors)
  .filter((c) => c.handler.role === 'grid_worker' && c.attributes.every((a) => !a.required))
  .map((c) => c.code);

function coreTransitions(quick: boolean): BenchResult {
  const config = createWorkflowConfig({ categories: SEED_CATEGORY_TREE });
  const path = '990000.990100.990101.990101001.990101001001';
  const resident: Actor = { id: 'r', role: 'resident', jurisdictionPath: null };
  const officer: Actor = { id: 'o', role: 'community_officer', jurisdictionPath: path };
  const checker: Actor = { id: 'c', role: 'community_officer', jurisdictionPath: path };
  const worker: Actor = { id: 'w', role: 'grid_worker', jurisdictionPath: path };
  const assignee = { id: 'w', role: 'grid_worker' as const, jurisdictionPath: path, department: 'sanitation' };
  const n = quick ? 20_000 : 100_000;
  const t0 = Date.UTC(2026, 2, 2, 1, 0);
  let steps = 0;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const at = t0 + i * MIN;
    const r = reportIncident(
      {
        id: `i${i}`,
        categoryCode: '0101',
        jurisdictionPath: path,
        gridCode: null,
        source: 'resident',
        actor: resident,
        at,
      },
      config,
    );
    if (!r.ok) throw new Error(r.error.message);
    let state = r.next;
    const actions: WorkflowAction[] = [
      { type: 'file', actor: officer, at: at + 5 * MIN },
      { type: 'dispatch', actor: officer, at: at + 10 * MIN, assignee },
      { type: 'accept', actor: worker, at: at + 15 * MIN },
      { type: 'feedback', actor: worker, at: at + 60 * MIN, reason: 'cleared' },
      { type: 'close', actor: checker, at: at + 90 * MIN },
      { type: 'evaluate', actor: checker, at: at + 95 * MIN, rating: 5 },
    ];
    for (const a of actions) {
      const next = transition(state, a, config);
      if (!next.ok) throw new Error(next.error.message);
      state = next.next;
      steps++;
    }
  }
  const s = (performance.now() - start) / 1000;
  return {
    name: 'state machine transition() (core)',
    value: Math.round(steps / s),
    unit: 'transitions/s',
    notes: `${steps} steps, one core`,
  };
}

async function waitUp(base: string) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/api/v1/health`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not start');
}

async function signIn(base: string, body: Record<string, string>, kind: 'staff' | 'resident'): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/${kind}/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, password: 'tessera-demo' }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

async function httpBenches(
  kind: 'pglite' | 'postgres',
  env: Record<string, string>,
  quick: boolean,
  points: Point[],
  place: Place,
) {
  const out: BenchResult[] = [];
  const port = 19000 + Math.floor(Math.random() * 900);
  const server = spawn(process.execPath, ['bin/tessera.js', 'serve'], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn', RATE_LIMITS: 'off' },
    stdio: 'ignore',
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitUp(base);
    const residents = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        signIn(base, { phone: `138000000${String(i + 1).padStart(2, '0')}` }, 'resident'),
      ),
    );
    const rng = new Prng(5);
    const report = async (token: string, p: Point, category: string, photo: boolean) => {
      const body = JSON.stringify({
        categoryCode: category,
        description: 'Benchmark report',
        lat: p.lat,
        lng: p.lng,
        ...(photo ? { photos: [{ data: PHOTO }] } : {}),
      });
      const post = (q: string) =>
        fetch(`${base}/api/v1/incidents${q}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
        });
      let res = await post('');
      // A nearby open report of the category is offered as a duplicate; the app would then file it anyway.
      if (res.status === 409) res = await post('?allowDuplicate=true');
      if (res.status !== 201) throw new Error(`report ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { incident: { id: string } }).incident.id;
    };
    for (let i = 0; i < 20; i++)
      await report(residents[i % 20] as string, rng.pick(points), rng.pick(CATEGORIES), true);

    const n = quick ? 300 : 1000;
    const jobs = Array.from({ length: n }, (_, i) => i);
    const latencies: number[] = [];
    const t0 = performance.now();
    await pool(jobs, 16, async (i) => {
      const s = performance.now();
      await report(residents[i % 20] as string, rng.pick(points), rng.pick(CATEGORIES), true);
      latencies.push(performance.now() - s);
    });
    const secs = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    out.push(
      {
        name: 'incident reports via HTTP, 200 KB photo',
        value: n / secs,
        unit: 'reports/s',
        notes: `${kind}, 16 clients, ${n} reports`,
      },
      {
        name: 'incident report via HTTP: p50',
        value: latencies[Math.floor(n * 0.5)] as number,
        unit: 'ms',
        notes: kind,
      },
      {
        name: 'incident report via HTTP: p99',
        value: latencies[Math.floor(n * 0.99)] as number,
        unit: 'ms',
        notes: kind,
      },
    );

    // Transitions through HTTP: one grid, its community officer dispatching and closing, its worker handling.
    const officer = await signIn(base, { username: `community.${place.communityId}` }, 'staff');
    const worker = await signIn(base, { username: `worker.${place.gridCode}` }, 'staff');
    const m = quick ? 100 : 300;
    const ids: string[] = [];
    for (let i = 0; i < m; i++)
      ids.push(
        await report(residents[i % 20] as string, rng.pick(place.points), rng.pick(GRID_WORKER_CATEGORIES), false),
      );
    const act = async (token: string, id: string, payload: Record<string, unknown>) => {
      const res = await fetch(`${base}/api/v1/incidents/${id}/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(payload),
      });
      if (!res.ok) throw new Error(`${String(payload.type)} ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    };
    const t1 = performance.now();
    await pool(ids, 8, async (id) => {
      await act(officer, id, { type: 'file' });
      await act(officer, id, { type: 'dispatch' });
      await act(worker, id, { type: 'accept' });
      await act(worker, id, { type: 'feedback', reason: 'done' });
      await act(officer, id, { type: 'close' });
    });
    const tsecs = (performance.now() - t1) / 1000;
    out.push({
      name: 'workflow transitions via HTTP',
      value: (5 * m) / tsecs,
      unit: 'transitions/s',
      notes: `${kind}, 8 clients, file→dispatch→accept→feedback→close × ${m}`,
    });
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  return out;
}

interface Point {
  lat: number;
  lng: number;
}
interface Place {
  gridCode: string;
  communityId: string;
  points: Point[];
}

/**
 * A year of incidents generated in SQL: reported uniformly over the year, 3 % rejected, 85 % closed (a fifth of
 * them late, 8 % reworked), the rest open (some parked, some overdue), spread over every grid, category and
 * grid worker of the seeded city. Only the narrow evaluation row is generated; timelines are not needed when
 * the evaluation is made as of the end of the year.
 */
async function generateYear(db: Awaited<ReturnType<typeof createRuntime>>['ctx']['db'], n: number, yearStart: Date) {
  await sql`
    with g as (
      select array_agg(code::text order by code) as codes, array_agg(community_id order by code) as comms from grids
    ), c as (
      select array_agg(code order by code) as codes, array_agg(department order by code) as depts
      from incident_categories
    ), w as (
      select array_agg(id order by id) as ids from staff where role = 'grid_worker'
    ), base as (
      select s, random() as r1, random() as r2, random() as r3, random() as r4,
             ${yearStart}::timestamptz + random() * interval '364 days' as rep,
             1 + floor(random() * (select array_length(codes, 1) from g))::int as gi,
             1 + floor(random() * (select array_length(codes, 1) from c))::int as ci,
             1 + floor(random() * (select array_length(ids, 1) from w))::int as wi
      from generate_series(1, ${n}) as s
    ), shaped as (
      select base.*,
             case when r1 < 0.03 then 'rejected' when r1 < 0.88 then 'closed' when r1 < 0.89 then 'parked'
                  when r1 < 0.95 then 'handling' else 'dispatched' end as kind,
             rep + (interval '1 minute' * (5 + r2 * 115)) as filed,
             rep + (interval '1 hour' * (1 + r3 * 200)) as done
      from base
    )
    insert into incidents (id, category_code, grid_code, community_id, stage, reported_at, updated_at, version, due_at,
                           next_escalation_at, escalation_level, assignee_id, filed_at, rejected_at, closed_at, late_at,
                           first_feedback_at, first_rework_at, handling_ms, last_feedback_by, last_assignee_id,
                           last_department)
    select gen_random_uuid(), c.codes[ci], g.codes[gi], g.comms[gi],
           case kind when 'closed' then (case when r4 < 0.5 then 'evaluated' else 'closed' end) else kind end,
           rep,
           case kind when 'rejected' then filed when 'closed' then done else filed + interval '10 minutes' end,
           6,
           case when kind in ('handling', 'dispatched') then done else null end,
           null, 0,
           case when kind in ('handling', 'dispatched', 'parked') then w.ids[wi] else null end,
           case when kind = 'rejected' then null else filed end,
           case when kind = 'rejected' then filed else null end,
           case when kind = 'closed' then done else null end,
           case when kind = 'closed' and r2 < 0.2 then done - interval '30 minutes' else null end,
           case when kind = 'closed' then done - interval '1 hour' else null end,
           case when kind = 'closed' and r3 < 0.08 then done - interval '2 hours' else null end,
           case when kind = 'closed' then (extract(epoch from (done - filed)) * 800)::bigint else 0 end,
           case when kind = 'closed' then w.ids[wi] else null end,
           case when kind = 'rejected' then null else w.ids[wi] end,
           case when kind = 'rejected' then null else c.depts[ci] end
    from shaped, g, c, w`.execute(db);
  await sql`analyze incidents`.execute(db);
}

async function evaluationBench(env: Record<string, string>, quick: boolean): Promise<BenchResult[]> {
  const rt = await createRuntime(loadConfig({ ...env, LOG_LEVEL: 'silent' }), { logger: createLogger('silent') });
  const out: BenchResult[] = [];
  try {
    const n = Number(process.env.BENCH_INCIDENTS ?? (quick ? 100_000 : 1_000_000));
    await loadWorkflow(rt.ctx); // seeds the category table
    await rt.ctx.db.deleteFrom('incident_events').execute();
    await rt.ctx.db.deleteFrom('tasks').execute();
    await rt.ctx.db.deleteFrom('incident_photos').execute();
    await rt.ctx.db.deleteFrom('incident_supporters').execute();
    await rt.ctx.db.deleteFrom('incident_details').execute();
    await rt.ctx.db.deleteFrom('incidents').execute();
    const yearStart = new Date('2025-01-01T00:00:00+08:00');
    const yearEnd = new Date(yearStart.getTime() + 365 * DAY);
    const g0 = performance.now();
    await generateYear(rt.ctx.db, n, yearStart);
    out.push({
      name: `generate ${n.toLocaleString('en-US')} incidents (SQL generate_series)`,
      value: (performance.now() - g0) / 1000,
      unit: 's',
      notes: 'postgres',
    });
    const district = (
      await rt.ctx.db
        .selectFrom('jurisdictions')
        .select('path')
        .where('level', '=', 'district')
        .orderBy('id')
        .executeTakeFirstOrThrow()
    ).path;
    const runs: [EvaluationGrouping, string | null][] = [
      ['none', null],
      ['grid', null],
      ['worker', null],
      ['department', null],
      ['jurisdiction', null],
      ['category', null],
      ['grid', district],
    ];
    for (const [groupBy, scopePath] of runs) {
      const q = { from: yearStart, to: yearEnd, asOf: yearEnd, scopePath, groupBy };
      await evaluateInDatabase(rt.ctx.db, q); // warm
      const times: number[] = [];
      let groups = 0;
      let reported = 0;
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        const r = await evaluateInDatabase(rt.ctx.db, q);
        times.push(performance.now() - t);
        groups = r.groups.length;
        reported = r.total.reported;
      }
      times.sort((a, b) => a - b);
      out.push({
        name: `evaluation of a year, by ${groupBy}${scopePath ? ' (one district)' : ''}`,
        value: times[1] as number,
        unit: 'ms',
        target: '< 1000 ms',
        notes: `postgres, ${reported.toLocaleString('en-US')} incidents, ${groups} groups, median of 3`,
      });
    }
  } finally {
    await rt.close();
  }
  return out;
}

const bench: Bench = async ({ quick }) => {
  const out: BenchResult[] = [coreTransitions(quick)];
  const residents = quick ? 10_000 : 50_000;
  for (const kind of ['pglite', 'postgres'] as const) {
    const db = await freshDatabase(kind);
    try {
      execFileSync(process.execPath, ['bin/tessera.js', 'seed', '--residents', String(residents)], {
        env: { ...process.env, ...db.env, LOG_LEVEL: 'warn' },
        stdio: 'ignore',
      });
      const rt = await createRuntime(loadConfig({ ...db.env, LOG_LEVEL: 'silent' }), {
        logger: createLogger('silent'),
      });
      let points: Point[];
      let place: Place;
      try {
        points = await rt.ctx.db.selectFrom('households').select(['lat', 'lng']).orderBy('id').limit(5000).execute();
        const grid = await rt.ctx.db
          .selectFrom('grids')
          .select(['code', 'community_id'])
          .orderBy('code')
          .executeTakeFirstOrThrow();
        place = {
          gridCode: grid.code,
          communityId: grid.community_id,
          points: await rt.ctx.db
            .selectFrom('households')
            .select(['lat', 'lng'])
            .where('grid_code', '=', grid.code)
            .execute(),
        };
      } finally {
        await rt.close();
      }
      out.push(...(await httpBenches(kind, db.env, quick, points, place)));
      if (kind === 'postgres') out.push(...(await evaluationBench(db.env, quick)));
    } finally {
      await db.drop();
    }
  }
  return out;
};
export default bench;
