import { beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { residentAuth, staffAuth, testServer } from '../../../test/support/http.ts';
import { demoResidentPhone, seedDemoCity } from '../demo/demo-seed.service.ts';
import { recordLapses } from './emergencies.service.ts';

type Headers = { authorization: string };
const DAY = 24 * 3600_000;

describeEachBackend('emergency declarations gate health codes and end', (env) => {
  let app: FastifyInstance;
  let admin: Headers;
  const signIn = async () => {
    admin = await staffAuth(app, 'admin');
    return residentAuth(app, demoResidentPhone(0));
  };
  const code = async () => app.inject({ url: '/api/v1/me/code', headers: await signIn() });
  const iso = (offset: number) => new Date(env().clock.now().getTime() + offset).toISOString();

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 5, residents: 300 });
    app = await testServer(env().ctx);
    admin = await staffAuth(app, 'admin');
  });

  it('the demo city runs under a public, time-limited declaration, so codes are issued', async () => {
    const list = await app.inject({ url: '/api/v1/emergencies' });
    expect(list.statusCode).toBe(200);
    const [d] = list.json().items;
    expect(d).toMatchObject({ jurisdictionId: '990100', state: 'in_force', inForce: true, declaredBy: 'seed' });
    expect(d.legalBasis.length).toBeGreaterThan(20);
    expect(new Date(d.endsAt).getTime() - new Date(d.startsAt).getTime()).toBe(90 * DAY);
    expect((await code()).statusCode).toBe(200);
  });

  it('only administrators declare, with a legal basis, at most 90 days and no overlap', async () => {
    const body = {
      jurisdictionId: '990101',
      title: 'District measure',
      legalBasis: 'Infectious Disease Prevention Law, art. 42; municipal decree 2026-17',
      endsAt: iso(30 * DAY),
    };
    const health = await staffAuth(app, 'health');
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/emergencies', headers: health, payload: body })).statusCode,
    ).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/v1/emergencies', payload: body })).statusCode).toBe(401);
    const noBasis = await app.inject({
      method: 'POST',
      url: '/api/v1/emergencies',
      headers: admin,
      payload: { ...body, legalBasis: 'because' },
    });
    expect(noBasis.statusCode).toBe(400);
    expect(noBasis.json().detail).toMatch(/legal instrument/);
    const tooLong = await app.inject({
      method: 'POST',
      url: '/api/v1/emergencies',
      headers: admin,
      payload: { ...body, endsAt: iso(91 * DAY) },
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().detail).toMatch(/at most 90 days/);
    const overlap = await app.inject({
      method: 'POST',
      url: '/api/v1/emergencies',
      headers: admin,
      payload: { ...body, jurisdictionId: '990100' },
    });
    expect(overlap.statusCode).toBe(409);
  });

  it('stops issuing codes the moment the emergency ends, and says why', async () => {
    const [d] = (await app.inject({ url: '/api/v1/emergencies' })).json().items;
    const short = await app.inject({
      method: 'POST',
      url: `/api/v1/emergencies/${d.id}/end`,
      headers: admin,
      payload: { reason: 'no' },
    });
    expect(short.statusCode).toBe(400);
    const ended = await app.inject({
      method: 'POST',
      url: `/api/v1/emergencies/${d.id}/end`,
      headers: admin,
      payload: { reason: 'No local transmission for 28 days; measures lifted by the health commission.' },
    });
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toMatchObject({ state: 'ended', inForce: false });
    const refused = await code();
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toMatch(/No emergency is in force here/);
    const audit = await env().ctx.db.selectFrom('audit_log').select('action').where('subject_id', '=', d.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['emergency.declare', 'emergency.end']);
  });

  it('a new declaration restarts codes; renewal continues it; a lapse stops them and is recorded', async () => {
    const declared = await app.inject({
      method: 'POST',
      url: '/api/v1/emergencies',
      headers: admin,
      payload: {
        jurisdictionId: '990100',
        title: 'Second wave',
        legalBasis: 'Infectious Disease Prevention Law, art. 42; municipal decree 2026-31',
        startsAt: null,
        endsAt: iso(10 * DAY),
      },
    });
    expect(declared.statusCode).toBe(201);
    expect((await code()).statusCode).toBe(200);
    const renewed = await app.inject({
      method: 'POST',
      url: `/api/v1/emergencies/${declared.json().id}/renew`,
      headers: admin,
      payload: { legalBasis: 'Municipal decree 2026-40 extending decree 2026-31 by 20 days', endsAt: iso(30 * DAY) },
    });
    expect(renewed.statusCode).toBe(201);
    expect(renewed.json()).toMatchObject({ renews: declared.json().id, state: 'scheduled' });
    env().clock.advance(15 * DAY);
    expect((await code()).statusCode).toBe(200);
    env().clock.advance(16 * DAY);
    const lapsed = await code();
    expect(lapsed.statusCode).toBe(403);
    expect(await recordLapses(env().ctx)).toBe(1);
    expect(await recordLapses(env().ctx)).toBe(0);
    const states = (await app.inject({ url: '/api/v1/emergencies' }))
      .json()
      .items.map((e: { state: string }) => e.state);
    expect(states.sort()).toEqual(['ended', 'lapsed', 'lapsed']);
    const renewLate = await app.inject({
      method: 'POST',
      url: `/api/v1/emergencies/${renewed.json().id}/renew`,
      headers: admin,
      payload: { legalBasis: 'Municipal decree 2026-55 extending it once more', endsAt: iso(10 * DAY) },
    });
    expect(renewLate.statusCode).toBe(409);
  });
});
