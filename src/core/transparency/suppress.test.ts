import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { publishCount, suppressSmallCounts } from './suppress.ts';

describe('small-count suppression', () => {
  it('withholds 1–4 and keeps 0 and 5+', () => {
    expect([0, 1, 4, 5].map((n) => publishCount(n))).toEqual([
      { count: 0, suppressed: false },
      { count: null, suppressed: true },
      { count: null, suppressed: true },
      { count: 5, suppressed: false },
    ]);
  });

  it('never publishes a small count, nor leaves a single withheld count derivable within its group', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ group: fc.constantFrom('a', 'b', 'c'), count: fc.nat(40) }), { maxLength: 30 }),
        (cells) => {
          const out = suppressSmallCounts(cells);
          for (const c of out) if (c.count !== null) expect(c.count === 0 || c.count > 4).toBe(true);
          for (const g of ['a', 'b', 'c']) {
            const hidden = out.filter((c) => c.group === g && c.suppressed);
            const nonzeroShown = out.filter((c) => c.group === g && !c.suppressed && (c.count ?? 0) > 0);
            // One hidden cell next to shown ones could be recovered from the group total.
            if (hidden.length === 1) expect(nonzeroShown).toEqual([]);
          }
        },
      ),
    );
  });
});
