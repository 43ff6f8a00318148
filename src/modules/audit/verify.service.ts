import { sql } from 'kysely';
import { ChainVerifier, type ChainFinding } from '../../core/audit/chain-verifier.ts';
import { verifyCheckpoints, type CheckpointProblem } from '../../core/audit/checkpoint.ts';
import type { AppContext } from '../../platform/context.ts';
import { auditKeyLookup } from './audit-keys.ts';
import { chainBase, listCheckpoints } from './checkpoints.service.ts';
import { sealAuditChain, unsealedCount } from './sealer.ts';

interface VerifyRow {
  chain_pos: number | string;
  seq: number | string;
  at: string;
  actor_kind: string;
  actor_id: string | null;
  actor_role: string | null;
  actor_scope: string | null;
  action: string;
  subject_kind: string;
  subject_id: string | null;
  person_id: string | null;
  purpose: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string };
  base: { seq: number; certificateId: string | null };
  /** Committed entries not yet in the chain (normally none: the sealer runs every quarter second). */
  unsealed: number;
  checkpoints: { count: number; latestSeq: number | null; problem: CheckpointProblem | null };
  finding: ChainFinding | null;
  /** One line for a human, naming the first problem. */
  message: string;
  ms: number;
}

/**
 * Recomputes the whole chain in seq order, in batches of `batch` rows (keyset pagination, so memory stays flat and
 * 10 million entries are no harder than ten), and checks it against every signed checkpoint.
 */
export async function verifyAuditChain(
  ctx: AppContext,
  opts: { batch?: number; onProgress?: (done: number, total: number) => void; seal?: boolean } = {},
): Promise<VerifyReport> {
  const t0 = performance.now();
  const batch = opts.batch ?? 10_000;
  // Committed entries not yet linked into the chain are sealed first (unless asked not to touch anything).
  if (opts.seal !== false) await sealAuditChain(ctx);
  const unsealed = await unsealedCount(ctx);
  const keyFor = await auditKeyLookup(ctx);
  const checkpoints = await listCheckpoints(ctx);
  const cpProblem = verifyCheckpoints(checkpoints, keyFor);
  const base = await chainBase(ctx.db);
  const latestSeq = checkpoints.at(-1)?.statement.seq ?? null;
  const report = (finding: ChainFinding | null, v: ChainVerifier | null, message: string): VerifyReport => ({
    ok: finding === null && cpProblem === null,
    entries: v?.verified ?? 0,
    head: { seq: v?.lastSeq ?? base.seq, hash: v?.lastHash ?? base.hash },
    base: { seq: base.seq, certificateId: base.certificateId },
    unsealed,
    checkpoints: { count: checkpoints.length, latestSeq, problem: cpProblem },
    finding,
    message,
    ms: Math.round(performance.now() - t0),
  });
  if (cpProblem) {
    const msg =
      cpProblem.kind === 'checkpoint-missing'
        ? `a signed checkpoint before seq ${cpProblem.seq} was deleted: the checkpoint chain is broken`
        : cpProblem.kind === 'bad-signature'
          ? `the checkpoint at seq ${cpProblem.seq} does not verify with audit key ${cpProblem.kid}: it was altered`
          : cpProblem.kind === 'unknown-key'
            ? `the checkpoint at seq ${cpProblem.seq} names key ${cpProblem.kid}, which is not an audit key of this system`
            : `checkpoint seq ${cpProblem.seq} goes backwards from ${cpProblem.previousSeq}`;
    return report(null, null, msg);
  }
  if (base.seq > 0 && !checkpoints.some((c) => c.statement.seq === base.seq && c.statement.headHash === base.hash))
    return report(
      {
        kind: 'missing',
        pos: 1,
        count: base.seq,
        message: `entries 1…${base.seq} were removed without a matching signed checkpoint`,
      },
      null,
      `entries 1…${base.seq} were removed without a matching signed checkpoint`,
    );

  const verifier = new ChainVerifier(
    base,
    checkpoints.map((c) => ({ seq: c.statement.seq, headHash: c.statement.headHash })),
  );
  const max = await ctx.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('chain_pos').as('m'))
    .executeTakeFirst();
  const total = Math.max(0, Number(max?.m ?? base.seq) - base.seq);
  // Keyset batches, each fetched while the previous one is being hashed (on the server, a second connection works
  // in parallel). Time and detail come as text: the chain hashes the ISO time and canonical JSON anyway.
  const fetch = (after: number) =>
    sql<VerifyRow>`
      select chain_pos, seq, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, actor_kind, actor_id,
        actor_role, actor_scope, action, subject_kind, subject_id, person_id::text as person_id, purpose,
        detail::text as detail, prev_hash, hash
      from audit_log where chain_pos > ${after} order by chain_pos limit ${batch}`
      .execute(ctx.db)
      .then((r) => r.rows);
  let seen = 0;
  let pending: Promise<VerifyRow[]> | null = fetch(-1);
  while (pending) {
    const rows: VerifyRow[] = await pending;
    pending = rows.length === batch ? fetch(Number((rows[rows.length - 1] as VerifyRow).chain_pos)) : null;
    for (const r of rows) {
      const entry = {
        pos: Number(r.chain_pos),
        seq: Number(r.seq),
        at: r.at,
        actorKind: r.actor_kind,
        actorId: r.actor_id,
        actorRole: r.actor_role,
        actorScope: r.actor_scope,
        action: r.action,
        subjectKind: r.subject_kind,
        subjectId: r.subject_id,
        personId: r.person_id,
        purpose: r.purpose,
        detail: JSON.parse(r.detail) as Record<string, unknown>,
        prevHash: r.prev_hash,
        hash: r.hash,
      };
      if (verifier.push(entry)) break;
    }
    seen += rows.length;
    opts.onProgress?.(Math.min(seen, total), total);
    if (verifier.result) {
      await pending?.catch(() => undefined);
      pending = null;
    }
  }
  const finding = verifier.finish();
  return report(
    finding,
    verifier,
    finding
      ? finding.message
      : `audit chain intact: ${verifier.verified} entries up to seq ${verifier.lastSeq}, matching ${checkpoints.length} signed checkpoints`,
  );
}
