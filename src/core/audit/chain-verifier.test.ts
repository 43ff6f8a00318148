import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChainVerifier, type StoredEntry } from './chain-verifier.ts';
import {
  checkpointHash,
  FIRST_CHECKPOINT_PREV,
  makeCheckpoint,
  signCheckpoint,
  verifyCheckpoints,
} from './checkpoint.ts';
import { chainHash, GENESIS_HASH, type AuditEntryContent } from './hash-chain.ts';

const entry = (seq: number): AuditEntryContent => ({
  seq,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  actorKind: 'staff',
  actorId: `s${seq % 3}`,
  actorRole: 'health_officer',
  actorScope: '990100',
  action: seq % 2 ? 'resident.read' : 'fact.record',
  subjectKind: 'resident',
  subjectId: `r${seq}`,
  personId: null,
  purpose: 'tracing',
  detail: { n: seq },
});

function chain(n: number): StoredEntry[] {
  let prev = GENESIS_HASH;
  return Array.from({ length: n }, (_, i) => {
    const e = entry(i + 1);
    const hash = chainHash(prev, e);
    const out = { ...e, pos: i + 1, prevHash: prev, hash };
    prev = hash;
    return out;
  });
}

function run(entries: StoredEntry[], checkpoints: Array<{ seq: number; headHash: string }> = []) {
  const v = new ChainVerifier(undefined, checkpoints);
  for (const e of entries) if (v.push(e)) break;
  return v.finish();
}

describe('streaming chain verification', () => {
  it('accepts an intact chain of any length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), (n) => {
        expect(run(chain(n))).toBeNull();
      }),
    );
  });

  it('names the kind and place of any single tampering', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 40 }),
        fc.nat(),
        fc.constantFrom('alter', 'delete', 'swap', 'insert'),
        (n, k, kind) => {
          const entries = chain(n);
          const i = 1 + (k % (n - 2)); // not the first or last entry
          const seq = i + 1;
          if (kind === 'alter') entries[i] = { ...entries[i]!, purpose: 'curiosity' };
          if (kind === 'delete') entries.splice(i, 1);
          if (kind === 'swap') {
            // Two entries trade places in the chain, each keeping its own content.
            const [a, b] = [entries[i]!, entries[i + 1]!];
            entries[i] = { ...b, pos: a.pos };
            entries[i + 1] = { ...a, pos: b.pos };
          }
          if (kind === 'insert') {
            const forged = { ...entry(1000), action: 'override.approve' };
            const prev = entries[i - 1]!.hash;
            const renumbered = entries.slice(i).map((e) => ({ ...e, pos: e.pos + 1 }));
            entries.splice(
              i,
              entries.length - i,
              { ...forged, pos: seq, prevHash: prev, hash: chainHash(prev, forged) },
              ...renumbered,
            );
          }
          const f = run(entries);
          const expected = { alter: 'altered', delete: 'missing', swap: 'reordered', insert: 'inserted' }[kind];
          expect(f?.kind).toBe(expected);
          expect(f?.pos).toBe(seq);
          expect(f?.message).toMatch(String(seq));
        },
      ),
    );
  });

  it('catches a truncated tail or a rewritten prefix through signed checkpoints', () => {
    const entries = chain(30);
    const cps = [
      { seq: 10, headHash: entries[9]!.hash },
      { seq: 25, headHash: entries[24]!.hash },
    ];
    expect(run(entries, cps)).toBeNull();
    expect(run(entries.slice(0, 20), cps)).toMatchObject({ kind: 'truncated', pos: 21 });
    // Without a checkpoint beyond it, a cut tail is invisible: that is what checkpoints are for.
    expect(run(entries.slice(0, 28), cps)).toBeNull();
    let prev = entries[4]!.hash;
    const rewritten = entries.map((e, i) => {
      if (i < 5) return e;
      const content = { ...e, purpose: i === 5 ? 'audit' : e.purpose } as AuditEntryContent & {
        prevHash?: string;
        hash?: string;
        pos?: number;
      };
      delete content.prevHash;
      delete content.hash;
      delete content.pos;
      const hash = chainHash(prev, content as AuditEntryContent);
      const out = { ...(content as AuditEntryContent), pos: e.pos, prevHash: prev, hash };
      prev = hash;
      return out;
    });
    expect(run(rewritten)).toBeNull();
    expect(run(rewritten, cps)).toMatchObject({ kind: 'checkpoint-mismatch', pos: 10 });
  });

  it('starts from an anchor after a retention purge of the prefix', () => {
    const entries = chain(20);
    const v = new ChainVerifier({ seq: 8, hash: entries[7]!.hash });
    for (const e of entries.slice(8)) expect(v.push(e)).toBeNull();
    expect(v.finish()).toBeNull();
    expect(v.verified).toBe(12);
    const wrong = new ChainVerifier({ seq: 8, hash: entries[6]!.hash });
    for (const e of entries.slice(8)) if (wrong.push(e)) break;
    expect(wrong.finish()?.kind).toBe('altered');
  });
});

describe('signed checkpoints', () => {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyFor = (kid: string) => (kid === 'k1' ? { key: keys.publicKey, alg: 'ES256' as const } : null);
  const make = (seq: number, prev: string) =>
    makeCheckpoint({
      jurisdiction: '990100',
      seq,
      headHash: 'h'.repeat(64),
      signedAt: '2026-01-01T00:00:00Z',
      prevCheckpointHash: prev,
      kid: 'k1',
    });

  it('chain to each other, so a deleted or altered checkpoint shows', () => {
    const a = make(5, FIRST_CHECKPOINT_PREV);
    const b = make(9, checkpointHash(a));
    const c = make(12, checkpointHash(b));
    const list = [a, b, c].map((s) => ({ statement: s, signature: signCheckpoint(s, keys.privateKey, 'ES256') }));
    expect(verifyCheckpoints(list, keyFor)).toBeNull();
    expect(verifyCheckpoints([list[0]!, list[2]!], keyFor)).toMatchObject({ kind: 'checkpoint-missing', seq: 12 });
    const altered = [list[0]!, { ...list[1]!, statement: { ...list[1]!.statement, seq: 10 } }];
    expect(verifyCheckpoints(altered, keyFor)).toMatchObject({ kind: 'bad-signature' });
    expect(verifyCheckpoints([{ ...list[0]!, statement: { ...a, kid: 'k2' } }], keyFor)).toMatchObject({
      kind: 'unknown-key',
    });
  });
});
