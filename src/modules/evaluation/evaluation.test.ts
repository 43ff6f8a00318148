import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { residentAuth, staffAuth, testServer } from '../../../test/support/http.ts';
import { Prng } from '../../core/random/prng.ts';
import {
  escalate,
  evaluateGroups,
  groupBy as coreGroupBy,
  reportIncident,
  transition,
  type Actor,
  type GroupKeyOf,
  type IncidentHistory,
  type IncidentState,
  type TimelineEvent,
  type WorkflowAction,
  type WorkflowConfig,
} from '../../core/workflow/index.ts';
import { seedDemoCity } from '../demo/demo-seed.service.ts';
import { loadWorkflow } from '../incidents/categories.service.ts';
import { columnsAfter, type WorkflowColumns } from '../incidents/incident-columns.ts';
import { insertEvent, insertIncident } from '../incidents/incidents.repository.ts';
import { EVALUATION_GROUPINGS, type EvaluationGrouping } from './evaluation.queries.ts';
import { evaluateInDatabase } from './evaluation.service.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-03-02T00:00:00Z');
const DELAYS = [5 * MIN, 20 * MIN, 50 * MIN, 2 * HOUR, 7 * HOUR, DAY, 3 * DAY];
const CATEGORIES = ['0101', '0103', '0401', '0501', '0603'];

interface Place {
  gridCode: string;
  communityId: string;
  path: string;
  workers: Actor[];
}

/**
 * A random walk through the state machine: every step is one the machine accepts, at random delays (some within
 * the limits, some far past them), with escalations recorded in between as the scanner would.
 */
function simulate(
  config: WorkflowConfig,
  rng: Prng,
  id: string,
  place: Place,
  officers: Actor[],
  reporter: Actor,
): { state: IncidentState; events: TimelineEvent[]; states: IncidentState[] } {
  let t = T0 + rng.int(0, 20 * 24) * HOUR + rng.int(0, 59) * MIN;
  const category = rng.pick(CATEGORIES);
  const first = reportIncident(
    {
      id,
      categoryCode: category,
      jurisdictionPath: place.path,
      gridCode: place.gridCode,
      source: 'resident',
      actor: reporter,
      at: t,
    },
    config,
  );
  if (!first.ok) throw new Error(first.error.message);
  let state = first.next;
  const events = [first.event];
  const states = [first.next];
  const department = config.categories.get(category)?.handler.department ?? null;
  const assignee = (w: Actor) => ({
    id: w.id,
    role: 'grid_worker' as const,
    jurisdictionPath: w.jurisdictionPath as string,
    department,
  });
  for (let step = 0; step < 14; step++) {
    if (rng.chance(0.08)) break;
    const delay = rng.pick(DELAYS);
    if (rng.chance(0.4)) {
      const esc = escalate(state, t + Math.floor(delay * rng.next()), config);
      if (esc?.ok) {
        state = esc.next;
        events.push(esc.event);
        states.push(state);
      }
    }
    t = Math.max(t + delay, state.updatedAt);
    const officer = rng.pick(officers);
    const worker = state.assignee ? (place.workers.find((w) => w.id === state.assignee?.id) ?? null) : null;
    const any = rng.pick(place.workers);
    let action: WorkflowAction | null = null;
    const r = rng.next();
    switch (state.stage) {
      case 'collected':
        action =
          r < 0.85
            ? { type: 'file', actor: officer, at: t }
            : { type: 'reject', actor: officer, at: t, reason: 'not a case', rejection: 'unverified' };
        break;
      case 'filed':
      case 'returned':
        action = { type: 'dispatch', actor: officer, at: t, assignee: assignee(any) };
        break;
      case 'dispatched':
      case 'handling':
        if (state.pendingExtension)
          action = { type: r < 0.6 ? 'approve_extension' : 'deny_extension', actor: officer, at: t, reason: 'ok then' };
        else if (r < 0.55 && worker)
          action =
            state.stage === 'dispatched'
              ? { type: 'accept', actor: worker, at: t }
              : { type: 'feedback', actor: worker, at: t, reason: 'done' };
        else if (r < 0.65 && worker) action = { type: 'return', actor: worker, at: t, reason: 'not ours' };
        else if (r < 0.75) action = { type: 'park', actor: officer, at: t, reason: 'needs engineering work' };
        else if (r < 0.85 && worker)
          action = {
            type: 'request_extension',
            actor: worker,
            at: t,
            reason: 'parts ordered',
            extension: { amount: rng.int(1, 8), unit: 'hours' },
          };
        else if (any.id !== state.assignee?.id)
          action = { type: 'reassign', actor: officer, at: t, reason: 'closer to it', assignee: assignee(any) };
        break;
      case 'parked':
        action = { type: 'resume', actor: officer, at: t };
        break;
      case 'handled':
        action =
          r < 0.7
            ? { type: 'close', actor: officer, at: t }
            : { type: 'rework', actor: officer, at: t, reason: 'still dirty' };
        break;
      case 'closed':
        action = { type: 'evaluate', actor: officer, at: t, rating: rng.int(1, 5) };
        break;
      default:
        break;
    }
    if (!action) continue;
    const next = transition(state, action, config);
    if (!next.ok) continue; // e.g. an extension requested after its deadline: not taken, like in real life
    state = next.next;
    events.push(next.event);
    states.push(state);
  }
  return { state, events, states };
}

const KEYS: Record<EvaluationGrouping, GroupKeyOf> = {
  none: () => 'all',
  grid: coreGroupBy.grid,
  worker: coreGroupBy.worker,
  department: coreGroupBy.department,
  jurisdiction: coreGroupBy.jurisdiction(),
  category: coreGroupBy.category,
};

describeEachBackend('evaluation in SQL agrees with the core metrics', (env) => {
  const histories: IncidentHistory[] = [];
  let app: FastifyInstance;

  beforeAll(async () => {
    const { ctx } = env();
    await seedDemoCity(ctx, { seed: 11, residents: 600 });
    const { config } = await loadWorkflow(ctx);
    // Incidents in two communities, so an officer of one sees that scope filtering leaves the other out.
    const communities = ['990101001001', '990101001002'];
    const grids = await ctx.db
      .selectFrom('grids')
      .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
      .innerJoin('grid_workers', 'grid_workers.grid_code', 'grids.code')
      .select(['grids.code', 'grids.community_id', 'jurisdictions.path', 'grid_workers.staff_id'])
      .where('grids.community_id', 'in', communities)
      .orderBy('grids.code')
      .execute();
    const places: Place[] = grids.map((g) => ({
      gridCode: g.code,
      communityId: g.community_id,
      path: g.path,
      workers: grids
        .filter((o) => o.community_id === g.community_id)
        .map((o) => ({ id: o.staff_id, role: 'grid_worker', jurisdictionPath: o.path })),
    }));
    const officerRows = await ctx.db
      .selectFrom('staff')
      .innerJoin('jurisdictions', 'jurisdictions.id', 'staff.scope_jurisdiction_id')
      .select(['staff.id', 'staff.role', 'jurisdictions.path'])
      .where('staff.username', 'in', [...communities.map((c) => `community.${c}`), 'city.officer'])
      .execute();
    const reporterRow = await ctx.db.selectFrom('residents').select('id').limit(1).executeTakeFirstOrThrow();
    const reporter: Actor = { id: reporterRow.id, role: 'resident', jurisdictionPath: null };
    const rng = new Prng(20261129);
    for (let i = 0; i < 320; i++) {
      const place = rng.pick(places);
      const officers = officerRows
        .filter((o) => place.path === o.path || place.path.startsWith(`${o.path}.`))
        .map((o) => ({ id: o.id, role: o.role as Actor['role'], jurisdictionPath: o.path }));
      const id = rng.uuid();
      const { state, events, states } = simulate(config, rng, id, place, officers, reporter);
      histories.push({
        incidentId: id,
        gridCode: place.gridCode,
        jurisdictionPath: place.path,
        categoryCode: state.categoryCode,
        events,
      });
      // Stored the way the services store them: the row's summary columns folded event by event.
      let columns: WorkflowColumns | null = null;
      events.forEach((e, k) => {
        columns = columnsAfter(columns, states[k - 1] ?? null, states[k] as IncidentState, e, config);
      });
      await ctx.db.transaction().execute(async (trx) => {
        await insertIncident(
          trx,
          {
            id,
            categoryCode: state.categoryCode,
            gridCode: place.gridCode,
            communityId: place.communityId,
            reportedAt: new Date(events[0]?.at ?? T0),
            source: 'resident',
            reporterKind: 'resident',
            reporterId: reporter.id,
            lat: 0,
            lng: 0,
            description: 'generated',
            address: null,
            contact: { method: 'none' },
            attributes: {},
            mediaUrl: null,
            open311Token: null,
          },
          columns as WorkflowColumns,
          state,
        );
        for (const e of events) await insertEvent(trx, e);
      });
    }
    app = await testServer(ctx);
  });

  const PERIODS = [
    { name: 'everything, long after', from: T0, to: T0 + 40 * DAY, asOf: T0 + 90 * DAY },
    { name: 'a middle window as of its end', from: T0 + 5 * DAY, to: T0 + 15 * DAY, asOf: T0 + 15 * DAY },
    { name: 'as of a past instant mid-history', from: T0, to: T0 + 20 * DAY, asOf: T0 + 8 * DAY + 5 * HOUR },
    { name: 'a short window evaluated later', from: T0 + 10 * DAY, to: T0 + 12 * DAY, asOf: T0 + 13 * DAY },
  ];

  it('generated a varied history', () => {
    const all = evaluateGroups(histories, PERIODS[0] as (typeof PERIODS)[0], () => 'all')[0]?.metrics;
    expect(all?.reported).toBe(320);
    expect(all?.closed).toBeGreaterThan(50);
    expect(all?.rejected).toBeGreaterThan(5);
    expect(all?.overdue).toBeGreaterThan(5);
    expect(all?.parked).toBeGreaterThan(0);
    expect(all?.reworked).toBeGreaterThan(5);
    expect(all?.closedOnTime).toBeGreaterThan(0);
    expect(all?.closedOnTime).toBeLessThan(all?.closed ?? 0);
    const mid = evaluateGroups(histories, PERIODS[2] as (typeof PERIODS)[0], () => 'all')[0]?.metrics;
    expect(mid?.open).toBeGreaterThan(10);
    expect(mid?.overdue).toBeGreaterThan(0);
  });

  for (const period of PERIODS)
    for (const grouping of EVALUATION_GROUPINGS)
      it(`${period.name}, by ${grouping}`, async () => {
        const expected = evaluateGroups(histories, period, KEYS[grouping]);
        const actual = await evaluateInDatabase(env().ctx.db, {
          from: new Date(period.from),
          to: new Date(period.to),
          asOf: new Date(period.asOf),
          scopePath: null,
          groupBy: grouping,
        });
        expect(actual.groups).toEqual(expected);
        expect(expected.length).toBeGreaterThan(0);
      });

  it('serves JSON and CSV to officers of the jurisdiction only', async () => {
    const officer = await staffAuth(app, 'community.990101001001');
    const iso = (t: number) => new Date(t).toISOString();
    const url = `/api/v1/evaluation?from=${iso(T0)}&to=${iso(T0 + 40 * DAY)}&asOf=${iso(T0 + 90 * DAY)}`;
    const res = await app.inject({ url: `${url}&groupBy=jurisdiction`, headers: officer });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const scope = '990000.990100.990101.990101001.990101001001';
    expect(body.scope).toBe(scope);
    // Only the officer's community; the neighbouring community's incidents are not counted, nor its ancestors shown.
    expect(body.groups.map((g: { key: string }) => g.key)).toEqual([scope]);
    expect(body.total.reported).toBe(body.groups[0].metrics.reported);
    const inScope = histories.filter((h) => h.jurisdictionPath === scope);
    expect(body.total.reported).toBe(inScope.length);
    expect(inScope.length).toBeLessThan(histories.length);
    const csv = await app.inject({ url: `${url}&groupBy=grid&format=csv`, headers: officer });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toMatch(/^group,label_zh,label_en,reported,/);
    expect(lines.at(-1)).toMatch(new RegExp(`^total,,,${inScope.length},`));
    const worker = await staffAuth(app, 'worker.990101001001001');
    expect((await app.inject({ url, headers: worker })).statusCode).toBe(403);
    expect((await app.inject({ url, headers: await residentAuth(app, '13800000001') })).statusCode).toBe(403);
    const backwards = await app.inject({
      url: `/api/v1/evaluation?from=${new Date(T0 + DAY).toISOString()}&to=${new Date(T0).toISOString()}`,
      headers: officer,
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().detail).toMatch(/must end after it starts/);
  });
});
