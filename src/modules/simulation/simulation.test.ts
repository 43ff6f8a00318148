import { expect, it } from 'vitest';
import { describeEachBackend, TEST_START } from '../../../test/support/backends.ts';
import { runSimulation } from './simulation.service.ts';

describeEachBackend('outbreak simulator', (env) => {
  it('seeds its own city, runs the real pipeline and reports figures consistent with the database', async () => {
    const ctx = env().ctx;
    const report = await runSimulation(ctx, { days: 5, residents: 300, seed: 3, seeds: 8 });
    expect(env().clock.now()).toEqual(TEST_START);
    const scans = await ctx.db
      .selectFrom('scans')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(scans.n)).toBe(report.scans);
    const cases = await ctx.db.selectFrom('cases').select('person_id').execute();
    expect(cases.length).toBe(report.cases);
    expect(report.cases).toBe(report.positives);
    const tests = await ctx.db
      .selectFrom('health_facts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', '=', 'test_result')
      .executeTakeFirstOrThrow();
    expect(Number(tests.n)).toBe(report.tests);
    const m = report.metrics;
    expect(m.found).toBeLessThanOrEqual(m.traceable);
    expect(m.foundViaInfector).toBeLessThanOrEqual(m.found);
    expect(Object.values(m.missed).reduce((a, b) => a + b, 0)).toBe(m.traceable - m.found);
    const close = await ctx.db
      .selectFrom('exposures')
      .select('person_id')
      .distinct()
      .where('degree', '=', 'close')
      .where('state', '!=', 'dismissed')
      .execute();
    expect(m.closeContacts).toBe(close.length);
    // Review settings are left as they were.
    const review = await ctx.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', 'tracing.review')
      .executeTakeFirst();
    const value = review ? (typeof review.value === 'string' ? JSON.parse(review.value) : review.value) : null;
    expect(value).toMatchObject({ mode: 'review_above', threshold: 500 });
  }, 300_000);
});
