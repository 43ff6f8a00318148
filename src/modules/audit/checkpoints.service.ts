import { sql } from 'kysely';
import {
  checkpointHash,
  FIRST_CHECKPOINT_PREV,
  makeCheckpoint,
  signCheckpoint,
  type CheckpointStatement,
} from '../../core/audit/checkpoint.ts';
import type { AppContext } from '../../platform/context.ts';
import { auditSigningKey } from './audit-keys.ts';
import { sealAuditChain } from './sealer.ts';

const CHECKPOINT_LOCK = 7_100_002;

export interface StoredCheckpoint {
  id: number;
  statement: CheckpointStatement;
  signature: string;
}

/**
 * Signs the current chain head if it moved since the last checkpoint. Checkpoints are not themselves audit entries:
 * signing the head must not move the head.
 */
export async function createCheckpoint(ctx: AppContext): Promise<StoredCheckpoint | null> {
  // Fetch (or create) the key first: creating one appends an audit entry, which must land before the head is read.
  const key = await auditSigningKey(ctx);
  if (!key) return null;
  // A checkpoint signs the sealed head: seal what has been committed so far.
  await sealAuditChain(ctx);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${CHECKPOINT_LOCK})`.execute(trx);
    const head = await trx
      .selectFrom('audit_log')
      .select(['chain_pos as seq', 'hash'])
      .where('chain_pos', 'is not', null)
      .orderBy('chain_pos', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!head) return null;
    const last = await trx
      .selectFrom('audit_checkpoints')
      .select(['seq', 'payload'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (last && Number(last.seq) === Number(head.seq)) return null;
    const statement = makeCheckpoint({
      jurisdiction: key.jurisdictionId,
      seq: Number(head.seq),
      headHash: head.hash,
      signedAt: now.toISOString(),
      prevCheckpointHash: last
        ? checkpointHash(JSON.parse(last.payload) as CheckpointStatement)
        : FIRST_CHECKPOINT_PREV,
      kid: key.kidB64,
    });
    const signature = signCheckpoint(statement, key.key, key.alg);
    const row = await trx
      .insertInto('audit_checkpoints')
      .values({
        seq: statement.seq,
        head_hash: statement.headHash,
        signed_at: now,
        prev_checkpoint_hash: statement.prevCheckpointHash,
        jurisdiction_id: statement.jurisdiction,
        kid: statement.kid,
        alg: key.alg,
        payload: JSON.stringify(statement),
        signature,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: Number(row.id), statement, signature };
  });
}

export async function listCheckpoints(ctx: AppContext, opts: { limit?: number; afterId?: number } = {}) {
  let q = ctx.db.selectFrom('audit_checkpoints').select(['id', 'payload', 'signature']).orderBy('id');
  if (opts.afterId !== undefined) q = q.where('id', '>', opts.afterId);
  if (opts.limit !== undefined) q = q.limit(opts.limit);
  const rows = await q.execute();
  return rows.map((r): StoredCheckpoint => ({
    id: Number(r.id),
    statement: JSON.parse(r.payload) as CheckpointStatement,
    signature: r.signature,
  }));
}

export async function latestCheckpoint(ctx: AppContext): Promise<StoredCheckpoint | null> {
  const r = await ctx.db
    .selectFrom('audit_checkpoints')
    .select(['id', 'payload', 'signature'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r
    ? { id: Number(r.id), statement: JSON.parse(r.payload) as CheckpointStatement, signature: r.signature }
    : null;
}

export { CHAIN_BASE_SETTING, chainBase } from './chain-base.ts';
