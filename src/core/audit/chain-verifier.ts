import { chainHash, GENESIS_HASH, type AuditEntryContent } from './hash-chain.ts';

export type StoredEntry = AuditEntryContent & { prevHash: string; hash: string };

/** What verification found, named so an auditor knows where to look. */
export type ChainFinding =
  | { kind: 'altered'; seq: number; message: string }
  | { kind: 'inserted'; seq: number; message: string }
  | { kind: 'missing'; seq: number; count: number; message: string }
  | { kind: 'reordered'; seq: number; otherSeq: number; message: string }
  | { kind: 'checkpoint-mismatch'; seq: number; message: string }
  | { kind: 'truncated'; seq: number; message: string };

export interface ChainAnchor {
  /** Last seq before the first stored entry (0 for a chain that starts at genesis). */
  seq: number;
  hash: string;
}

export const GENESIS_ANCHOR: ChainAnchor = { seq: 0, hash: GENESIS_HASH };

/**
 * Streaming verification of the audit chain in seq order. Entries are fed one at a time (from batches of any size);
 * each is judged with one entry of lookahead, which is what tells an insertion or a swap apart from an edit.
 * Memory stays constant however long the chain is.
 */
export class ChainVerifier {
  private prevHash: string;
  private prevPrevHash: string | null = null;
  private nextSeq: number;
  private pending: StoredEntry | null = null;
  private readonly checkpoints: Array<{ seq: number; headHash: string }>;
  private cpIndex = 0;
  private finding: ChainFinding | null = null;
  /** Entries accepted as intact. */
  verified = 0;
  lastSeq: number;
  lastHash: string;

  constructor(anchor: ChainAnchor = GENESIS_ANCHOR, checkpoints: Array<{ seq: number; headHash: string }> = []) {
    this.prevHash = anchor.hash;
    this.nextSeq = anchor.seq + 1;
    this.lastSeq = anchor.seq;
    this.lastHash = anchor.hash;
    // Checkpoints at or before the anchor were verified when the prefix was removed.
    this.checkpoints = checkpoints.filter((c) => c.seq > anchor.seq).sort((a, b) => a.seq - b.seq);
  }

  get result(): ChainFinding | null {
    return this.finding;
  }

  /** Feeds the next stored entry; returns the first finding once there is one (and ignores later input). */
  push(entry: StoredEntry): ChainFinding | null {
    if (this.finding) return this.finding;
    const prev = this.pending;
    this.pending = entry;
    if (prev) this.finding = this.judge(prev, entry);
    return this.finding;
  }

  /** Call after the last entry: judges it and checks that no signed checkpoint lies beyond the end of the chain. */
  finish(): ChainFinding | null {
    if (this.finding) return this.finding;
    if (this.pending) {
      this.finding = this.judge(this.pending, null);
      this.pending = null;
      if (this.finding) return this.finding;
    }
    const beyond = this.checkpoints[this.cpIndex];
    if (beyond) {
      this.finding = {
        kind: 'truncated',
        seq: this.lastSeq + 1,
        message: `entries ${this.lastSeq + 1}…${beyond.seq} are missing: a signed checkpoint covers seq ${beyond.seq} but the chain ends at seq ${this.lastSeq}`,
      };
    }
    return this.finding;
  }

  private insertedAt(seq: number): ChainFinding {
    return {
      kind: 'inserted',
      seq,
      message: `entry ${seq} was inserted: the entry after it links to entry ${seq - 1} directly`,
    };
  }

  private judge(e: StoredEntry, next: StoredEntry | null): ChainFinding | null {
    if (e.seq !== this.nextSeq) {
      if (e.seq > this.nextSeq) {
        const count = e.seq - this.nextSeq;
        return {
          kind: 'missing',
          seq: this.nextSeq,
          count,
          message:
            count === 1
              ? `entry ${this.nextSeq} is missing (deleted): the chain jumps from seq ${this.nextSeq - 1} to ${e.seq}`
              : `entries ${this.nextSeq}…${e.seq - 1} are missing (deleted): the chain jumps from seq ${this.nextSeq - 1} to ${e.seq}`,
        };
      }
      return {
        kind: 'altered',
        seq: e.seq,
        message: `entry ${e.seq} appears out of order after seq ${this.nextSeq - 1}`,
      };
    }
    if (e.prevHash !== this.prevHash) {
      if (this.prevPrevHash !== null && e.prevHash === this.prevPrevHash)
        return {
          kind: 'inserted',
          seq: e.seq - 1,
          message: `entry ${e.seq - 1} was inserted: entry ${e.seq} links to the entry before it (later entries were renumbered)`,
        };
      if (next && e.prevHash === next.hash)
        return {
          kind: 'reordered',
          seq: e.seq,
          otherSeq: next.seq,
          message: `entries ${e.seq} and ${next.seq} were swapped: entry ${e.seq} links to the entry now stored as ${next.seq}`,
        };
      if (next && next.prevHash === this.prevHash) return this.insertedAt(e.seq);
      return {
        kind: 'altered',
        seq: e.seq,
        message: `entry ${e.seq} was altered: its link to entry ${e.seq - 1} (prev_hash) does not match`,
      };
    }
    const hash = e.hash;
    // The chain hashes the entry's own fields only, so the stored entry can be hashed as it is.
    const expected = chainHash(this.prevHash, e);
    if (expected !== hash) {
      if (next && next.prevHash === this.prevHash) return this.insertedAt(e.seq);
      return {
        kind: 'altered',
        seq: e.seq,
        message: `entry ${e.seq} was altered: its content no longer matches its hash`,
      };
    }
    const cp = this.checkpoints[this.cpIndex];
    if (cp && cp.seq === e.seq) {
      if (cp.headHash !== hash)
        return {
          kind: 'checkpoint-mismatch',
          seq: e.seq,
          message: `the chain up to seq ${e.seq} was rewritten: it no longer matches the signed checkpoint at seq ${e.seq}`,
        };
      // Several checkpoints can name the same head when nothing happened in between.
      while (this.checkpoints[this.cpIndex] && (this.checkpoints[this.cpIndex] as { seq: number }).seq <= e.seq)
        this.cpIndex++;
    }
    this.prevPrevHash = this.prevHash;
    this.prevHash = hash;
    this.nextSeq = e.seq + 1;
    this.lastSeq = e.seq;
    this.lastHash = hash;
    this.verified++;
    return null;
  }
}
