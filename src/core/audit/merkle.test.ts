import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inclusionProof, merkleRoot, verifyInclusion } from './merkle.ts';

const ids = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 60 });

describe('Merkle commitment to deleted record ids', () => {
  it('depends on the set, not the order or repetition', () => {
    fc.assert(
      fc.property(ids, fc.integer(), (xs, seed) => {
        const shuffled = [...xs].sort(() => (seed % 3) - 1);
        expect(merkleRoot([...shuffled, ...xs.slice(0, 2)])).toEqual(merkleRoot(xs));
      }),
    );
  });

  it('changes when one id is added, removed or altered', () => {
    fc.assert(
      fc.property(ids, fc.string({ minLength: 1, maxLength: 20 }), (xs, extra) => {
        const { root } = merkleRoot(xs);
        if (!xs.includes(extra)) expect(merkleRoot([...xs, extra]).root).not.toBe(root);
        if (xs.length > 1) expect(merkleRoot(xs.slice(1)).root).not.toBe(root);
        expect(merkleRoot([`${xs[0]}x`, ...xs.slice(1)]).root).not.toBe(root);
      }),
    );
  });

  it('proves a single id was deleted, and refuses proofs for others or against another root', () => {
    fc.assert(
      fc.property(ids, fc.nat(), (xs, k) => {
        const id = xs[k % xs.length] as string;
        const { root } = merkleRoot(xs);
        const proof = inclusionProof(xs, id)!;
        expect(verifyInclusion(proof, root)).toBe(true);
        expect(verifyInclusion({ ...proof, id: `${id}!` }, root)).toBe(false);
        expect(verifyInclusion(proof, merkleRoot([...xs, 'other-id-zz']).root)).toBe(xs.length === 1 && false);
        expect(inclusionProof(xs, `${id}-not-there-${xs.length}`)).toBeNull();
      }),
    );
  });

  it('keeps leaves and inner nodes apart (a node hash cannot pose as a leaf)', () => {
    const two = merkleRoot(['a', 'b']);
    expect(merkleRoot(['a']).root).not.toBe(two.root);
    expect(two.leaves).toBe(2);
    expect(merkleRoot([]).leaves).toBe(0);
  });
});
