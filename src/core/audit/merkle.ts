import { createHash } from 'node:crypto';

/**
 * A Merkle tree over record ids (RFC 6962 leaf/node prefixes, odd nodes promoted unchanged). A deletion certificate
 * commits to the exact set of deleted ids with one root; anyone holding the id list can recompute it, and a single
 * id's deletion can be proven with a logarithmic path without revealing the others.
 */
export const MERKLE_ALG = 'sha256-merkle-v1';

const EMPTY_ROOT = createHash('sha256').update('').digest('hex');

export function leafHash(id: string): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(id, 'utf8')
    .digest();
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
}

/** Ids in the order the tree uses: sorted by code unit, duplicates removed. */
export function canonicalIds(ids: Iterable<string>): string[] {
  return [...new Set(ids)].sort();
}

export function merkleRoot(ids: Iterable<string>): { root: string; leaves: number } {
  const sorted = canonicalIds(ids);
  if (sorted.length === 0) return { root: EMPTY_ROOT, leaves: 0 };
  let level = sorted.map(leafHash);
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const l = level[i] as Buffer;
      const r = level[i + 1];
      next.push(r ? nodeHash(l, r) : l);
    }
    level = next;
  }
  return { root: (level[0] as Buffer).toString('hex'), leaves: sorted.length };
}

export interface InclusionProof {
  id: string;
  index: number;
  leaves: number;
  path: Array<{ side: 'left' | 'right'; hash: string }>;
}

/** Proof that `id` is one of `ids` (null when it is not). */
export function inclusionProof(ids: Iterable<string>, id: string): InclusionProof | null {
  const sorted = canonicalIds(ids);
  let index = sorted.indexOf(id);
  if (index < 0) return null;
  const proof: InclusionProof = { id, index, leaves: sorted.length, path: [] };
  let level = sorted.map(leafHash);
  while (level.length > 1) {
    const sibling = index % 2 === 0 ? index + 1 : index - 1;
    const s = level[sibling];
    if (s) proof.path.push({ side: index % 2 === 0 ? 'right' : 'left', hash: s.toString('hex') });
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const l = level[i] as Buffer;
      const r = level[i + 1];
      next.push(r ? nodeHash(l, r) : l);
    }
    level = next;
    index = Math.floor(index / 2);
  }
  return proof;
}

export function verifyInclusion(proof: InclusionProof, root: string): boolean {
  let h = leafHash(proof.id);
  for (const step of proof.path) {
    if (!/^[0-9a-f]{64}$/.test(step.hash)) return false;
    const s = Buffer.from(step.hash, 'hex');
    h = step.side === 'right' ? nodeHash(h, s) : nodeHash(s, h);
  }
  return h.toString('hex') === root;
}
