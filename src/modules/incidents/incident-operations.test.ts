import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { residentAuth, staffAuth, testServer } from '../../../test/support/http.ts';
import { SEED_CATEGORY_TREE } from '../../core/workflow/index.ts';
import { seedDemoCity } from '../demo/demo-seed.service.ts';

type Auth = { authorization: string };
const GRID = '990101001001001';
const COMMUNITY = '990101001001';

describeEachBackend('incident administration, lists and exception paths', (env) => {
  let app: FastifyInstance;
  let admin: Auth;
  let officer: Auth;
  let worker: Auth;
  let resident: Auth;
  let point: { lat: number; lng: number };
  let otherPoint: { lat: number; lng: number; grid_code: string };

  const post = (url: string, auth: Auth, payload: unknown) =>
    app.inject({ method: 'POST', url, headers: auth, payload: payload as Record<string, unknown> });
  const put = (url: string, auth: Auth, payload: unknown) =>
    app.inject({ method: 'PUT', url, headers: auth, payload: payload as Record<string, unknown> });
  const get = (url: string, auth: Auth) => app.inject({ url, headers: auth });
  const report = async (categoryCode: string, at = point) => {
    const r = await post('/api/v1/incidents?allowDuplicate=true', resident, {
      categoryCode,
      description: `Problem ${categoryCode}`,
      lat: at.lat,
      lng: at.lng,
      contact: { method: 'sms', phone: '13800000001' },
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().incident.id as string;
  };
  const act = async (id: string, auth: Auth, payload: Record<string, unknown>, status = 200) => {
    // A minute between steps, so the tasks each step creates are ordered by creation time.
    env().clock.advance(60_000);
    const r = await post(`/api/v1/incidents/${id}/actions`, auth, payload);
    expect(r.statusCode, r.body).toBe(status);
    return r.json();
  };

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 7, residents: 1500 });
    app = await testServer(env().ctx);
    admin = await staffAuth(app, 'admin');
    officer = await staffAuth(app, `community.${COMMUNITY}`);
    worker = await staffAuth(app, `worker.${GRID}`);
    resident = await residentAuth(app, '13800000001');
    point = await env()
      .ctx.db.selectFrom('households')
      .select(['lat', 'lng'])
      .where('grid_code', '=', GRID)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    otherPoint = await env()
      .ctx.db.selectFrom('households')
      .innerJoin('grids', 'grids.code', 'households.grid_code')
      .select(['households.lat', 'households.lng', 'households.grid_code'])
      .where('grids.community_id', '!=', COMMUNITY)
      .orderBy('households.id')
      .executeTakeFirstOrThrow();
  });

  it('lets administrators replace the category tree, validated in full, never orphaning incidents', async () => {
    const id = await report('0106');
    const tree = structuredClone(SEED_CATEGORY_TREE) as unknown as {
      version: number;
      majors: { code: string; minors: { code: string; active: boolean; limits: { handle: { amount: number } } }[] }[];
    };
    tree.version = 2;
    expect((await put('/api/v1/incident-categories', officer, tree)).statusCode).toBe(403);

    const broken = structuredClone(tree);
    (broken.majors[0]?.minors[2] as { limits: { handle: { amount: number } } }).limits.handle.amount = -1;
    (broken.majors[1] as { code: string }).code = '9';
    let r = await put('/api/v1/incident-categories', admin, broken);
    expect(r.statusCode).toBe(422);
    const fields = r.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toContain('body.majors[0].minors[2].limits.handle.amount');
    expect(fields).toContain('body.majors[1].code');
    expect(r.json().detail).toMatch(
      /category 0103, majors\[0\]\.minors\[2\]\.limits\.handle\.amount: a time limit must be positive/,
    );

    const stale = { ...structuredClone(tree), version: 1 };
    r = await put('/api/v1/incident-categories', admin, stale);
    expect(r.statusCode).toBe(409);
    expect(r.json().detail).toMatch(/send version 2/);

    // 0106 has an incident: it can be retired, not removed.
    const removed = structuredClone(tree);
    const major = removed.majors[0] as { minors: { code: string }[] };
    major.minors = major.minors.filter((m) => m.code !== '0106');
    r = await put('/api/v1/incident-categories', admin, removed);
    expect(r.statusCode).toBe(422);
    expect(r.json().detail).toMatch(
      /category 0106 has 1 incident\(s\) and cannot be removed; keep it with "active": false/,
    );

    const retired = structuredClone(tree);
    const minor = retired.majors[0]?.minors.find((m) => m.code === '0106');
    if (minor) minor.active = false;
    r = await put('/api/v1/incident-categories', admin, retired);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().version).toBe(2);
    expect((await app.inject('/api/v1/incident-categories')).json().version).toBe(2);
    r = await post('/api/v1/incidents', resident, { categoryCode: '0106', description: 'Untidy park', ...point });
    expect(r.statusCode).toBe(422);
    expect(r.json().detail).toMatch(/retired and takes no new reports/);
    // The retired category's incident keeps working.
    expect((await act(id, officer, { type: 'file' })).stage).toBe('filed');
    const services = (await app.inject('/open311/v2/services.json')).json();
    expect(services.map((s: { service_code: string }) => s.service_code)).not.toContain('0106');
  });

  it('lets administrators set the office calendar, validated', async () => {
    let r = await put('/api/v1/incident-calendar', admin, {
      kind: 'working',
      utcOffsetMinutes: 480,
      weekdays: [1, 2, 3, 4, 5],
      periods: [{ start: '13:00', end: '12:00' }],
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().detail).toMatch(/body\.periods\.0: period 13:00–12:00 ends before it starts/);
    const calendar = {
      kind: 'working',
      utcOffsetMinutes: 480,
      weekdays: [1, 2, 3, 4, 5, 6],
      periods: [{ start: '08:00', end: '16:30' }],
      holidays: ['2026-10-01'],
      workdays: [],
    };
    expect((await put('/api/v1/incident-calendar', worker, calendar)).statusCode).toBe(403);
    r = await put('/api/v1/incident-calendar', admin, calendar);
    expect(r.statusCode, r.body).toBe(200);
    expect((await app.inject('/api/v1/incident-calendar')).json()).toEqual(calendar);
    // A new report's filing deadline counts in the new calendar: Monday 16:10 + 1 working hour is Tuesday 08:40
    // (+08:00), where the default calendar would have said Monday 17:10.
    env().clock.set(new Date('2026-03-02T08:10:00Z'));
    const id = await report('0101');
    const view = (await get(`/api/v1/incidents/${id}`, officer)).json();
    expect(view.dueAt).toBe('2026-03-03T00:40:00.000Z');
  });

  it('lists incidents by grid, jurisdiction and stage, page by page, within the viewer’s scope', async () => {
    const elsewhere = await report('0102', otherPoint);
    const filed = await report('0104');
    await act(filed, officer, { type: 'file' });
    const mine = (await get('/api/v1/incidents?limit=1000', officer)).json().items;
    expect(mine.every((i: { jurisdictionPath: string }) => i.jurisdictionPath.endsWith(COMMUNITY))).toBe(true);
    expect(mine.map((i: { id: string }) => i.id)).not.toContain(elsewhere);
    expect((await get(`/api/v1/incidents?gridCode=${otherPoint.grid_code}`, officer)).statusCode).toBe(403);
    const district = await staffAuth(app, 'district.990101');
    const all = (await get('/api/v1/incidents?limit=1000', district)).json().items;
    expect(all.map((i: { id: string }) => i.id)).toContain(elsewhere);
    const byGrid = (await get(`/api/v1/incidents?gridCode=${GRID}&limit=1000`, district)).json().items;
    expect(byGrid.every((i: { gridCode: string }) => i.gridCode === GRID)).toBe(true);
    const stages = (await get('/api/v1/incidents?stage=filed&limit=1000', officer)).json().items;
    expect(stages.map((i: { id: string }) => i.id)).toContain(filed);
    expect(stages.every((i: { stage: string }) => i.stage === 'filed')).toBe(true);
    expect((await get('/api/v1/incidents?stage=done', officer)).json().detail).toMatch(/unknown stage 'done'/);
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await get(`/api/v1/incidents?limit=2${cursor ? `&cursor=${cursor}` : ''}`, district)
      ).json();
      pages.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all.map((i: { id: string }) => i.id));
    const own = (await get('/api/v1/incidents?limit=1000', resident)).json().items;
    expect(own.length).toBe(all.length);
    expect((await get('/api/v1/incidents', await residentAuth(app, '13800000002'))).json().items).toEqual([]);
  });

  it("shows the reporter's contact only to staff who state a purpose, and audits that read", async () => {
    const id = await report('0102');
    const plain = (await get(`/api/v1/incidents/${id}`, officer)).json();
    expect(plain.contact).toBeNull();
    expect((await get(`/api/v1/incidents/${id}?purpose=curiosity`, officer)).statusCode).toBe(400);
    const withPurpose = (await get(`/api/v1/incidents/${id}?purpose=incident_handling`, officer)).json();
    expect(withPurpose.contact).toEqual({ method: 'sms', phone: '13800000001' });
    const reporterId = plain.reporter.id;
    const audit = await env()
      .ctx.db.selectFrom('audit_log')
      .select(['action', 'purpose', 'person_id'])
      .where('subject_id', '=', id)
      .where('action', '=', 'incident.read_contact')
      .execute();
    expect(audit).toEqual([{ action: 'incident.read_contact', purpose: 'incident_handling', person_id: reporterId }]);
  });

  it('keeps the handling task in step through return, rework, parking and extensions', async () => {
    const id = await report('0105');
    await act(id, officer, { type: 'file' });
    await act(id, officer, { type: 'dispatch' });
    const tasksOf = () =>
      env()
        .ctx.db.selectFrom('tasks')
        .select(['status', 'due_at', 'result'])
        .where('subject_id', '=', id)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    // Return: the task is cancelled with the reason; the incident goes back to dispatch.
    const ret = await act(id, worker, { type: 'return', reason: 'belongs to the water utility' });
    expect(ret.stage).toBe('returned');
    expect((await tasksOf()).map((t) => t.status)).toEqual(['cancelled']);
    await act(id, officer, { type: 'dispatch' });
    await act(id, worker, { type: 'accept' });
    // Extension: requested by the worker, approved by someone else, the task follows the new deadline.
    await act(id, worker, {
      type: 'request_extension',
      reason: 'waiting for a truck',
      extension: { amount: 2, unit: 'hours' },
    });
    await act(id, worker, { type: 'approve_extension' }, 403);
    const approved = await act(id, officer, { type: 'approve_extension' });
    let tasks = await tasksOf();
    expect(new Date(tasks[1]?.due_at as Date).toISOString()).toBe(approved.dueAt);
    // Park and resume: a fresh handling clock and a fresh task, already accepted.
    await act(id, officer, { type: 'park', reason: 'needs a permit' });
    expect((await tasksOf()).map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    const resumed = await act(id, officer, { type: 'resume' });
    expect(resumed.stage).toBe('handling');
    tasks = await tasksOf();
    expect(tasks.map((t) => t.status)).toEqual(['cancelled', 'cancelled', 'accepted']);
    // Feedback and rework: the verifier sends it back; the worker gets it again on their list.
    await act(id, worker, { type: 'feedback', reason: 'piles removed' });
    await act(id, officer, { type: 'rework' }, 422);
    const rework = await act(id, officer, { type: 'rework', reason: 'one pile left behind' });
    expect(rework.stage).toBe('handling');
    tasks = await tasksOf();
    expect(tasks.map((t) => t.status)).toEqual(['cancelled', 'cancelled', 'completed', 'accepted']);
    const list = (await get('/api/v1/me/tasks?limit=1000', worker)).json().items;
    expect(list.filter((t: { subject: { id: string } }) => t.subject.id === id)).toHaveLength(1);
    const view = (await get(`/api/v1/incidents/${id}`, officer)).json();
    expect(view.timeline.map((e: { type: string }) => e.type)).toEqual([
      'reported',
      'file',
      'dispatch',
      'return',
      'dispatch',
      'accept',
      'request_extension',
      'approve_extension',
      'park',
      'resume',
      'feedback',
      'rework',
    ]);
    // A stale client is told the incident moved on.
    const stale = await post(`/api/v1/incidents/${id}/actions`, worker, {
      type: 'feedback',
      reason: 'done',
      expectedVersion: 3,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().detail).toMatch(/is at version 12, not 3/);
    // Fields that do not belong to the action are refused rather than ignored.
    const odd = await post(`/api/v1/incidents/${id}/actions`, worker, { type: 'feedback', reason: 'ok', rating: 5 });
    expect(odd.statusCode).toBe(400);
    expect(odd.json().detail).toBe('body.rating: only an evaluate action takes rating; this is a feedback action');
  });

  it('reassigns an incident through its task to another worker of the community by default', async () => {
    const id = await report('0201');
    await act(id, officer, { type: 'file' });
    const dispatched = await act(id, officer, { type: 'dispatch' });
    const task = (await get('/api/v1/me/tasks?limit=1000', worker))
      .json()
      .items.find((t: { subject: { id: string } }) => t.subject.id === id);
    expect((await post(`/api/v1/tasks/${task.id}/reassign`, officer, { reason: 'x' })).statusCode).toBe(422);
    const r = await post(`/api/v1/tasks/${task.id}/reassign`, officer, { reason: 'worker is on leave' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().assigneeId).not.toBe(dispatched.assigneeId);
    const view = (await get(`/api/v1/incidents/${id}`, officer)).json();
    expect(view.assigneeId).toBe(r.json().assigneeId);
    expect(view.timeline.at(-1)).toMatchObject({ type: 'reassign', reason: 'worker is on leave' });
    const stillMine = (await get('/api/v1/me/tasks?limit=1000', worker)).json().items;
    expect(stillMine.some((t: { subject: { id: string } }) => t.subject.id === id)).toBe(false);
  });
});
