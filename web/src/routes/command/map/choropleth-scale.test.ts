import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildScale, defaultThreshold } from './choropleth-scale.ts';
import { METRICS, percentOf } from '../metrics.ts';

describe('choropleth thresholds', () => {
  it('marks the top decile of counts, or those above a common minimum', () => {
    const counts = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`g${i}`, i]));
    expect(defaultThreshold(counts)).toBe(17);
    expect(buildScale(counts, 17).alerts.toSorted()).toEqual(['g17', 'g18', 'g19']);
    const sparse = { a: 0, b: 0, c: 0, d: 0, e: 0, f: 0, g: 0, h: 0, i: 0, j: 2, k: 5 };
    expect(defaultThreshold(sparse)).toBe(2);
  });

  it('mirrors for coverage: the bottom decile, or those below a common 100 %', () => {
    const coverage = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`g${i}`, i * 5]));
    expect(defaultThreshold(coverage, 'low')).toBe(5);
    expect(buildScale(coverage, 5, 'low').alerts.toSorted()).toEqual(['g0', 'g1']);
    const mostlyDone = { a: 100, b: 100, c: 100, d: 100, e: 100, f: 100, g: 100, h: 100, i: 100, j: 60, k: 80 };
    expect(defaultThreshold(mostlyDone, 'low')).toBe(80);
    expect(buildScale(mostlyDone, 80, 'low').alerts.toSorted()).toEqual(['j', 'k']);
    expect(defaultThreshold({ a: 40, b: 40 }, 'low')).toBeNull();
  });

  it('never flashes every area when the figures differ (either direction)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 60 }), (xs) => {
        const values = Object.fromEntries(xs.map((v, i) => [`a${i}`, v]));
        for (const direction of ['high', 'low'] as const) {
          const t = defaultThreshold(values, direction);
          const alerts = buildScale(values, t, direction).alerts.length;
          if (new Set(xs).size === 1) expect(t).toBeNull();
          else {
            expect(alerts).toBeGreaterThan(0);
            expect(alerts).toBeLessThan(xs.length);
          }
        }
      }),
    );
  });
});

describe('campaign coverage on the map', () => {
  it('divides each area’s own sums and leaves out places without a campaign', () => {
    expect(percentOf({ a: 3, b: 0 }, { a: 4, b: 10, c: 0 })).toEqual({ a: 75, b: 0 });
    const metric = METRICS.find((m) => m.id === 'campaignCoverage');
    expect(metric?.direction).toBe('low');
    const stats = {
      level: 'jurisdiction',
      byMetric: {
        campaign_households: { '990101': 200, '990102': 0 },
        campaign_reached: { '990101': 50 },
      },
      totals: {},
    } as never;
    expect(metric?.areas({ areas: [], grids: [], gridIndex: null, stats, gridFigures: null })).toEqual({
      '990101': 25,
    });
  });
});
