import type { KeyObject } from 'node:crypto';
import type { CoseAlg } from '../codes/cose.ts';
import { GENESIS_HASH } from './hash-chain.ts';
import { signStatement, statementHash, verifyStatement } from './signed-statement.ts';

/**
 * A signed statement of the audit chain head. Checkpoints chain to each other, so deleting one is visible, and
 * verification checks the recomputed chain against every one of them: a rewritten prefix or a truncated tail
 * (entries removed after they were checkpointed) no longer matches a signature nobody else could have made.
 */
export interface CheckpointStatement {
  type: 'tessera.audit-checkpoint';
  v: 1;
  jurisdiction: string;
  seq: number;
  headHash: string;
  signedAt: string;
  prevCheckpointHash: string;
  kid: string;
}

export const FIRST_CHECKPOINT_PREV = GENESIS_HASH;

export function makeCheckpoint(input: Omit<CheckpointStatement, 'type' | 'v'>): CheckpointStatement {
  return { type: 'tessera.audit-checkpoint', v: 1, ...input };
}

export function signCheckpoint(statement: CheckpointStatement, key: KeyObject, alg: CoseAlg): string {
  return signStatement(statement, key, alg);
}

export function checkpointHash(statement: CheckpointStatement): string {
  return statementHash(statement);
}

export type CheckpointProblem =
  | { kind: 'bad-signature'; seq: number; kid: string }
  | { kind: 'unknown-key'; seq: number; kid: string }
  | { kind: 'checkpoint-missing'; seq: number; expectedPrev: string; foundPrev: string }
  | { kind: 'not-monotonic'; seq: number; previousSeq: number };

/**
 * Checks the signatures and the links of a checkpoint sequence (oldest first). Returns the first problem or null.
 * `keyFor` resolves a kid to the audit public key that may have signed it.
 */
export function verifyCheckpoints(
  list: Array<{ statement: CheckpointStatement; signature: string }>,
  keyFor: (kid: string) => { key: KeyObject; alg: CoseAlg } | null,
  startPrev = FIRST_CHECKPOINT_PREV,
): CheckpointProblem | null {
  let prev = startPrev;
  let prevSeq = -1;
  for (const { statement, signature } of list) {
    const k = keyFor(statement.kid);
    if (!k) return { kind: 'unknown-key', seq: statement.seq, kid: statement.kid };
    if (!verifyStatement(statement, signature, k.key, k.alg))
      return { kind: 'bad-signature', seq: statement.seq, kid: statement.kid };
    if (statement.prevCheckpointHash !== prev)
      return {
        kind: 'checkpoint-missing',
        seq: statement.seq,
        expectedPrev: prev,
        foundPrev: statement.prevCheckpointHash,
      };
    if (statement.seq < prevSeq) return { kind: 'not-monotonic', seq: statement.seq, previousSeq: prevSeq };
    prev = checkpointHash(statement);
    prevSeq = statement.seq;
  }
  return null;
}
