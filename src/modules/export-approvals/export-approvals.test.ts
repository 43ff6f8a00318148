import { beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { staffAuth, testServer } from '../../../test/support/http.ts';
import { seedDemoCity } from '../demo/demo-seed.service.ts';

type Headers = { authorization: string };

describeEachBackend('bulk export of personal data needs a second approver and downloads once', (env) => {
  let app: FastifyInstance;
  let admin: Headers;
  let admin2: Headers;
  let auditor: Headers;
  let health: Headers;

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 17, residents: 300 });
    app = await testServer(env().ctx);
    admin = await staffAuth(app, 'admin');
    admin2 = await staffAuth(app, 'admin2');
    auditor = await staffAuth(app, 'auditor');
    health = await staffAuth(app, 'health');
  });

  const request = (h: Headers, payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/api/v1/exports/requests', headers: h, payload });
  const decide = (h: Headers, id: string, decision: 'approve' | 'reject') =>
    app.inject({
      method: 'POST',
      url: `/api/v1/exports/requests/${id}/decision`,
      headers: h,
      payload: { decision, note: 'Checked the legal basis and the data-sharing agreement.' },
    });
  const download = (h: Headers, id: string) =>
    app.inject({ url: `/api/v1/exports/requests/${id}/download`, headers: h });

  it('refuses requests from non-administrators and without a reason', async () => {
    expect(
      (await request(health, { kind: 'residents', reason: 'Research cohort for the vaccination study.' })).statusCode,
    ).toBe(403);
    expect((await request(admin, { kind: 'residents', reason: 'need it' })).statusCode).toBe(400);
    expect((await request(admin, { kind: 'places', reason: 'Places are not personal data anyway.' })).statusCode).toBe(
      400,
    );
  });

  it('needs a different person to approve, then downloads exactly once, by the requester only', async () => {
    const r = await request(admin, {
      kind: 'residents',
      jurisdictionId: '990101',
      reason: 'Court order 2026-118: registry extract for the district audit.',
    });
    expect(r.statusCode).toBe(201);
    const id = r.json().id as string;
    expect(r.json().state).toBe('pending');
    expect((await download(admin, id)).statusCode).toBe(403);
    const self = await decide(admin, id, 'approve');
    expect(self.statusCode).toBe(403);
    expect(self.json().detail).toMatch(/second person/);
    expect((await decide(health, id, 'approve')).statusCode).toBe(403);
    const ok = await decide(auditor, id, 'approve');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ state: 'approved', decidedBy: expect.any(String) });
    expect((await decide(admin2, id, 'reject')).statusCode).toBe(409);
    expect((await download(admin2, id)).statusCode).toBe(403);
    const file = await download(admin, id);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toMatch(/text\/csv/);
    const lines = file.body.trim().split('\n');
    expect(lines[0]).toBe('id,household_id,name,birth_date,phone,national_id_masked');
    expect(lines.length - 1).toBe(Number(file.headers['x-record-count']));
    expect(lines.length).toBeGreaterThan(10);
    const again = await download(admin, id);
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toMatch(/already downloaded/);
    const audit = await env()
      .ctx.db.selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['export.request', 'export.approve', 'export.download']);
  });

  it('a rejected or expired request never downloads', async () => {
    const r = await request(admin2, { kind: 'households', reason: 'Door-to-door campaign planning, district 990101.' });
    const id = r.json().id as string;
    expect((await decide(admin, id, 'reject')).statusCode).toBe(200);
    expect((await download(admin2, id)).statusCode).toBe(403);
    const late = (
      await request(admin2, { kind: 'households', reason: 'Door-to-door campaign planning, district 990101.' })
    ).json().id;
    env().clock.advance(49 * 3600_000);
    admin = await staffAuth(app, 'admin');
    admin2 = await staffAuth(app, 'admin2');
    auditor = await staffAuth(app, 'auditor');
    expect((await decide(auditor, late, 'approve')).statusCode).toBe(409);
    const list = (await app.inject({ url: '/api/v1/exports/requests', headers: auditor })).json().items;
    expect(list.map((x: { state: string }) => x.state).sort()).toEqual(['downloaded', 'expired', 'rejected']);
  });
});
