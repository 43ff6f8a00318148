import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-bucket.ts';

describe('token buckets', () => {
  it('allows a burst of `capacity`, then refills at the set rate', () => {
    const b = new TokenBuckets({ capacity: 3, refillPerSecond: 1 });
    expect([0, 0, 0, 0].map((t) => b.take('k', t).allowed)).toEqual([true, true, true, false]);
    const denied = b.take('k', 500);
    expect(denied).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    expect(b.take('k', 1000).allowed).toBe(true);
    expect(b.take('other', 0).allowed).toBe(true);
  });

  it('never lets more through than capacity plus what refilled', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.array(fc.nat(2000), { minLength: 1, maxLength: 100 }),
        (capacity, rate, gaps) => {
          const b = new TokenBuckets({ capacity, refillPerSecond: rate });
          let t = 0;
          let allowed = 0;
          for (const g of gaps) {
            t += g;
            if (b.take('k', t).allowed) allowed++;
          }
          expect(allowed).toBeLessThanOrEqual(capacity + Math.floor((t / 1000) * rate) + 1);
        },
      ),
    );
  });

  it('keeps memory bounded by forgetting keys', () => {
    const b = new TokenBuckets({ capacity: 1, refillPerSecond: 1 }, 10);
    for (let i = 0; i < 100; i++) b.take(`k${i}`, i);
    expect(b.peek('k99', 100)).toBeLessThanOrEqual(1);
  });
});
