import { chainHash, GENESIS_HASH, type AuditEntryContent } from './hash-chain.ts';

/** An entry as stored: its content, its position in the chain (set when sealed) and its links. */
export type StoredEntry = AuditEntryContent & { pos: number; prevHash: string; hash: string };

/** What verification found, named so an auditor knows where to look. */
/** Positions are chain positions (`chain_pos`); messages also name the entry's own seq where there is one. */
export type ChainFinding =
  | { kind: 'altered'; pos: number; message: string }
  | { kind: 'inserted'; pos: number; message: string }
  | { kind: 'missing'; pos: number; count: number; message: string }
  | { kind: 'reordered'; pos: number; otherPos: number; message: string }
  | { kind: 'checkpoint-mismatch'; pos: number; message: string }
  | { kind: 'truncated'; pos: number; message: string };

export interface ChainAnchor {
  /** Last chain position before the first stored entry (0 for a chain that starts at genesis). */
  seq: number;
  hash: string;
}

export const GENESIS_ANCHOR: ChainAnchor = { seq: 0, hash: GENESIS_HASH };

/**
 * Streaming verification of the audit chain in chain order. Entries are fed one at a time (from batches of any size);
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
        pos: this.lastSeq + 1,
        message: `entries ${this.lastSeq + 1}…${beyond.seq} are missing: a signed checkpoint covers entry ${beyond.seq} but the chain ends at ${this.lastSeq}`,
      };
    }
    return this.finding;
  }

  private insertedAt(e: StoredEntry): ChainFinding {
    return {
      kind: 'inserted',
      pos: e.pos,
      message: `entry ${e.pos} (seq ${e.seq}) was inserted: the entry after it links to entry ${e.pos - 1} directly`,
    };
  }

  private judge(e: StoredEntry, next: StoredEntry | null): ChainFinding | null {
    if (e.pos !== this.nextSeq) {
      if (e.pos > this.nextSeq) {
        const count = e.pos - this.nextSeq;
        return {
          kind: 'missing',
          pos: this.nextSeq,
          count,
          message:
            count === 1
              ? `entry ${this.nextSeq} is missing (deleted): the chain jumps from ${this.nextSeq - 1} to ${e.pos}`
              : `entries ${this.nextSeq}…${e.pos - 1} are missing (deleted): the chain jumps from ${this.nextSeq - 1} to ${e.pos}`,
        };
      }
      return { kind: 'altered', pos: e.pos, message: `entry ${e.pos} appears out of order after ${this.nextSeq - 1}` };
    }
    if (e.prevHash !== this.prevHash) {
      if (this.prevPrevHash !== null && e.prevHash === this.prevPrevHash)
        return {
          kind: 'inserted',
          pos: e.pos - 1,
          message: `entry ${e.pos - 1} was inserted: entry ${e.pos} links to the entry before it (later entries were renumbered)`,
        };
      if (next && e.prevHash === next.hash)
        return {
          kind: 'reordered',
          pos: e.pos,
          otherPos: next.pos,
          message: `entries ${e.pos} and ${next.pos} were swapped: entry ${e.pos} (seq ${e.seq}) links to the entry now at ${next.pos}`,
        };
      if (next && next.prevHash === this.prevHash) return this.insertedAt(e);
      return {
        kind: 'altered',
        pos: e.pos,
        message: `entry ${e.pos} (seq ${e.seq}) was altered: its link to entry ${e.pos - 1} (prev_hash) does not match`,
      };
    }
    const hash = e.hash;
    // The chain hashes the entry's own fields only, so the stored entry can be hashed as it is.
    const expected = chainHash(this.prevHash, e);
    if (expected !== hash) {
      if (next && next.prevHash === this.prevHash) return this.insertedAt(e);
      return {
        kind: 'altered',
        pos: e.pos,
        message: `entry ${e.pos} (seq ${e.seq}) was altered: its content no longer matches its hash`,
      };
    }
    const cp = this.checkpoints[this.cpIndex];
    if (cp && cp.seq === e.pos) {
      if (cp.headHash !== hash)
        return {
          kind: 'checkpoint-mismatch',
          pos: e.pos,
          message: `the chain up to entry ${e.pos} was rewritten: it no longer matches the signed checkpoint at ${e.pos}`,
        };
      // Several checkpoints can name the same head when nothing happened in between.
      while (this.checkpoints[this.cpIndex] && (this.checkpoints[this.cpIndex] as { seq: number }).seq <= e.pos)
        this.cpIndex++;
    }
    this.prevPrevHash = this.prevHash;
    this.prevHash = hash;
    this.nextSeq = e.pos + 1;
    this.lastSeq = e.pos;
    this.lastHash = hash;
    this.verified++;
    return null;
  }
}
