import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { residentAuth, staffAuth, testServer } from '../../../test/support/http.ts';
import { seedDemoCity } from '../demo/demo-seed.service.ts';
import { runOverdueScan } from './overdue.ts';

type Auth = { authorization: string };
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2000, 7)]);
const HOUR = 3_600_000;

describeEachBackend('incidents: the closed loop end to end', (env) => {
  let app: FastifyInstance;
  let home: { lat: number; lng: number; grid_code: string; community_id: string; path: string };
  let resident: Auth;
  let otherResident: Auth;
  let officer: Auth;
  let subdistrict: Auth;
  let worker: Auth;
  let workerId: string;

  const post = (url: string, auth: Auth, payload: unknown) =>
    app.inject({ method: 'POST', url, headers: auth, payload: payload as Record<string, unknown> });
  const get = (url: string, auth: Auth) => app.inject({ method: 'GET', url, headers: auth });
  /** A resident's report at their home, filed even when a similar one is open nearby; returns its id. */
  const reportAtHome = async (categoryCode: string, description: string): Promise<string> =>
    (
      await post('/api/v1/incidents?allowDuplicate=true', resident, {
        categoryCode,
        description,
        lat: home.lat,
        lng: home.lng,
      })
    ).json().incident.id;
  const count = async (table: 'incidents' | 'incident_photos' | 'incident_events' | 'tasks') =>
    Number(
      (
        await env()
          .ctx.db.selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 7, residents: 1500 });
    app = await testServer(env().ctx);
    const db = env().ctx.db;
    home = await db
      .selectFrom('residents')
      .innerJoin('households', 'households.id', 'residents.household_id')
      .innerJoin('grids', 'grids.code', 'households.grid_code')
      .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
      .select(['households.lat', 'households.lng', 'households.grid_code', 'grids.community_id', 'jurisdictions.path'])
      .where('residents.phone', '=', '13800000001')
      .executeTakeFirstOrThrow();
    resident = await residentAuth(app, '13800000001');
    otherResident = await residentAuth(app, '13800000002');
    const community = home.community_id;
    officer = await staffAuth(app, `community.${community}`);
    subdistrict = await staffAuth(app, `subdistrict.${community.slice(0, 9)}`);
    worker = await staffAuth(app, `worker.${home.grid_code}`);
    workerId = (
      await db
        .selectFrom('staff')
        .select('id')
        .where('username', '=', `worker.${home.grid_code}`)
        .executeTakeFirstOrThrow()
    ).id;
  });

  it('serves the seeded category tree publicly', async () => {
    const res = await app.inject('/api/v1/incident-categories');
    expect(res.statusCode).toBe(200);
    const codes = res.json().tree.majors.map((m: { code: string }) => m.code);
    expect(codes).toEqual(['01', '02', '03', '04', '05', '06', '07']);
  });

  let id: string;
  it('routes a resident report to the grid that contains it, with photos', async () => {
    const res = await post('/api/v1/incidents', resident, {
      categoryCode: '0101',
      description: 'Garbage bags piled by the gate',
      lat: home.lat,
      lng: home.lng,
      contact: { method: 'phone', phone: '13800000001' },
      photos: [{ data: PNG.toString('base64') }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.outcome).toBe('created');
    id = body.incident.id;
    expect(body.incident.gridCode).toBe(home.grid_code);
    expect(body.incident.jurisdictionPath).toBe(home.path);
    expect(body.incident.stage).toBe('collected');
    expect(body.incident.photos).toHaveLength(1);
    expect(body.incident.photos[0].contentType).toBe('image/png');
    // The reporter's view: what happened in public words, no staff identities.
    expect(body.incident.reporter).toBeNull();
    expect(body.incident.timeline[0]).toMatchObject({ type: 'reported', to: 'collected' });
    const photo = await get(body.incident.photos[0].url, resident);
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(photo.rawPayload, PNG)).toBe(0);
    expect((await get(body.incident.photos[0].url, otherResident)).statusCode).toBe(403);
    expect((await get(`/api/v1/incidents/${id}`, otherResident)).statusCode).toBe(403);
  });

  it('refuses to close an incident that was never dispatched, and changes nothing', async () => {
    const events = await count('incident_events');
    const res = await post(`/api/v1/incidents/${id}/actions`, officer, { type: 'close' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'stage_forbids' });
    expect(res.json().detail).toBe("cannot close incident in stage 'collected': it has not been handled");
    expect(await count('incident_events')).toBe(events);
    const view = (await get(`/api/v1/incidents/${id}`, officer)).json();
    expect(view.stage).toBe('collected');
    expect(view.version).toBe(1);
  });

  it('files, dispatches to the grid worker, who accepts and gives feedback through the task', async () => {
    let res = await post(`/api/v1/incidents/${id}/actions`, officer, { type: 'file' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().stage).toBe('filed');
    res = await post(`/api/v1/incidents/${id}/actions`, officer, { type: 'dispatch' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ stage: 'dispatched', assigneeId: workerId });

    const tasks = (await get('/api/v1/me/tasks', worker)).json();
    const task = tasks.items.find((t: { subject: { id: string } }) => t.subject.id === id);
    expect(task).toMatchObject({ kind: 'incident_handling', status: 'open', assigneeId: workerId });

    // Only the assignee works on it.
    expect((await post(`/api/v1/tasks/${task.id}/accept`, officer, {})).statusCode).toBe(403);
    res = await post(`/api/v1/tasks/${task.id}/accept`, worker, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('accepted');
    res = await post(`/api/v1/tasks/${task.id}/complete`, worker, { result: { outcome: 'reached' } });
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toMatch(/result/);
    res = await post(`/api/v1/tasks/${task.id}/complete`, worker, {
      result: { result: 'Bags removed, area swept' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('completed');
    const view = (await get(`/api/v1/incidents/${id}`, officer)).json();
    expect(view.stage).toBe('handled');
    expect(view.handlerIds).toEqual([workerId]);
  });

  it('never lets the handler verify their own work, even after promotion', async () => {
    const res = await post(`/api/v1/incidents/${id}/actions`, worker, { type: 'close' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('role_forbidden');
    // A grid worker promoted to community officer keeps their id, and still may not close what they handled.
    const db = env().ctx.db;
    await db.updateTable('staff').set({ role: 'community_officer' }).where('id', '=', workerId).execute();
    try {
      const promoted = await staffAuth(app, `worker.${home.grid_code}`);
      const again = await post(`/api/v1/incidents/${id}/actions`, promoted, { type: 'close' });
      expect(again.statusCode).toBe(403);
      expect(again.json()).toMatchObject({ code: 'self_verification' });
      expect(again.json().detail).toMatch(/must not be the handler/);
    } finally {
      await db.updateTable('staff').set({ role: 'grid_worker' }).where('id', '=', workerId).execute();
    }
  });

  it('is verified and closed by someone else, evaluated, with every step on the timeline', async () => {
    let res = await post(`/api/v1/incidents/${id}/actions`, officer, { type: 'close' });
    expect(res.statusCode, res.body).toBe(200);
    res = await post(`/api/v1/incidents/${id}/actions`, subdistrict, { type: 'evaluate', rating: 5 });
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json();
    expect(view.stage).toBe('evaluated');
    expect(view.timeline.map((e: { type: string }) => e.type)).toEqual([
      'reported',
      'file',
      'dispatch',
      'accept',
      'feedback',
      'close',
      'evaluate',
    ]);
    const feedback = view.timeline[4];
    expect(feedback).toMatchObject({
      reason: 'Bags removed, area swept',
      actor: { id: workerId, role: 'grid_worker' },
    });
    expect(feedback.actor.name).toMatch(/Grid worker/);
    expect(view.timeline[5].actor.role).toBe('community_officer');
    for (const e of view.timeline) expect(Date.parse(e.at)).not.toBeNaN();

    const audit = await env()
      .ctx.db.selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'incident.report',
      'incident.file',
      'incident.dispatch',
      'incident.accept',
      'incident.feedback',
      'incident.close',
      'incident.evaluate',
    ]);
    const topics = await env()
      .ctx.db.selectFrom('outbox')
      .select('topic')
      .where('key', '=', id)
      .orderBy('id')
      .execute();
    expect(topics.map((t) => t.topic)).toEqual([
      'incident.reported',
      'incident.file',
      'incident.dispatch',
      'incident.accept',
      'incident.feedback',
      'incident.close',
      'incident.evaluate',
    ]);
    const mine = (await get(`/api/v1/incidents/${id}`, resident)).json();
    expect(mine.stage).toBe('evaluated');
    expect(mine.timeline.every((e: { actor: { id?: string } }) => e.actor.id === undefined)).toBe(true);
  });

  it('refuses bad reports precisely and stores nothing', async () => {
    const before = [await count('incidents'), await count('incident_photos')];
    const base = { categoryCode: '0102', description: 'Mud on the road', lat: home.lat, lng: home.lng };
    let res = await post('/api/v1/incidents', resident, { ...base, lat: 10, lng: 10 });
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toMatch(/outside every unit grid/);
    res = await post('/api/v1/incidents', resident, { ...base, categoryCode: '0999' });
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toBe("body.categoryCode: unknown incident category '0999'");
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(100)]);
    res = await post('/api/v1/incidents', resident, { ...base, photos: [{ data: pdf.toString('base64') }] });
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toBe('body.photos[0]: the file is a PDF document; photos must be JPEG, PNG or WebP');
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5 * 1024 * 1024 + 10)]);
    res = await post('/api/v1/incidents', resident, {
      ...base,
      photos: [{ data: PNG.toString('base64') }, { data: big.toString('base64') }],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toMatch(/^body\.photos\[1\]: the photo is 5\.0 MB; at most 5\.0 MB is accepted/);
    res = await post('/api/v1/incidents', resident, {
      ...base,
      photos: Array(5).fill({ data: PNG.toString('base64') }),
    });
    expect(res.statusCode).toBe(400);
    expect([await count('incidents'), await count('incident_photos')]).toEqual(before);
  });

  it('offers a nearby open incident of the same category as a duplicate', async () => {
    const base = { categoryCode: '0102', description: 'Mud on the road', lat: home.lat, lng: home.lng };
    const first = await post('/api/v1/incidents', resident, base);
    expect(first.statusCode).toBe(201);
    const firstId = first.json().incident.id;
    const near = { ...base, lat: home.lat + 0.0001, description: 'Road is dirty here' };
    const dup = await post('/api/v1/incidents', otherResident, near);
    expect(dup.statusCode).toBe(409);
    expect(dup.json().candidates[0]).toMatchObject({ id: firstId });
    expect(dup.json().candidates[0].distanceM).toBeGreaterThan(5);
    expect(dup.json().candidates[0].distanceM).toBeLessThan(20);
    const attached = await post(`/api/v1/incidents?duplicateOf=${firstId}`, otherResident, near);
    expect(attached.statusCode).toBe(200);
    expect(attached.json()).toMatchObject({ outcome: 'attached', incidentId: firstId, incident: null });
    expect((await get(`/api/v1/incidents/${firstId}`, officer)).json().supporters).toBe(1);
    const anyway = await post('/api/v1/incidents?allowDuplicate=true', otherResident, near);
    expect(anyway.statusCode).toBe(201);
    // Another category at the same spot is not a duplicate.
    expect((await post('/api/v1/incidents', otherResident, { ...near, categoryCode: '0105' })).statusCode).toBe(201);
  });

  it("takes on-site photos with the handler's feedback, and refuses them elsewhere or when not images", async () => {
    const incidentId = await reportAtHome('0101', 'Bags by the bins again');
    const act = (auth: Auth, body: Record<string, unknown>) =>
      post(`/api/v1/incidents/${incidentId}/actions`, auth, body);
    expect((await act(officer, { type: 'file' })).statusCode).toBe(200);
    expect((await act(officer, { type: 'dispatch', assigneeId: workerId })).statusCode).toBe(200);
    const photo = { data: PNG.toString('base64') };
    let r = await act(worker, { type: 'accept', photos: [photo] });
    expect(r.statusCode).toBe(400);
    expect(r.json().detail).toBe('body.photos: only a feedback action takes photos; this is a accept action');
    expect((await act(worker, { type: 'accept' })).statusCode).toBe(200);
    const events = await count('incident_events');
    r = await act(worker, {
      type: 'feedback',
      reason: 'Bags removed',
      photos: [{ data: Buffer.from('not an image at all').toString('base64') }],
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().detail).toMatch(/^body\.photos\[0\]: the file is .*photos must be JPEG, PNG or WebP/);
    expect(await count('incident_events')).toBe(events);
    r = await act(worker, { type: 'feedback', reason: 'Bags removed, bins washed', photos: [photo] });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().stage).toBe('handled');
    expect(r.json().photos).toHaveLength(1);
    expect(r.json().photos[0]).toMatchObject({ n: 1, contentType: 'image/png', bytes: PNG.length });
    const audit = await env()
      .ctx.db.selectFrom('audit_log')
      .select('detail')
      .where('subject_id', '=', incidentId)
      .where('action', '=', 'incident.feedback')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(JSON.stringify(audit.detail)).photos).toHaveLength(1);
  });

  it('lets an officer escalate (督办) by hand: the next level up sees it, with the reason, audited', async () => {
    const incidentId = await reportAtHome('0603', 'Broken bench, third report');
    expect((await post(`/api/v1/incidents/${incidentId}/actions`, officer, { type: 'file' })).statusCode).toBe(200);
    const events = await count('incident_events');
    // Refused without a reason, and by a grid worker: nothing changes.
    let r = await post(`/api/v1/incidents/${incidentId}/actions`, officer, { type: 'escalate' });
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ code: 'reason_required' });
    expect(r.json().detail).toMatch(/to escalate an incident a written reason is required/);
    r = await post(`/api/v1/incidents/${incidentId}/actions`, worker, { type: 'escalate', reason: 'please help' });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ code: 'role_forbidden' });
    expect(await count('incident_events')).toBe(events);

    r = await post(`/api/v1/incidents/${incidentId}/actions`, officer, {
      type: 'escalate',
      reason: 'Residents have reported it three times; the park office does not answer',
    });
    expect(r.statusCode, r.body).toBe(200);
    const subdistrictPath = home.path.split('.').slice(0, -1).join('.');
    expect(r.json()).toMatchObject({
      stage: 'filed',
      escalationLevel: 1,
      escalation: { level: 1, jurisdictionPath: subdistrictPath },
    });
    const last = r.json().timeline.at(-1);
    expect(last).toMatchObject({
      type: 'escalate',
      reason: 'Residents have reported it three times; the park office does not answer',
      escalation: { fromLevel: 0, level: 1, jurisdictionPath: subdistrictPath },
    });
    // The subdistrict's supervision list holds it; the filing deadline did not move.
    const list = (await get('/api/v1/incidents?escalated=true', subdistrict)).json();
    expect(list.items.map((i: { id: string }) => i.id)).toContain(incidentId);
    expect(r.json().dueAt).toBe(
      (await get(`/api/v1/incidents/${incidentId}`, officer))
        .json()
        .timeline.find((e: { type: string }) => e.type === 'file').dueAt,
    );
    const audit = await env()
      .ctx.db.selectFrom('audit_log')
      .select(['action', 'actor_role', 'detail'])
      .where('subject_id', '=', incidentId)
      .where('action', '=', 'incident.escalate')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_role).toBe('community_officer');
    const topics = await env().ctx.db.selectFrom('outbox').select('topic').where('key', '=', incidentId).execute();
    expect(topics.map((t) => t.topic)).toContain('incident.escalate');
    // One level per ancestor, up to the root of the tree, and no further.
    const levels = home.path.split('.').length - 1;
    for (let level = 2; level <= levels; level++) {
      r = await post(`/api/v1/incidents/${incidentId}/actions`, officer, {
        type: 'escalate',
        reason: `level ${level}`,
      });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().escalation.jurisdictionPath).toBe(home.path.split('.').slice(0, -level).join('.'));
    }
    r = await post(`/api/v1/incidents/${incidentId}/actions`, officer, { type: 'escalate', reason: 'once more' });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ code: 'escalation_limit' });
  });

  it('escalates an overdue incident up the jurisdiction tree on the injected clock', async () => {
    const overdueId = await reportAtHome('0603', 'Broken bench');
    expect(await runOverdueScan(env().ctx)).toEqual({ escalated: 0, newlyOverdue: 0 });
    // Filing has one working hour; a working day later it is long past.
    env().clock.advance(26 * HOUR);
    const scan = await runOverdueScan(env().ctx);
    expect(scan.escalated).toBeGreaterThanOrEqual(1);
    expect(scan.newlyOverdue).toBeGreaterThanOrEqual(1);
    officer = await staffAuth(app, `community.${home.community_id}`);
    const view = (await get(`/api/v1/incidents/${overdueId}`, officer)).json();
    const escalated = view.timeline.filter((e: { type: string }) => e.type === 'escalated');
    expect(escalated.length).toBe(1);
    expect(escalated[0].actor).toMatchObject({ id: 'system', role: 'system' });
    expect(view.escalation.level).toBeGreaterThanOrEqual(2);
    expect(home.path.startsWith(view.escalation.jurisdictionPath)).toBe(true);
    expect(view.overdue).toBe(true);
    const topics = await env()
      .ctx.db.selectFrom('outbox')
      .select(['topic', 'payload'])
      .where('key', '=', overdueId)
      .orderBy('id')
      .execute();
    expect(topics.map((t) => t.topic)).toEqual(['incident.reported', 'incident.overdue', 'incident.escalated']);
    const list = (await get('/api/v1/incidents?overdue=true', officer)).json();
    expect(list.items.map((i: { id: string }) => i.id)).toContain(overdueId);
    // Nothing new is due until another full limit runs out.
    expect((await runOverdueScan(env().ctx)).escalated).toBe(0);
  });
});
