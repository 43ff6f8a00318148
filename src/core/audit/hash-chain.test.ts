import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  canonicalEntry,
  canonicalJson,
  chainHash,
  GENESIS_HASH,
  verifyStep,
  type AuditEntryContent,
} from './hash-chain.ts';

const entry = (seq: number, action = 'x'): AuditEntryContent => ({
  seq,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  actorKind: 'staff',
  actorId: 'a',
  actorRole: 'admin',
  actorScope: '990100',
  action,
  subjectKind: 'grid',
  subjectId: String(seq),
  personId: null,
  purpose: null,
  detail: { n: seq, nested: { b: 1, a: 2 } },
});

function chain(n: number) {
  let prev = GENESIS_HASH;
  return Array.from({ length: n }, (_, i) => {
    const e = entry(i + 1);
    const hash = chainHash(prev, e);
    const out = { ...e, prevHash: prev, hash };
    prev = hash;
    return out;
  });
}

describe('audit hash chain', () => {
  it('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { z: 1, y: 2 }] } })).toBe(
      canonicalJson({ a: { c: [3, { y: 2, z: 1 }], d: 2 }, b: 1 }),
    );
  });

  it('verifies an intact chain', () => {
    const state = { prevHash: GENESIS_HASH, nextSeq: 1 };
    for (const e of chain(20)) expect(verifyStep(state, e)).toBeNull();
  });

  it('finds the first altered, missing or reordered entry', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 19 }), fc.constantFrom('alter', 'delete', 'swap'), (i, kind) => {
        const entries = chain(20);
        if (kind === 'alter') entries[i] = { ...entries[i]!, action: 'tampered' };
        if (kind === 'delete') entries.splice(i, 1);
        if (kind === 'swap') {
          const j = i === 19 ? 18 : i + 1;
          [entries[i], entries[j]] = [entries[j]!, entries[i]!];
        }
        const state = { prevHash: GENESIS_HASH, nextSeq: 1 };
        let problem = null;
        for (const e of entries) {
          problem = verifyStep(state, e);
          if (problem) break;
        }
        if (kind === 'delete' && i === 19)
          expect(problem).toBeNull(); // truncation of the tail needs a signed head
        else {
          expect(problem).not.toBeNull();
          const j = i === 19 ? 18 : i + 1;
          const expectedSeq = kind === 'alter' ? i + 1 : kind === 'delete' ? i + 2 : Math.max(i, j) + 1;
          expect(problem!.seq).toBe(expectedSeq);
        }
      }),
    );
  });
});

describe('canonical form of an entry', () => {
  it('is byte for byte the canonical JSON of the entry', () => {
    const text = fc.option(fc.string(), { nil: null });
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.nat(),
          at: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          actorKind: fc.string(),
          actorId: text,
          actorRole: text,
          actorScope: text,
          action: fc.string(),
          subjectKind: fc.string(),
          subjectId: text,
          personId: text,
          purpose: text,
          detail: fc.dictionary(fc.string(), fc.jsonValue()),
        }),
        (e) => {
          expect(canonicalEntry(e)).toBe(canonicalJson(e));
          expect(canonicalEntry({ ...e, ...{ hash: 'x', prevHash: 'y' } } as typeof e)).toBe(canonicalJson(e));
        },
      ),
    );
  });
});
