import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { residentAuth, staffAuth, testServer } from '../../../test/support/http.ts';
import { demoResidentPhone, seedDemoCity } from '../demo/demo-seed.service.ts';
import { recordFact } from '../status/facts.service.ts';

describeEachBackend('command-center statistics', (env) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 5, residents: 1200 });
    app = await testServer(env().ctx);
    // Two positives in the first grid, one symptom report (yellow) in another.
    const people = await env()
      .ctx.db.selectFrom('residents')
      .innerJoin('households', 'households.id', 'residents.household_id')
      .select(['residents.id', 'households.grid_code'])
      .orderBy('households.grid_code')
      .orderBy('residents.id')
      .execute();
    const lab = await env()
      .ctx.db.selectFrom('staff')
      .select('id')
      .where('username', '=', 'health')
      .executeTakeFirstOrThrow();
    const officer = {
      kind: 'staff' as const,
      id: lab.id,
      role: 'health_officer' as const,
      scopeId: '990100',
      scopePath: '990000.990100',
    };
    const now = env().clock.now().toISOString();
    const first = people.filter((p) => p.grid_code === people[0]!.grid_code);
    for (const p of first.slice(0, 2))
      await recordFact(env().ctx, officer, {
        personId: p.id,
        kind: 'test_result',
        method: 'pcr',
        result: 'positive',
        specimenCollectedAt: now,
        occurredAt: now,
        provenance: { source: 'lab', labId: 'l1', specimenId: `s-${p.id.slice(0, 8)}` },
      });
    const other = people.find((p) => p.grid_code !== people[0]!.grid_code)!;
    await recordFact(env().ctx, officer, {
      personId: other.id,
      kind: 'symptom_report',
      symptoms: ['fever'],
      onsetAt: null,
      occurredAt: now,
      provenance: { source: 'officer', officerId: lab.id },
    });
  });

  it('rolls red and yellow counts up from grids to each child area', async () => {
    const officer = await staffAuth(app, 'city.officer');
    const res = await app.inject({
      url: '/api/v1/stats/areas?parent=990100&metrics=red,yellow,residents',
      headers: officer,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.level).toBe('jurisdiction');
    const total = (k: string) =>
      body.items.reduce((s: number, i: { values: Record<string, number> }) => s + i.values[k]!, 0);
    expect(total('red')).toBe(2);
    expect(total('yellow')).toBe(1);
    const residents = await env()
      .ctx.db.selectFrom('residents')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(total('residents')).toBe(Number(residents?.n));
    const grids = await app.inject({ url: '/api/v1/stats/areas?parent=990101001001&metrics=red', headers: officer });
    expect(grids.json().level).toBe('grid');
    expect(grids.json().items.every((i: { id: string }) => /^\d{15}$/.test(i.id))).toBe(true);
  });

  it('lists per-grid figures under any area, only grids with a non-zero figure, matching the rolled-up counts', async () => {
    const officer = await staffAuth(app, 'city.officer');
    const areas = await app.inject({ url: '/api/v1/stats/areas?parent=990100&metrics=red,yellow', headers: officer });
    const res = await app.inject({ url: '/api/v1/stats/grids?parent=990100&metrics=red,yellow', headers: officer });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: Array<{ code: string; values: Record<string, number> }> };
    // Two reds in one grid, one yellow in another: exactly those two grids, each with its own figure.
    expect(body.items.length).toBe(2);
    const red = body.items.find((i) => i.values.red !== undefined)!;
    const yellow = body.items.find((i) => i.values.yellow !== undefined)!;
    expect(red.values).toEqual({ red: 2 });
    expect(yellow.values).toEqual({ yellow: 1 });
    expect(red.code).not.toBe(yellow.code);
    expect(body.items.every((i) => /^\d{15}$/.test(i.code))).toBe(true);
    // Each grid's figure adds up into the child area its code starts with.
    for (const area of areas.json().items as Array<{ id: string; values: Record<string, number> }>) {
      const inArea = body.items.filter((i) => i.code.startsWith(area.id));
      expect(inArea.reduce((s, i) => s + (i.values.red ?? 0), 0)).toBe(area.values.red);
      expect(inArea.reduce((s, i) => s + (i.values.yellow ?? 0), 0)).toBe(area.values.yellow);
    }
    // Asked for a community: only that community's grids.
    const community = red.code.slice(0, 12);
    const one = await app.inject({ url: `/api/v1/stats/grids?parent=${community}&metrics=red`, headers: officer });
    expect(one.json().items).toEqual([{ code: red.code, values: { red: 2 } }]);
    const worker = await staffAuth(app, 'worker.990101001001001');
    expect(
      (await app.inject({ url: `/api/v1/stats/grids?parent=${community}&metrics=red`, headers: worker })).statusCode,
    ).toBe(403);
    const unknown = await app.inject({ url: '/api/v1/stats/grids?parent=990100&metrics=nope', headers: officer });
    expect(unknown.statusCode).toBe(400);
    const outside = await app.inject({
      url: '/api/v1/stats/grids?parent=990101001002&metrics=red',
      headers: await staffAuth(app, 'community.990101001001'),
    });
    expect(outside.statusCode).toBe(403);
  });

  it('refuses unknown metrics, anonymous callers and areas outside the scope', async () => {
    const officer = await staffAuth(app, 'city.officer');
    const unknown = await app.inject({ url: '/api/v1/stats/areas?parent=990100&metrics=protests', headers: officer });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().detail).toMatch(/unknown metric protests/);
    expect((await app.inject({ url: '/api/v1/stats/areas?parent=990100&metrics=red' })).statusCode).toBe(401);
    const community = await staffAuth(app, 'community.990101001001');
    const outside = await app.inject({
      url: '/api/v1/stats/areas?parent=990101001002&metrics=red',
      headers: community,
    });
    expect(outside.statusCode).toBe(403);
    const worker = await staffAuth(app, 'worker.990101001001001');
    expect(
      (await app.inject({ url: '/api/v1/stats/areas?parent=990101001001&metrics=red', headers: worker })).statusCode,
    ).toBe(403);
  });

  it('counts status changes per day for the charts', async () => {
    const res = await app.inject({
      url: '/api/v1/stats/status-timeline?jurisdiction=990100&days=7',
      headers: await staffAuth(app, 'health'),
    });
    expect(res.statusCode).toBe(200);
    const days = res.json().days as Array<{ red: number; yellow: number }>;
    expect(days.reduce((s, d) => s + d.red, 0)).toBe(2);
    expect(days.reduce((s, d) => s + d.yellow, 0)).toBe(1);
  });
  it('counts open cases at the case person’s home grid, not closed ones', async () => {
    const db = env().ctx.db;
    const people = await db
      .selectFrom('residents')
      .innerJoin('households', 'households.id', 'residents.household_id')
      .select(['residents.id', 'households.grid_code'])
      .orderBy('households.grid_code', 'desc')
      .limit(3)
      .execute();
    const at = env().clock.now();
    const outbreak = randomUUID();
    await db.insertInto('outbreaks').values({ id: outbreak, jurisdiction_id: '990100', opened_at: at }).execute();
    await db
      .insertInto('cases')
      .values(
        people.map((p, i) => ({
          id: randomUUID(),
          person_id: p.id,
          outbreak_id: outbreak,
          state: i === 2 ? ('closed' as const) : ('open' as const),
          opened_at: at,
          closed_at: i === 2 ? at : null,
          specimen_at: at,
          infectious_from: at,
          result_fact_ids: JSON.stringify([]),
        })),
      )
      .execute();
    const officer = await staffAuth(app, 'city.officer');
    const areas = await app.inject({ url: '/api/v1/stats/areas?parent=990100&metrics=active_cases', headers: officer });
    expect(areas.statusCode).toBe(200);
    expect(
      areas.json().items.reduce((n: number, i: { values: Record<string, number> }) => n + i.values.active_cases!, 0),
    ).toBe(2);
    const open = people.slice(0, 2);
    const perGrid = new Map<string, number>();
    for (const p of open) perGrid.set(p.grid_code, (perGrid.get(p.grid_code) ?? 0) + 1);
    const grids = await app.inject({
      url: `/api/v1/stats/grids?parent=${open[0]!.grid_code.slice(0, 6)}&metrics=active_cases`,
      headers: officer,
    });
    expect(grids.statusCode).toBe(200);
    const got = new Map(
      (grids.json().items as Array<{ code: string; values: Record<string, number> }>).map((i) => [
        i.code,
        i.values.active_cases,
      ]),
    );
    expect(got).toEqual(perGrid);
    await db.deleteFrom('cases').where('outbreak_id', '=', outbreak).execute();
    await db.deleteFrom('outbreaks').where('id', '=', outbreak).execute();
  });
  it('counts open and overdue incidents per grid (last: it moves the clock)', async () => {
    const officer = await staffAuth(app, 'city.officer');
    const resident = await residentAuth(app, demoResidentPhone(1));
    const grid = await env()
      .ctx.db.selectFrom('grids')
      .select(['code', 'centroid_lat', 'centroid_lng'])
      .orderBy('code')
      .executeTakeFirstOrThrow();
    const ids: string[] = [];
    for (const categoryCode of ['0101', '0601']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/incidents',
        headers: resident,
        payload: { categoryCode, description: 'Test report', lat: grid.centroid_lat, lng: grid.centroid_lng },
      });
      expect(res.statusCode).toBe(201);
      ids.push(res.json().incidentId);
    }
    const figures = async (headers: { authorization: string }) =>
      (
        await app.inject({
          url: `/api/v1/stats/grids?parent=${grid.code.slice(0, 12)}&metrics=open_incidents,overdue_incidents`,
          headers,
        })
      ).json().items as Array<{ code: string; values: Record<string, number> }>;
    expect(await figures(officer)).toEqual([{ code: grid.code, values: { open_incidents: 2 } }]);
    // One is rejected (no longer open); the other's filing limit (1 working hour) runs out two days later.
    const reject = await app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${ids[0]}/actions`,
      headers: officer,
      payload: { type: 'reject', rejection: 'unverified', reason: 'A test' },
    });
    expect(reject.statusCode).toBe(200);
    env().clock.advance(2 * 86_400_000);
    const later = await staffAuth(app, 'city.officer'); // sessions expire meanwhile
    expect(await figures(later)).toEqual([{ code: grid.code, values: { open_incidents: 1, overdue_incidents: 1 } }]);
    const areas = await app.inject({
      url: '/api/v1/stats/areas?parent=990100&metrics=open_incidents,overdue_incidents',
      headers: later,
    });
    const total = (k: string) =>
      areas.json().items.reduce((n: number, i: { values: Record<string, number> }) => n + (i.values[k] ?? 0), 0);
    expect(total('open_incidents')).toBe(1);
    expect(total('overdue_incidents')).toBe(1);
  });
});
