import { beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend, TEST_START } from '../../../test/support/backends.ts';
import { residentAuth, staffAuth, testServer } from '../../../test/support/http.ts';
import { apiToken, demoNationalIds, fhirBundle } from '../../../test/support/tracing.ts';
import { DEMO_CITY } from '../../core/geo/demo-city.ts';
import { demoResidentPhone, seedDemoCity } from '../demo/demo-seed.service.ts';
import { personScope } from '../status/person-scope.ts';
import { currentStatus } from '../status/status.service.ts';
import { runFollowUpDaily } from './followup.service.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const SEED = 31;
const RESIDENTS = 400;

describeEachBackend('quarantine follow-up', (env) => {
  let app: FastifyInstance;
  let lab: { authorization: string };
  const people: Array<{ id: string; nationalId: string; gridCode: string }> = [];
  let codes: string[];

  const at = (dayOffset: number, hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number) as [number, number];
    return new Date(TEST_START.getTime() - 8 * HOUR + dayOffset * DAY + h * HOUR + m * MIN).toISOString();
  };
  const me = (i: number) => residentAuth(app, demoResidentPhone(i));
  const workerOf = (i: number) => staffAuth(app, `worker.${people[i]!.gridCode}`);
  const tasksOf = async (i: number) =>
    (await app.inject({ url: '/api/v1/me/tasks?kind=quarantine_follow_up', headers: await workerOf(i) })).json()
      .items as Array<{ subject: { id: string }; note: string; dueAt: string }>;
  const positive = (i: number, specimen: string, detected = true) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/lab-results',
      headers: { ...lab, 'content-type': 'application/fhir+json' },
      payload: JSON.stringify(
        fhirBundle([
          { nationalId: people[i]!.nationalId, specimenId: `F-${i}-${specimen}`, collectedAt: specimen, detected },
        ]),
      ),
    });

  beforeAll(async () => {
    const ctx = env().ctx;
    env().clock.set(new Date(TEST_START.getTime() - 10 * DAY));
    await seedDemoCity(ctx, { seed: SEED, residents: RESIDENTS });
    app = await testServer(ctx);
    const admin = await staffAuth(app, 'admin');
    const places = await ctx.db.selectFrom('places').select('id').orderBy('id').limit(2).execute();
    codes = [];
    for (const p of places)
      codes.push((await app.inject({ url: `/api/v1/places/${p.id}/code`, headers: admin })).json().code);
    env().clock.set(TEST_START);
    const ids = demoNationalIds(SEED, RESIDENTS);
    for (let i = 0; i < 3; i++) {
      const id = (await app.inject({ url: '/api/v1/auth/me', headers: await me(i) })).json().id as string;
      people.push({ id, nationalId: ids.get(id)!, gridCode: (await personScope(ctx.db, id))!.gridCode });
    }
    lab = await apiToken(app, await staffAuth(app, 'admin'), { kind: 'lab', scopeJurisdictionId: DEMO_CITY });
    await app.inject({
      method: 'PUT',
      url: '/api/v1/tracing/settings',
      headers: await staffAuth(app, 'health'),
      payload: { mode: 'automatic', threshold: 0 },
    });
    const scan = async (i: number, place: number, when: string) => {
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/scans',
        headers: await me(i),
        payload: { clientId: `f-${i}-${when}`, placeCode: codes[place], scannedAt: when },
      });
      expect(r.statusCode, r.body).toBe(201);
    };
    await scan(0, 0, at(-1, '10:00'));
    await scan(1, 0, at(-1, '10:05'));
    await scan(1, 1, at(-1, '12:00'));
    await scan(2, 1, at(-1, '12:10'));
  });

  it('gives the case and every contact a follow-up: a task for their grid worker and a check-in prompt', async () => {
    expect((await positive(0, at(0, '06:00'))).json().casesOpened).toBe(1);
    await env().ctx.bus.drain();
    expect((await currentStatus(env().ctx, people[1]!.id)).color).toBe('red');
    expect((await currentStatus(env().ctx, people[2]!.id)).color).toBe('yellow');
    for (const i of [0, 1, 2]) {
      const tasks = (await tasksOf(i)).filter((t) => t.subject.id === people[i]!.id);
      expect(tasks, `person ${i}`).toHaveLength(1);
      expect(tasks[0]!.note).toMatch(/Daily follow-up, day 1/);
      const f = (await app.inject({ url: '/api/v1/me/followup', headers: await me(i) })).json();
      expect(f).toMatchObject({ active: true, today: { checkedIn: false } });
      const notes = (await app.inject({ url: '/api/v1/me/notifications', headers: await me(i) })).json();
      expect(notes.items.map((n: { kind: string }) => n.kind)).toContain('symptom_checkin_due');
    }
    // Planning again the same day adds nothing.
    expect((await runFollowUpDaily(env().ctx)).planned).toBe(0);
  });

  it('records check-ins; symptoms become a self-reported fact, "no symptoms" does not', async () => {
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/me/checkins',
      headers: await me(1),
      payload: { symptoms: [], temperatureC: 36.6 },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().factId).toBeNull();
    const sick = await app.inject({
      method: 'POST',
      url: '/api/v1/me/checkins',
      headers: await me(2),
      payload: { symptoms: ['cough'] },
    });
    expect(sick.json().factId).toMatch(/^fact:/);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/me/checkins',
      headers: await me(2),
      payload: { symptoms: ['debts'] },
    });
    expect(bad.statusCode).toBe(400);
    const f = (await app.inject({ url: '/api/v1/me/followup', headers: await me(1) })).json();
    expect(f.today.checkedIn).toBe(true);
    expect(f.checkins[0]).toMatchObject({ symptoms: [], temperatureC: 36.6 });
  });

  it('plans the next day and escalates a missed check-in to the grid worker', async () => {
    env().clock.advance(DAY);
    const r = await runFollowUpDaily(env().ctx);
    expect(r).toMatchObject({ planned: 3, escalated: 1 });
    const tasks = (await tasksOf(0)).filter((t) => t.subject.id === people[0]!.id);
    const escalation = tasks.find((t) => /Missed symptom check-in/.test(t.note));
    expect(escalation).toBeTruthy();
    expect(new Date(escalation!.dueAt).getTime() - env().clock.now().getTime()).toBe(4 * HOUR);
    expect(tasks.filter((t) => /day 2/.test(t.note))).toHaveLength(1);
    const notes = (await app.inject({ url: '/api/v1/me/notifications', headers: await me(0) })).json();
    expect(notes.items.map((n: { kind: string }) => n.kind)).toContain('symptom_checkin_missed');
    expect((await tasksOf(1)).some((t) => t.subject.id === people[1]!.id && /Missed/.test(t.note))).toBe(false);
    expect((await runFollowUpDaily(env().ctx)).escalated).toBe(0);
  });

  it('ends the follow-up when the rules release the person', async () => {
    env().clock.advance(7 * DAY);
    const neg = await positive(2, new Date(env().clock.now().getTime() - 2 * HOUR).toISOString(), false);
    expect(neg.json().accepted).toBe(1);
    expect((await currentStatus(env().ctx, people[2]!.id)).color).toBe('green');
    await env().ctx.bus.drain();
    const f = (await app.inject({ url: '/api/v1/me/followup', headers: await me(2) })).json();
    expect(f.active).toBe(false);
    const ended = await env()
      .ctx.db.selectFrom('followups')
      .select(['ended_at', 'end_reason'])
      .where('person_id', '=', people[2]!.id)
      .executeTakeFirstOrThrow();
    expect(ended.end_reason).toBe('released');
    // The others are still in quarantine and keep getting daily tasks.
    const r = await runFollowUpDaily(env().ctx);
    expect(r.planned).toBe(2);
  });
});
