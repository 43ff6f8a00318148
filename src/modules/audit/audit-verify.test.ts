import { sql } from 'kysely';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { chainHash } from '../../core/audit/hash-chain.ts';
import { appendAudit, auditRowToContent, type AuditRow } from './audit.repository.ts';
import { createCheckpoint } from './checkpoints.service.ts';
import { sealAuditChain } from './sealer.ts';
import { verifyAuditChain } from './verify.service.ts';

const ENTRIES = 60;

describeEachBackend('audit chain verification against tampering in the database', (env) => {
  let snapshot: Array<AuditRow & { chain_pos: number | string | null }> = [];
  let checkpoints: Array<Record<string, unknown>> = [];

  const db = () => env().ctx.db;
  type Row = AuditRow & { chain_pos: number | string | null };
  const rows = async () =>
    (await db().selectFrom('audit_log').selectAll().orderBy('chain_pos').execute()) as unknown as Row[];
  const hashAt = async (pos: number) =>
    (await db().selectFrom('audit_log').select('hash').where('chain_pos', '=', pos).executeTakeFirstOrThrow()).hash;

  beforeAll(async () => {
    const { ctx } = env();
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
    for (let i = 0; i < ENTRIES; i++) {
      env().clock.advance(1000);
      await ctx.db.transaction().execute((trx) =>
        appendAudit(trx, ctx.clock.now(), {
          actor: { kind: 'staff', id: `staff-${i % 3}`, role: 'health_officer', scope: '990100' },
          action: i % 2 ? 'resident.read' : 'fact.record',
          subjectKind: 'resident',
          subjectId: `r-${i}`,
          personId: null,
          purpose: 'tracing',
          detail: { i, nested: { b: [1, 2, { z: 'ü' }], a: null } },
        }),
      );
      // Checkpoints at two points of the chain (the key creation appends an entry of its own the first time).
      if (i === 29 || i === ENTRIES - 1) await createCheckpoint(ctx);
    }
    snapshot = await rows();
    checkpoints = (await db().selectFrom('audit_checkpoints').selectAll().orderBy('id').execute()) as Array<
      Record<string, unknown>
    >;
    expect(checkpoints.length).toBe(2);
  });

  afterEach(async () => {
    // Put the pristine chain and checkpoints back after each tampering.
    await db().deleteFrom('audit_log').execute();
    for (let i = 0; i < snapshot.length; i += 500)
      await db()
        .insertInto('audit_log')
        .values(
          snapshot.slice(i, i + 500).map((r) => ({
            ...r,
            detail: JSON.stringify(typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail),
          })) as never,
        )
        .execute();
    await db().deleteFrom('audit_checkpoints').execute();
    await db()
      .insertInto('audit_checkpoints')
      .values(checkpoints as never)
      .execute();
  });

  it('accepts the intact chain and its signed checkpoints', async () => {
    const r = await verifyAuditChain(env().ctx, { batch: 7 });
    expect(r.ok).toBe(true);
    expect(r.finding).toBeNull();
    expect(r.entries).toBe(snapshot.length);
    expect(r.head.seq).toBe(snapshot.length);
    expect(r.checkpoints.count).toBe(2);
  });

  it('names an updated entry (action changed)', async () => {
    await db().updateTable('audit_log').set({ action: 'nothing.to.see' }).where('chain_pos', '=', 12).execute();
    const r = await verifyAuditChain(env().ctx, { batch: 5 });
    expect(r.ok).toBe(false);
    expect(r.finding).toMatchObject({ kind: 'altered', pos: 12 });
    expect(r.message).toMatch(/entry 12 \(seq 12\) was altered/);
  });

  it('names an updated entry (detail jsonb, person, time)', async () => {
    await db()
      .updateTable('audit_log')
      .set({ detail: JSON.stringify({ i: 999 }) })
      .where('chain_pos', '=', 20)
      .execute();
    expect((await verifyAuditChain(env().ctx)).finding).toMatchObject({ kind: 'altered', pos: 20 });
    await db()
      .updateTable('audit_log')
      .set({ detail: JSON.stringify(snapshot[19]!.detail) })
      .where('chain_pos', '=', 20)
      .execute();
    await db()
      .updateTable('audit_log')
      .set({ at: new Date(new Date(snapshot[30]!.at).getTime() + 1) })
      .where('chain_pos', '=', 31)
      .execute();
    expect((await verifyAuditChain(env().ctx)).finding).toMatchObject({ kind: 'altered', pos: 31 });
  });

  it('names a deleted entry', async () => {
    await db().deleteFrom('audit_log').where('chain_pos', '=', 17).execute();
    const r = await verifyAuditChain(env().ctx, { batch: 4 });
    expect(r.finding).toMatchObject({ kind: 'missing', pos: 17, count: 1 });
    expect(r.message).toMatch(/entry 17 is missing/);
  });

  it('names a reordering (two entries swap places in the chain)', async () => {
    await sql`update audit_log set chain_pos = -1 where chain_pos = 25`.execute(db());
    await sql`update audit_log set chain_pos = 25 where chain_pos = 26`.execute(db());
    await sql`update audit_log set chain_pos = 26 where chain_pos = -1`.execute(db());
    const r = await verifyAuditChain(env().ctx, { batch: 25 }); // the swap straddles a batch boundary
    expect(r.finding).toMatchObject({ kind: 'reordered', pos: 25, otherPos: 26 });
  });

  it('names an inserted entry, even one with a correctly computed hash', async () => {
    // Make room at position 15 by renumbering the tail, then forge an entry that links to position 14 properly.
    await sql`update audit_log set chain_pos = -chain_pos where chain_pos >= 15`.execute(db());
    await sql`update audit_log set chain_pos = 1 - chain_pos where chain_pos < 0`.execute(db());
    const prev = await hashAt(14);
    const forged = {
      ...auditRowToContent(snapshot[13]!),
      seq: 100_000,
      action: 'override.approve',
      subjectId: 'forged',
    };
    await db()
      .insertInto('audit_log')
      .values({
        seq: forged.seq,
        chain_pos: 15,
        at: new Date(forged.at),
        actor_kind: forged.actorKind,
        actor_id: forged.actorId,
        actor_role: forged.actorRole,
        actor_scope: forged.actorScope,
        action: forged.action,
        subject_kind: forged.subjectKind,
        subject_id: forged.subjectId,
        person_id: null,
        purpose: forged.purpose,
        detail: JSON.stringify(forged.detail),
        prev_hash: prev,
        hash: chainHash(prev, forged),
      })
      .execute();
    const r = await verifyAuditChain(env().ctx, { batch: 15 });
    expect(r.finding).toMatchObject({ kind: 'inserted', pos: 15 });
  });

  it('names a row appended at the end with a made-up hash', async () => {
    const last = snapshot.at(-1)!;
    await db()
      .insertInto('audit_log')
      .values({
        ...last,
        seq: Number(last.seq) + 1000,
        chain_pos: Number(last.chain_pos) + 1,
        detail: JSON.stringify({ forged: true }),
        prev_hash: last.hash,
        hash: 'f'.repeat(64),
      } as never)
      .execute();
    const r = await verifyAuditChain(env().ctx);
    expect(r.finding).toMatchObject({ kind: 'altered', pos: Number(last.chain_pos) + 1 });
  });

  it('catches a truncated tail that a signed checkpoint covers', async () => {
    await db().deleteFrom('audit_log').where('chain_pos', '>', 40).execute();
    const r = await verifyAuditChain(env().ctx);
    expect(r.ok).toBe(false);
    expect(r.finding).toMatchObject({ kind: 'truncated', pos: 41 });
  });

  it('catches a consistently rewritten prefix through the checkpoint signature', async () => {
    // Rewrite entry 10 and recompute every later hash, as someone with database access could.
    const all = await rows();
    let prev = all[8]!.hash;
    for (const r of all.slice(9)) {
      const content = auditRowToContent(r);
      if (Number(r.chain_pos) === 10) content.purpose = 'registry_maintenance';
      const hash = chainHash(prev, content);
      await db()
        .updateTable('audit_log')
        .set({ purpose: content.purpose, prev_hash: prev, hash })
        .where('chain_pos', '=', r.chain_pos as number)
        .execute();
      prev = hash;
    }
    const r = await verifyAuditChain(env().ctx);
    expect(r.finding?.kind).toBe('checkpoint-mismatch');
    expect(r.finding?.pos).toBe(Number(checkpoints[0]!.seq));
  });

  it('refuses a checkpoint whose signature or statement was altered, or a deleted checkpoint', async () => {
    await db()
      .updateTable('audit_checkpoints')
      .set({ payload: sql`replace(payload, '"seq":', '"seq":1')` as never })
      .where('id', '=', checkpoints[1]!.id as number)
      .execute();
    let r = await verifyAuditChain(env().ctx);
    expect(r.ok).toBe(false);
    expect(r.checkpoints.problem?.kind).toBe('bad-signature');
    await db().deleteFrom('audit_checkpoints').execute();
    await db()
      .insertInto('audit_checkpoints')
      .values([checkpoints[1]] as never)
      .execute();
    r = await verifyAuditChain(env().ctx);
    expect(r.ok).toBe(false);
    expect(r.checkpoints.problem?.kind).toBe('checkpoint-missing');
  });

  it('seals entries whose transactions commit out of order, and the chain verifies', async () => {
    const { ctx } = env();
    if (ctx.dbKind !== 'postgres') return; // embedded PGlite runs one transaction at a time
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let appended!: () => void;
    const started = new Promise<void>((r) => (appended = r));
    const actor = { kind: 'system' as const, id: 'test' };
    // A takes its seq first but commits last; B commits in between and is sealed before A exists.
    const a = ctx.db.transaction().execute(async (trx) => {
      await appendAudit(trx, ctx.clock.now(), { actor, action: 'test.a', subjectKind: 'x' });
      appended();
      await held;
    });
    await started;
    await ctx.db
      .transaction()
      .execute((trx) => appendAudit(trx, ctx.clock.now(), { actor, action: 'test.b', subjectKind: 'x' }));
    expect(await sealAuditChain(ctx)).toBe(1);
    release();
    await a;
    expect(await sealAuditChain(ctx)).toBe(1);
    const [b, later] = await db()
      .selectFrom('audit_log')
      .select(['seq', 'chain_pos', 'action'])
      .where('action', 'in', ['test.a', 'test.b'])
      .orderBy('chain_pos')
      .execute();
    expect([b!.action, later!.action]).toEqual(['test.b', 'test.a']);
    expect(Number(later!.seq)).toBeLessThan(Number(b!.seq));
    const r = await verifyAuditChain(ctx);
    expect(r.ok, r.message).toBe(true);
    expect(r.unsealed).toBe(0);
  });
});
