import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Bench, BenchResult } from './run.ts';
import { freshDatabase } from './support/databases.ts';
import { chainHash, GENESIS_HASH, type AuditEntryContent } from '../src/core/audit/hash-chain.ts';
import { createRuntime } from '../src/platform/bootstrap.ts';
import { loadConfig } from '../src/platform/config.ts';
import type { AppContext } from '../src/platform/context.ts';
import { createLogger } from '../src/platform/logger.ts';
import { emitEvent } from '../src/platform/events/outbox.ts';
import { buildServer } from '../src/platform/http/server.ts';
import { appendAudit } from '../src/modules/audit/audit.repository.ts';
import { createCheckpoint } from '../src/modules/audit/checkpoints.service.ts';
import { verifyAuditChain } from '../src/modules/audit/verify.service.ts';
import { runScenario } from '../src/modules/anomalies/scenario.ts';
import { seedDemoCity } from '../src/modules/demo/demo-seed.service.ts';

/**
 * The accountability benchmarks: `tessera audit verify` over a long chain (entries/s), the cost of the audit entry on
 * a write endpoint (req/s with and without it), and the latency from a triggering event to an anomaly flag.
 */
const bench: Bench = async ({ quick }) => {
  const out: BenchResult[] = [];
  out.push(...(await verifyThroughput('postgres', quick ? 1_000_000 : 10_000_000)));
  out.push(...(await verifyThroughput('pglite', quick ? 200_000 : 1_000_000)));
  for (const kind of ['postgres', 'pglite'] as const) out.push(...(await writeOverhead(kind, quick)));
  out.push(...(await detectionLatency(quick)));
  return out;
};
export default bench;

async function runtime(kind: 'pglite' | 'postgres') {
  const db = await freshDatabase(kind);
  const rt = await createRuntime(loadConfig({ ...db.env, LOG_LEVEL: 'warn', RATE_LIMITS: 'off' }), {
    logger: createLogger('warn', process.stderr as never),
  });
  return {
    ctx: rt.ctx,
    async close() {
      await rt.close();
      await db.drop();
    },
  };
}

const ACTIONS = ['resident.read', 'fact.record', 'status.change', 'status.read', 'override.propose'];

/** A deterministic uuid from a number, so generated entries look like real ones without a PRNG per row. */
function uuidOf(n: number): string {
  const h = createHash('md5').update(String(n)).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Writes `n` valid chained entries fast: hashes computed here, rows inserted 20,000 at a time through unnest().
 * Secondary indexes are dropped for the load (verification reads by primary key only).
 */
export async function loadChain(ctx: AppContext, n: number, log: (done: number) => void) {
  // Loaded entries are sealed already (chain_pos = seq); the sequence continues after them.
  for (const i of ['audit_person_idx', 'audit_actor_idx', 'audit_action_idx', 'audit_subject_idx', 'audit_at_brin'])
    await sql`drop index if exists ${sql.raw(i)}`.execute(ctx.db);
  const t0 = Date.UTC(2026, 0, 1);
  let prev = GENESIS_HASH;
  const BATCH = 20_000;
  for (let start = 1; start <= n; start += BATCH) {
    const cols: unknown[][] = Array.from({ length: 14 }, () => []);
    for (let seq = start; seq < Math.min(n + 1, start + BATCH); seq++) {
      const person = seq % 3 === 0 ? null : uuidOf(seq % 100_000);
      const e: AuditEntryContent = {
        seq,
        at: new Date(t0 + seq * 37).toISOString(),
        actorKind: 'staff',
        actorId: uuidOf(1_000_000 + (seq % 50)),
        actorRole: 'health_officer',
        actorScope: '990100',
        action: ACTIONS[seq % ACTIONS.length] as string,
        subjectKind: 'resident',
        subjectId: person,
        personId: person,
        purpose: seq % 2 ? 'tracing' : null,
        detail: { i: seq % 1000, via: 'bench' },
      };
      const hash = chainHash(prev, e);
      const row = [
        e.seq,
        e.at,
        e.actorKind,
        e.actorId,
        e.actorRole,
        e.actorScope,
        e.action,
        e.subjectKind,
        e.subjectId,
        e.personId,
        e.purpose,
        JSON.stringify(e.detail),
        prev,
        hash,
      ];
      row.forEach((v, k) => (cols[k] as unknown[]).push(v));
      prev = hash;
    }
    await sql`
      insert into audit_log (chain_pos, seq, at, actor_kind, actor_id, actor_role, actor_scope, action, subject_kind,
        subject_id, person_id, purpose, detail, prev_hash, hash)
      select * from unnest(${cols[0]}::bigint[], ${cols[0]}::bigint[], ${cols[1]}::timestamptz[], ${cols[2]}::text[], ${cols[3]}::text[],
        ${cols[4]}::text[], ${cols[5]}::text[], ${cols[6]}::text[], ${cols[7]}::text[], ${cols[8]}::text[],
        ${cols[9]}::uuid[], ${cols[10]}::text[], ${cols[11]}::jsonb[], ${cols[12]}::text[], ${cols[13]}::text[])`.execute(
      ctx.db,
    );
    log(Math.min(n, start + BATCH - 1));
  }
  await sql`select setval('audit_log_seq_gen', ${n + 1}, false)`.execute(ctx.db);
}

async function verifyThroughput(kind: 'pglite' | 'postgres', n: number): Promise<BenchResult[]> {
  const rt = await runtime(kind);
  try {
    const { ctx } = rt;
    await ctx.db
      .insertInto('jurisdictions')
      .values({
        id: '990100',
        parent_id: null,
        level: 'city',
        name_zh: '示例市',
        name_en: 'Demo City',
        path: '990100',
        depth: 0,
      })
      .execute();
    const t0 = performance.now();
    let last = 0;
    await loadChain(ctx, n, (done) => {
      if (performance.now() - last > 5000) {
        last = performance.now();
        process.stderr.write(
          `  ${kind}: loaded ${done.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} entries\n`,
        );
      }
    });
    const loadS = (performance.now() - t0) / 1000;
    if (kind === 'postgres') await sql`analyze audit_log`.execute(ctx.db);
    await createCheckpoint(ctx); // the key's creation is one more entry; the checkpoint then covers the whole chain
    const t1 = performance.now();
    const report = await verifyAuditChain(ctx, { batch: 20_000 });
    const s = (performance.now() - t1) / 1000;
    if (!report.ok) throw new Error(`verification failed on a valid chain: ${report.message}`);
    return [
      {
        name: 'audit verify',
        value: Math.round(report.entries / s),
        unit: 'entries/s',
        notes: `${kind}, ${report.entries.toLocaleString('en-US')} entries in ${s.toFixed(1)} s, checked against ${report.checkpoints.count} signed checkpoint`,
      },
      {
        name: 'audit chain load (bench setup)',
        value: Math.round(n / loadS),
        unit: 'entries/s',
        notes: `${kind}: hashes in Node, unnest() inserts of 20,000`,
      },
    ];
  } finally {
    await rt.close();
  }
}

/**
 * The same write with and without its audit entry: insert a notification and an outbox event in one transaction
 * (what a typical write endpoint does), served over HTTP to 16 concurrent clients, alternating rounds.
 */
export async function writeOverhead(kind: 'pglite' | 'postgres', quick: boolean): Promise<BenchResult[]> {
  const rt = await runtime(kind);
  let app: FastifyInstance | null = null;
  try {
    const { ctx } = rt;
    await seedDemoCity(ctx, { seed: 1, residents: 200 });
    const people = (await ctx.db.selectFrom('residents').select('id').limit(200).execute()).map((r) => r.id);
    const write = async (audit: boolean, i: number) => {
      const personId = people[i % people.length] as string;
      const now = ctx.clock.now();
      await ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('notifications')
          .values({
            id: randomUUID(),
            person_id: personId,
            kind: 'bench',
            payload: JSON.stringify({ i }),
            created_at: now,
          })
          .execute();
        await emitEvent(trx, now, 'bench.write', { personId, i });
        if (audit)
          await appendAudit(trx, now, {
            actor: { kind: 'staff', id: 'bench', role: 'health_officer', scope: '990100' },
            action: 'bench.write',
            subjectKind: 'notification',
            personId,
            purpose: 'tracing',
            detail: { i },
          });
      });
    };
    app = await buildServer(ctx, {
      serveWeb: false,
      extraModules: [
        async (a) => {
          let n = 0;
          a.post('/bench/with-audit', async () => {
            await write(true, n++);
            return { ok: true };
          });
          a.post('/bench/without-audit', async () => {
            await write(false, n++);
            return { ok: true };
          });
        },
      ],
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const seconds = quick ? 3 : 8;
    const measure = async (path: string, clients: number) => {
      const until = performance.now() + seconds * 1000;
      let done = 0;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (performance.now() < until) {
            const r = await fetch(`${base}${path}`, { method: 'POST' });
            await r.arrayBuffer();
            if (!r.ok) throw new Error(`${path} ${r.status}`);
            done++;
          }
        }),
      );
      return done / seconds;
    };
    await measure('/bench/without-audit', 4); // warm-up
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1] as number;
    const out: BenchResult[] = [];
    for (const clients of [1, 16]) {
      const with_: number[] = [];
      const without: number[] = [];
      for (let round = 0; round < 3; round++) {
        without.push(await measure('/bench/without-audit', clients));
        with_.push(await measure('/bench/with-audit', clients));
      }
      const w = median(with_);
      const wo = median(without);
      out.push(
        {
          name: 'write endpoint without audit entry',
          value: Math.round(wo),
          unit: 'req/s',
          notes: `${kind}, ${clients} client(s)`,
        },
        {
          name: 'write endpoint with audit entry',
          value: Math.round(w),
          unit: 'req/s',
          notes: `${kind}, ${clients} client(s)`,
        },
        {
          name: 'audit write overhead',
          value: Number((((wo - w) / wo) * 100).toFixed(1)),
          unit: '% slower',
          target: '< 15',
          notes: `${kind}, ${clients} client(s); median of 3 alternating rounds of ${seconds} s`,
        },
      );
    }
    return out;
  } finally {
    await app?.close();
    await rt.close();
  }
}

/** The Zhengzhou replay: how many actions and how much (simulated) time until each detector flags, and how long the
 * detection itself takes after the triggering event is committed. */
async function detectionLatency(quick: boolean): Promise<BenchResult[]> {
  const r = await runScenario('zhengzhou', { residents: quick ? 1500 : 3000, people: quick ? 100 : 300, seed: 1 });
  const normal = await runScenario('normal', { residents: quick ? 1500 : 3000, seed: 2 });
  const first = (d: string, phase: string) => r.flags.find((f) => f.detector === d && f.phase === phase);
  const out: BenchResult[] = [];
  for (const [d, phase] of [
    ['unsupported-status', 'station-exposures'],
    ['exposure-burst', 'station-exposures'],
    ['override-burst', 'mass-overrides'],
  ] as const) {
    const f = first(d, phase);
    out.push({
      name: `anomaly detection latency: ${d}`,
      value: f?.latencyMs ?? -1,
      unit: 'ms',
      notes: f
        ? `event committed → flag stored; raised after ${f.afterActions} actions, ${f.simMinutes} simulated min into the pattern`
        : 'NOT FLAGGED',
    });
  }
  const lat = r.flags.map((f) => f.latencyMs).sort((a, b) => a - b);
  out.push({
    name: 'anomaly detection latency, all flags (p50 / max)',
    value: lat[Math.floor(lat.length / 2)] ?? -1,
    unit: 'ms',
    notes: `max ${lat.at(-1) ?? -1} ms over ${lat.length} flags; plus up to 250 ms until the outbox relay picks the event up`,
  });
  out.push({
    name: 'flags on a normal outbreak',
    value: normal.flags.length + normal.sweep.raised,
    unit: 'flags',
    target: '0',
    notes: `${Object.values(normal.actions).reduce((a, b) => a + b, 0)} actions`,
  });
  return out;
}
