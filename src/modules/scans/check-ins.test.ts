import { beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend, TEST_START } from '../../../test/support/backends.ts';
import { residentAuth, staffAuth, testServer } from '../../../test/support/http.ts';
import { DEMO_CITY } from '../../core/geo/demo-city.ts';
import { demoResidentPhone, seedDemoCity } from '../demo/demo-seed.service.ts';
import { activeSigningKey } from '../keys/keys.service.ts';

const DAY = 86_400_000;

describeEachBackend('check-in counts of a place', (env) => {
  let app: FastifyInstance;
  let operator: { authorization: string };
  let resident: { authorization: string };
  let own: string;
  let other: string;

  beforeAll(async () => {
    env().clock.set(new Date(TEST_START.getTime() - DAY));
    await seedDemoCity(env().ctx, { seed: 11, residents: 300 });
    await activeSigningKey(env().ctx, DEMO_CITY, 'code');
    env().clock.set(TEST_START);
    app = await testServer(env().ctx);
    operator = await staffAuth(app, 'venue');
    resident = await residentAuth(app, demoResidentPhone(0));
    const operated = (await app.inject({ url: '/api/v1/places/operated', headers: operator })).json();
    own = operated.items[0].id;
    other = (
      await env()
        .ctx.db.selectFrom('places')
        .select('id')
        .where('operator_staff_id', 'is', null)
        .executeTakeFirstOrThrow()
    ).id;
  });

  it("counts today's check-ins at the operator's own place, and only there", async () => {
    const before = await app.inject({ url: `/api/v1/places/${own}/check-ins`, headers: operator });
    expect(before.statusCode).toBe(200);
    const day = env().clock.now().toISOString().slice(0, 10);
    expect(before.json()).toEqual({ placeId: own, day, count: 0 });
    const code = (await app.inject({ url: `/api/v1/places/${own}/code`, headers: operator })).json().code as string;
    const scan = await app.inject({
      method: 'POST',
      url: '/api/v1/scans',
      headers: resident,
      payload: { clientId: 'check-in-1', placeCode: code, scannedAt: env().clock.now().toISOString() },
    });
    expect(scan.statusCode).toBe(201);
    const after = await app.inject({ url: `/api/v1/places/${own}/check-ins`, headers: operator });
    expect(after.json().count).toBe(1);
    const yesterday = new Date(env().clock.now().getTime() - DAY).toISOString().slice(0, 10);
    const past = await app.inject({ url: `/api/v1/places/${own}/check-ins?day=${yesterday}`, headers: operator });
    expect(past.json()).toEqual({ placeId: own, day: yesterday, count: 0 });
    expect((await app.inject({ url: `/api/v1/places/${other}/check-ins`, headers: operator })).statusCode).toBe(403);
    expect((await app.inject({ url: `/api/v1/places/${own}/check-ins`, headers: resident })).statusCode).toBe(403);
  });
});
