import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { staffAuth, testServer } from '../../../test/support/http.ts';
import { seedDemoCity } from '../demo/demo-seed.service.ts';
import { createCheckpoint } from './checkpoints.service.ts';

describeEachBackend('audit chain verification on request', (env) => {
  let app: FastifyInstance;
  let auditor: { authorization: string };

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 5, residents: 100 });
    app = await testServer(env().ctx);
    auditor = await staffAuth(app, 'auditor');
    // Some entries, then a signed checkpoint over them.
    for (let i = 0; i < 3; i++) await app.inject({ url: '/api/v1/audit?limit=1', headers: auditor });
    await createCheckpoint(env().ctx);
  });

  it('verifies the chain for an auditor, records that it did, and refuses everyone else', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/audit/verify', headers: auditor });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.ok).toBe(true);
    expect(report.entries).toBeGreaterThan(3);
    expect(report.checkpoints.count).toBeGreaterThanOrEqual(1);
    expect(report.finding).toBeNull();
    expect(typeof report.verifiedAt).toBe('string');
    const last = await env()
      .ctx.db.selectFrom('audit_log')
      .select(['action', 'actor_role'])
      .where('action', '=', 'audit.verify')
      .executeTakeFirst();
    expect(last).toEqual({ action: 'audit.verify', actor_role: 'auditor' });
    const admin = await staffAuth(app, 'admin');
    expect((await app.inject({ method: 'POST', url: '/api/v1/audit/verify', headers: admin })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/v1/audit/verify' })).statusCode).toBe(401);
  });

  it('names the first altered entry when the log was changed in the database', async () => {
    const victim = await env()
      .ctx.db.selectFrom('audit_log')
      .select('seq')
      .where('action', '=', 'audit.query')
      .orderBy('seq')
      .executeTakeFirstOrThrow();
    await sql`update audit_log set purpose = 'tracing' where seq = ${victim.seq}`.execute(env().ctx.db);
    const report = (await app.inject({ method: 'POST', url: '/api/v1/audit/verify', headers: auditor })).json();
    expect(report.ok).toBe(false);
    expect(report.finding.kind).toBe('altered');
    expect(report.message).toMatch(/altered|changed/);
  });
});
