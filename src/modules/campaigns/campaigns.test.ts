import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { staffAuth, testServer } from '../../../test/support/http.ts';
import { seedDemoCity } from '../demo/demo-seed.service.ts';

type Auth = { authorization: string };
const DAY = 86_400_000;
const SUBDISTRICT = '990101001';
const GRID = '990101001001001';

describeEachBackend('door-to-door campaigns', (env) => {
  let app: FastifyInstance;
  let officer: Auth;
  let worker: Auth;
  let inScope: number;
  let campaignId: string;

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 7, residents: 1500 });
    app = await testServer(env().ctx);
    officer = await staffAuth(app, `subdistrict.${SUBDISTRICT}`);
    worker = await staffAuth(app, `worker.${GRID}`);
    inScope = Number(
      (
        await env()
          .ctx.db.selectFrom('households')
          .innerJoin('grids', 'grids.code', 'households.grid_code')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('grids.community_id', 'like', `${SUBDISTRICT}%`)
          .executeTakeFirstOrThrow()
      ).n,
    );
  });

  const dueAt = () => new Date(env().clock.now().getTime() + 4 * DAY).toISOString();
  const post = (url: string, auth: Auth, payload: unknown) =>
    app.inject({ method: 'POST', url, headers: auth, payload: payload as Record<string, unknown> });
  const get = (url: string, auth: Auth) => app.inject({ url, headers: auth });

  it('refuses bad campaigns and changes nothing', async () => {
    const before = (await env().ctx.db.selectFrom('tasks').select('id').execute()).length;
    let r = await post('/api/v1/campaigns', officer, { name: 'Visit', jurisdictionId: '999999', dueAt: dueAt() });
    expect(r.statusCode).toBe(422);
    expect(r.json().detail).toBe('body.jurisdictionId: no jurisdiction with code 999999');
    r = await post('/api/v1/campaigns', officer, {
      name: 'Visit',
      jurisdictionId: SUBDISTRICT,
      dueAt: new Date(env().clock.now().getTime() - DAY).toISOString(),
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().detail).toMatch(/is not in the future/);
    r = await post('/api/v1/campaigns', worker, { name: 'Visit', jurisdictionId: SUBDISTRICT, dueAt: dueAt() });
    expect(r.statusCode).toBe(403);
    const community = await staffAuth(app, 'community.990101001001');
    r = await post('/api/v1/campaigns', community, { name: 'Visit', jurisdictionId: SUBDISTRICT, dueAt: dueAt() });
    expect(r.statusCode).toBe(403);
    expect((await env().ctx.db.selectFrom('tasks').select('id').execute()).length).toBe(before);
  });

  it('creates one visit task per household in scope, dealt to the grid workers', async () => {
    const r = await post('/api/v1/campaigns', officer, {
      name: 'Visit every household by Friday',
      jurisdictionId: SUBDISTRICT,
      dueAt: dueAt(),
    });
    expect(r.statusCode, r.body).toBe(201);
    campaignId = r.json().id;
    expect(r.json().households).toBe(inScope);
    const tasks = await env()
      .ctx.db.selectFrom('tasks')
      .innerJoin('grid_workers', 'grid_workers.staff_id', 'tasks.assignee_id')
      .select(['tasks.grid_code', 'grid_workers.grid_code as worker_grid', 'tasks.kind', 'tasks.status'])
      .where('tasks.campaign_id', '=', campaignId)
      .execute();
    expect(tasks).toHaveLength(inScope);
    expect(
      tasks.every((t) => t.grid_code === t.worker_grid && t.kind === 'campaign_visit' && t.status === 'open'),
    ).toBe(true);
    const mine = (await get('/api/v1/me/tasks?kind=campaign_visit&limit=1000', worker)).json().items;
    expect(mine.length).toBe(tasks.filter((t) => t.grid_code === GRID).length);
    expect(mine.length).toBeGreaterThanOrEqual(5);
  });

  let nobodyHomeTask: string;
  it('records visits; coverage per grid counts households spoken to, nobody-home stays unreached', async () => {
    const mine = (await get('/api/v1/me/tasks?kind=campaign_visit&limit=1000', worker)).json().items;
    const outcomes = ['reached', 'nobody_home', 'refused', 'needs_help'];
    for (const [i, outcome] of outcomes.entries()) {
      const r = await post(`/api/v1/tasks/${mine[i].id}/complete`, worker, { result: { outcome, note: `visit ${i}` } });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().status).toBe(outcome === 'nobody_home' ? 'open' : 'completed');
    }
    nobodyHomeTask = mine[1].id;
    const bad = await post(`/api/v1/tasks/${mine[4].id}/complete`, worker, { result: { outcome: 'asleep' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().detail).toMatch(
      /^body\.result\.outcome: outcome must be one of reached, nobody_home, refused, needs_help/,
    );

    const coverage = (await get(`/api/v1/campaigns/${campaignId}/coverage`, officer)).json();
    expect(coverage.overall).toMatchObject({
      households: inScope,
      reached: 3,
      nobodyHome: 1,
      refused: 1,
      needsHelp: 1,
    });
    expect(coverage.overall.unreached).toBe(inScope - 3);
    const grid = coverage.byGrid.find((g: { gridCode: string }) => g.gridCode === GRID);
    expect(grid.coverage).toMatchObject({ reached: 3, unvisited: mine.length - 4, nobodyHome: 1 });
    expect(grid.coverage.coverage).toBeCloseTo(3 / mine.length);
    expect(coverage.byGrid.length).toBeGreaterThan(1);
    const levels = coverage.byJurisdiction.map((j: { jurisdictionPath: string }) => j.jurisdictionPath);
    expect(levels[0]).toBe('990000.990100.990101.990101001');
    expect(levels.every((p: string) => p.startsWith('990000.990100.990101.990101001'))).toBe(true);
    expect(coverage.followUp).toBe(2);
  });

  it('feeds the command-center map: households and reached per area and per grid add up to the coverage', async () => {
    const coverage = (await get(`/api/v1/campaigns/${campaignId}/coverage`, officer)).json();
    const metrics = 'campaign_households,campaign_reached';
    const areas = await get(`/api/v1/stats/areas?parent=${SUBDISTRICT}&metrics=${metrics}`, officer);
    expect(areas.statusCode, areas.body).toBe(200);
    const sum = (key: string) =>
      areas.json().items.reduce((n: number, i: { values: Record<string, number> }) => n + (i.values[key] ?? 0), 0);
    expect(sum('campaign_households')).toBe(coverage.overall.households);
    expect(sum('campaign_reached')).toBe(coverage.overall.reached);
    const grids = await get(`/api/v1/stats/grids?parent=${GRID.slice(0, 12)}&metrics=${metrics}`, officer);
    expect(grids.statusCode, grids.body).toBe(200);
    const mine = grids.json().items.find((i: { code: string }) => i.code === GRID);
    const expected = coverage.byGrid.find((g: { gridCode: string }) => g.gridCode === GRID).coverage;
    expect(mine.values).toEqual({ campaign_households: expected.households, campaign_reached: 3 });
    // A campaign whose deadline has passed no longer counts as running.
    const db = env().ctx.db;
    const { due_at } = await db
      .selectFrom('campaigns')
      .select('due_at')
      .where('id', '=', campaignId)
      .executeTakeFirstOrThrow();
    await db
      .updateTable('campaigns')
      .set({ due_at: new Date(env().clock.now().getTime() - 1000) })
      .where('id', '=', campaignId)
      .execute();
    const later = await get(`/api/v1/stats/areas?parent=${SUBDISTRICT}&metrics=${metrics}`, officer);
    await db.updateTable('campaigns').set({ due_at }).where('id', '=', campaignId).execute();
    expect(later.statusCode, later.body).toBe(200);
    expect(
      later.json().items.every((i: { values: Record<string, number> }) => i.values.campaign_households === 0),
    ).toBe(true);
  });

  it('lists the households not reached yet, page by page, with their tasks', async () => {
    const first = (await get(`/api/v1/campaigns/${campaignId}/unreached?limit=5`, officer)).json();
    expect(first.total).toBe(inScope - 3);
    expect(first.items).toHaveLength(5);
    const seen = new Set<string>(first.items.map((i: { householdId: string }) => i.householdId));
    let cursor = first.nextCursor;
    while (cursor) {
      const page = (await get(`/api/v1/campaigns/${campaignId}/unreached?limit=50&cursor=${cursor}`, officer)).json();
      for (const i of page.items) {
        expect(seen.has(i.householdId)).toBe(false);
        seen.add(i.householdId);
      }
      cursor = page.nextCursor;
    }
    expect(seen.size).toBe(inScope - 3);
    const inGrid = (await get(`/api/v1/campaigns/${campaignId}/unreached?gridCode=${GRID}&limit=1000`, officer)).json();
    const knocked = inGrid.items.find((i: { status: string }) => i.status === 'nobody_home');
    expect(knocked).toMatchObject({ attempts: 1, taskId: nobodyHomeTask });
    expect(knocked).not.toHaveProperty('address');
    const followUp = (await get(`/api/v1/campaigns/${campaignId}/unreached?list=follow_up`, officer)).json();
    expect(followUp.items.map((i: { status: string }) => i.status).sort()).toEqual(['needs_help', 'refused']);
  });

  it('reaches a household on the second knock and closes its task', async () => {
    const r = await post(`/api/v1/tasks/${nobodyHomeTask}/complete`, worker, { result: { outcome: 'reached' } });
    expect(r.json()).toMatchObject({ status: 'completed', attempts: 2 });
    const coverage = (await get(`/api/v1/campaigns/${campaignId}/coverage`, officer)).json();
    expect(coverage.overall).toMatchObject({ reached: 4, nobodyHome: 0 });
    const visits = await env()
      .ctx.db.selectFrom('campaign_visits')
      .select('outcome')
      .where('campaign_id', '=', campaignId)
      .execute();
    expect(visits).toHaveLength(5);
  });
});
