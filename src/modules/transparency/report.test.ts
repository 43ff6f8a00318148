import { beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { staffAuth, testServer } from '../../../test/support/http.ts';
import { seedDemoCity } from '../demo/demo-seed.service.ts';
import { snapshotStatusCounts } from './status-counts.ts';

type Cell = { jurisdictionId: string; color: string; count: number | null; suppressed: boolean };
const HOUR = 3600_000;

describeEachBackend('public transparency report', (env) => {
  let app: FastifyInstance;
  let people: Array<{ id: string; name: string; phone: string | null; district: string }>;

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 13, residents: 800 });
    app = await testServer(env().ctx);
    people = (
      await env()
        .ctx.db.selectFrom('residents')
        .innerJoin('households', 'households.id', 'residents.household_id')
        .select(['residents.id', 'residents.name', 'residents.phone', 'households.grid_code'])
        .orderBy('residents.id')
        .execute()
    ).map((r) => ({ id: r.id, name: r.name, phone: r.phone, district: r.grid_code.slice(0, 6) }));
    await positives(0, 2);
    await snapshotStatusCounts(env().ctx);
  });

  const positives = async (from: number, to: number) => {
    const lab = await staffAuth(app, 'lab');
    const iso = (o = 0) => new Date(env().clock.now().getTime() + o).toISOString();
    for (let i = from; i < to; i++) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/facts',
        headers: lab,
        payload: {
          personId: people[i]!.id,
          kind: 'test_result',
          method: 'pcr',
          result: 'positive',
          specimenCollectedAt: iso(-6 * HOUR),
          occurredAt: iso(),
          provenance: { source: 'lab', labId: 'lab-1', specimenId: `sp-tr-${i}` },
        },
      });
      expect(r.statusCode).toBe(201);
    }
  };

  it('is public and covers statuses, facts, overrides, appeals, anomalies, rule sets, emergencies and deletions', async () => {
    const r = await app.inject({ url: '/api/v1/transparency' });
    expect(r.statusCode).toBe(200);
    const t = r.json();
    for (const k of [
      'statuses',
      'facts',
      'overrides',
      'appeals',
      'anomalies',
      'ruleSets',
      'emergencies',
      'deletionCertificates',
      'audit',
      'retention',
    ])
      expect(t).toHaveProperty(k);
    expect(t.ruleSets[0]).toMatchObject({ id: 'default', version: 1 });
    expect(t.emergencies[0]).toMatchObject({ jurisdictionId: '990100', inForce: true });
    expect(t.statuses.daily.length).toBeGreaterThan(0);
    // Days are calendar dates (the database driver may hand a date column back as a Date object).
    for (const d of t.statuses.daily as Array<{ day: string }>) expect(d.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('withholds counts from 1 to 4, and a second count where the first could be derived', async () => {
    const district = people[0]!.district;
    let t = (await app.inject({ url: '/api/v1/transparency' })).json();
    let cells = (t.statuses.current as Cell[]).filter((c) => c.jurisdictionId === district);
    expect(cells.find((c) => c.color === 'red')).toMatchObject({ count: null, suppressed: true });
    // With red withheld and yellow zero, green would give red away by subtraction from the district's total.
    expect(cells.find((c) => c.color === 'green')).toMatchObject({ count: null, suppressed: true });
    expect(t.facts).toContainEqual({
      kind: 'test_result',
      source: 'lab',
      withdrawn: false,
      count: null,
      suppressed: true,
    });
    await positives(2, 10);
    t = (await app.inject({ url: '/api/v1/transparency' })).json();
    cells = (t.statuses.current as Cell[]).filter((c) => c.jurisdictionId === district);
    expect(cells.find((c) => c.color === 'red')).toMatchObject({ count: 10, suppressed: false });
    expect(cells.find((c) => c.color === 'green')?.count).toBeGreaterThan(700);
    expect(t.facts).toContainEqual({
      kind: 'test_result',
      source: 'lab',
      withdrawn: false,
      count: 10,
      suppressed: false,
    });
    for (const c of [...(t.statuses.current as Cell[]), ...(t.statuses.daily as Cell[])]) {
      if (c.count !== null) expect(c.count === 0 || c.count > 4).toBe(true);
    }
    expect(t.appeals.filed).toEqual({ count: 0, suppressed: false });
  });

  it('names nobody', async () => {
    const body = (await app.inject({ url: '/api/v1/transparency' })).body;
    for (const p of people) {
      expect(body).not.toContain(p.id);
      expect(body).not.toContain(p.name);
      if (p.phone) expect(body).not.toContain(p.phone);
    }
  });
});
