import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openTestEnv, type TestEnv } from '../../../test/support/backends.ts';
import { testServer } from '../../../test/support/http.ts';
import { generateDemoCity, nationalId, type GenResident } from '../../core/geo/demo-city.ts';
import { createLogger } from '../../platform/logger.ts';
import { DEMO_PASSWORD, seedDemoCity } from '../demo/demo-seed.service.ts';

/**
 * Runs the server with every log line captured (level trace) across real requests that carry names, phone numbers
 * and national ID numbers — sign-ins, lookups, registrations, appeals, failures — and checks none of them reaches the
 * log output.
 */
describe('no personal data in the logs', () => {
  const SEED = 29;
  const RESIDENTS = 300;
  let env: TestEnv & { close(): Promise<void> };
  let app: FastifyInstance;
  let log = '';
  const people: GenResident[] = [];
  const extra = { name: '欧阳测试', phone: '13912345678', nationalId: nationalId('990101', 1985, 6, 15, 321) };

  beforeAll(async () => {
    env = await openTestEnv('pglite');
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        log += chunk.toString('utf8');
        done();
      },
    });
    env.ctx.logger = createLogger('trace', sink);
    await seedDemoCity(env.ctx, { seed: SEED, residents: RESIDENTS });
    const city = generateDemoCity({ seed: SEED, residents: RESIDENTS });
    for (const g of city.grids) for (const h of city.householdsOf(g)) people.push(...h.residents);
    app = await testServer(env.ctx);
  });
  afterAll(async () => {
    await app?.close();
    await env?.close();
  });

  it('keeps names, phone numbers and ID numbers out of every log line', async () => {
    const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers });
    const phone = people.find((p) => p.phone)!.phone;
    const resident = await post('/api/v1/auth/resident/sign-in', { phone: '13800000001', password: DEMO_PASSWORD });
    const r = { authorization: `Bearer ${resident.json().token as string}` };
    await post('/api/v1/auth/resident/sign-in', { phone, password: 'wrong password' });
    await post('/api/v1/auth/resident/sign-in', { phone: 'not a phone', password: 'x' });
    const worker = await post('/api/v1/auth/staff/sign-in', { username: 'admin', password: DEMO_PASSWORD });
    const admin = { authorization: `Bearer ${worker.json().token as string}` };
    const health = {
      authorization: `Bearer ${(await post('/api/v1/auth/staff/sign-in', { username: 'health', password: DEMO_PASSWORD })).json().token as string}`,
    };
    const me = (await app.inject({ url: '/api/v1/me', headers: r })).json();
    await app.inject({ url: `/api/v1/residents/${me.id as string}?purpose=tracing`, headers: admin });
    await app.inject({ url: `/api/v1/residents/${me.id as string}?purpose=gossip`, headers: admin });
    for (const p of people.slice(0, 5))
      await post('/api/v1/residents/lookup?purpose=tracing', { nationalId: p.nationalId }, admin);
    await post('/api/v1/residents/lookup?purpose=tracing', { nationalId: extra.nationalId }, admin);
    await post('/api/v1/residents/lookup?purpose=tracing', { nationalId: `${extra.nationalId}0` }, admin);
    const household = (await app.inject({ url: '/api/v1/me', headers: r })).json().householdId as string;
    await post(
      '/api/v1/residents',
      {
        householdId: household,
        name: extra.name,
        birthDate: '1985-06-15',
        phone: extra.phone,
        nationalId: extra.nationalId,
      },
      admin,
    );
    await post(
      '/api/v1/residents',
      { householdId: household, name: extra.name, birthDate: 'yesterday', phone: extra.phone },
      admin,
    );
    await post(
      '/api/v1/facts',
      {
        personId: me.id,
        kind: 'symptom_report',
        symptoms: ['fever'],
        onsetAt: null,
        occurredAt: env.clock.now().toISOString(),
        provenance: { source: 'officer', officerId: 'x' },
      },
      health,
    );
    await post(
      '/api/v1/me/appeals',
      { subject: 'status', statement: `I am ${extra.name}, call me on ${extra.phone}` },
      r,
    );
    await app.inject({ url: '/api/v1/me/export', headers: r });
    await app.inject({ url: '/api/v1/me/transparency', headers: r });
    await app.inject({ url: '/api/v1/me/code', headers: r });
    await post(
      '/api/v1/imports/residents',
      `household_id,name,birth_date,phone,national_id\nnope,${extra.name},x,${extra.phone},${extra.nationalId}\n`,
      {
        ...admin,
        'content-type': 'text/csv',
      },
    );
    await post('/api/v1/anomalies/scan', {}, admin);
    await env.ctx.bus.drain();

    // The capture works: requests were logged.
    expect(log).toMatch(/"msg":"request"/);
    expect(log.split('\n').length).toBeGreaterThan(20);
    const leaks: string[] = [];
    for (const p of [...people, extra]) {
      if (log.includes(p.name)) leaks.push(`name ${p.name}`);
      if (p.phone && log.includes(p.phone)) leaks.push(`phone ${p.phone}`);
      if (log.includes(p.nationalId)) leaks.push(`national ID ${p.nationalId}`);
    }
    expect(leaks).toEqual([]);
  });
});
