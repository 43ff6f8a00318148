import { beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { residentAuth, testServer } from '../../../test/support/http.ts';
import { demoResidentPhone, seedDemoCity } from '../../modules/demo/demo-seed.service.ts';

describeEachBackend('rate limits on sign-in, codes and verification', (env) => {
  let app: FastifyInstance;

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 19, residents: 200 });
    app = await testServer(env().ctx);
  });

  const signIn = (username: string, password: string, ip = '10.0.0.1') =>
    app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/sign-in',
      payload: { username, password },
      remoteAddress: ip,
    });

  it('stops password guessing on one account with 429, Retry-After and problem+json', async () => {
    const codes: number[] = [];
    // The bucket refills in real time (0.5/s), so on a slow machine a few more guesses may pass before it runs dry.
    let limited = await signIn('admin', 'guess-0');
    for (let i = 1; limited.statusCode !== 429 && i < 120; i++) {
      codes.push(limited.statusCode);
      limited = await signIn('admin', `guess-${i}`);
    }
    expect(codes.length).toBeGreaterThanOrEqual(30);
    expect(codes.every((c) => c === 401)).toBe(true);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });
    expect(limited.json().detail).toMatch(/for this account; try again in \d+ s/);
    // Another account from the same address, and the same account from elsewhere, are not locked out.
    expect((await signIn('auditor', 'wrong')).statusCode).toBe(401);
    expect((await signIn('admin', 'wrong', '10.0.0.2')).statusCode).toBe(401);
  });

  it('limits code requests per resident', async () => {
    const resident = await residentAuth(app, demoResidentPhone(3));
    const statuses: number[] = [];
    // A burst of 30, refilled in real time: on a slow machine a few more may pass before the bucket runs dry.
    let last = 0;
    for (let i = 0; last !== 429 && i < 60; i++) {
      last = (await app.inject({ url: '/api/v1/me/code', headers: resident })).statusCode;
      statuses.push(last);
    }
    expect(last).toBe(429);
    expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);
    expect(statuses.length - 1).toBeGreaterThanOrEqual(30);
    expect(statuses.length - 1).toBeLessThan(45);
    const other = await residentAuth(app, demoResidentPhone(4));
    expect((await app.inject({ url: '/api/v1/me/code', headers: other })).statusCode).toBe(200);
  });

  it('limits anonymous verification per address', async () => {
    let last = 0;
    let n = 0;
    for (; n < 400; n++) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/verify',
        payload: { code: 'TSR1:NOT-A-CODE' },
        remoteAddress: '10.0.0.9',
      });
      last = r.statusCode;
      if (last === 429) break;
      expect(last).toBe(200);
    }
    expect(last).toBe(429);
    // 300 at once, plus what refilled (10 per second) while they ran.
    expect(n).toBeGreaterThanOrEqual(300);
  });

  it('can be switched off for load tests', async () => {
    let status = 0;
    for (let i = 0; i < 40 && status !== 429; i++)
      status = (await signIn('health2', `guess-${i}`, '10.0.0.3')).statusCode;
    expect(status).toBe(429);
    env().ctx.config.RATE_LIMITS = 'off';
    try {
      expect((await signIn('health2', 'guess-again', '10.0.0.3')).statusCode).toBe(401);
    } finally {
      env().ctx.config.RATE_LIMITS = 'on';
    }
    expect((await signIn('health2', 'guess-again', '10.0.0.3')).statusCode).toBe(429);
  });
});
