import { ChainVerifier, type ChainFinding } from '../../core/audit/chain-verifier.ts';
import { verifyCheckpoints, type CheckpointProblem } from '../../core/audit/checkpoint.ts';
import type { AppContext } from '../../platform/context.ts';
import { auditRowToContent, type AuditRow } from './audit.repository.ts';
import { auditKeyLookup } from './audit-keys.ts';
import { chainBase, listCheckpoints } from './checkpoints.service.ts';

export interface VerifyReport {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string };
  base: { seq: number; certificateId: string | null };
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
  opts: { batch?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<VerifyReport> {
  const t0 = performance.now();
  const batch = opts.batch ?? 10_000;
  const keyFor = await auditKeyLookup(ctx);
  const checkpoints = await listCheckpoints(ctx);
  const cpProblem = verifyCheckpoints(checkpoints, keyFor);
  const base = await chainBase(ctx);
  const latestSeq = checkpoints.at(-1)?.statement.seq ?? null;
  const report = (finding: ChainFinding | null, v: ChainVerifier | null, message: string): VerifyReport => ({
    ok: finding === null && cpProblem === null,
    entries: v?.verified ?? 0,
    head: { seq: v?.lastSeq ?? base.seq, hash: v?.lastHash ?? base.hash },
    base: { seq: base.seq, certificateId: base.certificateId },
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
        seq: 1,
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
    .select((eb) => eb.fn.max('seq').as('m'))
    .executeTakeFirst();
  const total = Math.max(0, Number(max?.m ?? base.seq) - base.seq);
  let after = -1;
  let seen = 0;
  for (;;) {
    const rows = (await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(batch)
      .execute()) as AuditRow[];
    if (rows.length === 0) break;
    for (const r of rows) {
      if (verifier.push({ ...auditRowToContent(r), prevHash: r.prev_hash, hash: r.hash })) break;
    }
    seen += rows.length;
    opts.onProgress?.(Math.min(seen, total), total);
    if (verifier.result || rows.length < batch) break;
    after = Number((rows[rows.length - 1] as AuditRow).seq);
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
