import { beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { residentAuth, staffAuth, testServer } from '../../../test/support/http.ts';
import { demoResidentPhone, seedDemoCity } from '../demo/demo-seed.service.ts';

type Headers = { authorization: string };
const HOUR = 3600_000;

describeEachBackend('appeals and the resident access log', (env) => {
  let app: FastifyInstance;
  let r0: Headers;
  let r1: Headers;
  let r0Id: string;
  let r1Id: string;
  let health: Headers;
  let health2: Headers;
  let lab: Headers;
  let healthId: string;
  let health2Id: string;
  let r1Positive: string;
  let exposureId: string;

  const iso = (offset = 0) => new Date(env().clock.now().getTime() + offset).toISOString();
  const me = async (h: Headers) => (await app.inject({ url: '/api/v1/auth/me', headers: h })).json().id as string;

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 11, residents: 600 });
    app = await testServer(env().ctx);
    r0 = await residentAuth(app, demoResidentPhone(0));
    r1 = await residentAuth(app, demoResidentPhone(1));
    health = await staffAuth(app, 'health');
    health2 = await staffAuth(app, 'health2');
    lab = await staffAuth(app, 'lab');
    [r0Id, r1Id, healthId, health2Id] = await Promise.all([me(r0), me(r1), me(health), me(health2)]);
    // r1 tests positive (recorded by the lab); health records r0 as r1's close contact.
    const pos = await app.inject({
      method: 'POST',
      url: '/api/v1/facts',
      headers: lab,
      payload: {
        personId: r1Id,
        kind: 'test_result',
        method: 'pcr',
        result: 'positive',
        specimenCollectedAt: iso(-6 * HOUR),
        occurredAt: iso(),
        provenance: { source: 'lab', labId: 'lab-1', specimenId: 'sp-appeal-1' },
      },
    });
    expect(pos.statusCode).toBe(201);
    r1Positive = pos.json().fact.id;
    const exp = await app.inject({
      method: 'POST',
      url: '/api/v1/facts',
      headers: health,
      payload: {
        personId: r0Id,
        kind: 'exposure',
        degree: 'close',
        caseId: r1Positive,
        placeId: null,
        window: { start: iso(-26 * HOUR), end: iso(-25 * HOUR) },
        occurredAt: iso(-25 * HOUR),
        provenance: { source: 'case', caseId: r1Positive },
      },
    });
    expect(exp.statusCode).toBe(201);
    exposureId = exp.json().fact.id;
    expect(exp.json().status.color).toBe('red');
  });

  it('refuses an appeal on someone else’s fact', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/me/appeals',
      headers: r0,
      payload: { subject: 'fact', factId: r1Positive, statement: 'This is not my test result at all.' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toMatch(/only facts about yourself/);
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/v1/me/appeals',
      headers: r0,
      payload: { subject: 'fact', factId: 'fact:does-not-exist', statement: 'There is no such fact.' },
    });
    expect(unknown.statusCode).toBe(404);
    const staffFiling = await app.inject({
      method: 'POST',
      url: '/api/v1/me/appeals',
      headers: health,
      payload: { subject: 'status', statement: 'Staff cannot file residents’ appeals.' },
    });
    expect(staffFiling.statusCode).toBe(403);
  });

  let appealId: string;
  it('assigns a fact appeal to a health officer who did not record the fact, with a deadline', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/me/appeals',
      headers: r0,
      payload: {
        subject: 'fact',
        factId: exposureId,
        statement: 'I was at home with my family all of that evening, not at the restaurant.',
      },
    });
    expect(res.statusCode).toBe(201);
    const a = res.json();
    appealId = a.id;
    expect(a.state).toBe('open');
    expect(a.reviewerId).toBe(health2Id);
    expect(new Date(a.deadlineAt).getTime() - env().clock.now().getTime()).toBe(72 * HOUR);
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/me/appeals',
      headers: r0,
      payload: { subject: 'fact', factId: exposureId, statement: 'Filing the same appeal twice.' },
    });
    expect(again.statusCode).toBe(409);
  });

  it('does not let the recorder of the fact review it', async () => {
    const read = await app.inject({ url: `/api/v1/appeals/${appealId}`, headers: health });
    expect(read.statusCode).toBe(403);
    const decide = await app.inject({
      method: 'POST',
      url: `/api/v1/appeals/${appealId}/decision`,
      headers: health,
      payload: { decision: 'reject', reasons: 'The contact tracing interview placed you there.' },
    });
    expect(decide.statusCode).toBe(403);
    expect(decide.json().detail).toMatch(/someone else must review/);
    const resident = await app.inject({ url: `/api/v1/appeals/${appealId}`, headers: r0 });
    expect(resident.statusCode).toBe(403);
  });

  it('upholding withdraws the fact, recomputes the status and tells the resident', async () => {
    const queue = await app.inject({ url: '/api/v1/appeals', headers: health2 });
    expect(queue.json().items.map((a: { id: string }) => a.id)).toContain(appealId);
    const read = await app.inject({ url: `/api/v1/appeals/${appealId}`, headers: health2 });
    expect(read.statusCode).toBe(200);
    expect(read.json().facts[0].id).toBe(exposureId);
    const short = await app.inject({
      method: 'POST',
      url: `/api/v1/appeals/${appealId}/decision`,
      headers: health2,
      payload: { decision: 'uphold', reasons: 'ok' },
    });
    expect(short.statusCode).toBe(400);
    const ok = await app.inject({
      method: 'POST',
      url: `/api/v1/appeals/${appealId}/decision`,
      headers: health2,
      payload: {
        decision: 'uphold',
        reasons: 'The venue log shows the resident left two hours before the case arrived.',
      },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().appeal.state).toBe('upheld');
    expect(ok.json().status.color).toBe('green');
    const fact = await env()
      .ctx.db.selectFrom('health_facts')
      .select(['withdrawn_at', 'withdrawn_reason'])
      .where('id', '=', exposureId)
      .executeTakeFirstOrThrow();
    expect(fact.withdrawn_at).not.toBeNull();
    expect(fact.withdrawn_reason).toMatch(new RegExp(`appeal ${appealId} upheld`));
    const mine = (await app.inject({ url: '/api/v1/me/appeals', headers: r0 })).json().items;
    expect(mine[0]).toMatchObject({ id: appealId, state: 'upheld', withdrawnFactIds: [exposureId] });
    expect(mine[0].reasons).toMatch(/venue log/);
    const notes = (await app.inject({ url: '/api/v1/me/notifications', headers: r0 })).json().items;
    expect(notes.map((n: { kind: string }) => n.kind)).toContain('appeal_upheld');
    const twice = await app.inject({
      method: 'POST',
      url: `/api/v1/appeals/${appealId}/decision`,
      headers: health2,
      payload: { decision: 'reject', reasons: 'Changing my mind after the decision.' },
    });
    expect(twice.statusCode).toBe(409);
  });

  it('rejects a status appeal with reasons and leaves the status as it was', async () => {
    const filed = await app.inject({
      method: 'POST',
      url: '/api/v1/me/appeals',
      headers: r1,
      payload: { subject: 'status', statement: 'I feel fine and want to go back to work.' },
    });
    expect(filed.statusCode).toBe(201);
    expect(filed.json().contestedFactIds).toContain(r1Positive);
    expect(filed.json().status.color).toBe('red');
    const reviewer = filed.json().reviewerId === healthId ? health : health2;
    const noFacts = await app.inject({
      method: 'POST',
      url: `/api/v1/appeals/${filed.json().id}/decision`,
      headers: reviewer,
      payload: { decision: 'uphold', reasons: 'Upholding without saying which fact is wrong.' },
    });
    expect(noFacts.statusCode).toBe(400);
    const rejected = await app.inject({
      method: 'POST',
      url: `/api/v1/appeals/${filed.json().id}/decision`,
      headers: reviewer,
      payload: { decision: 'reject', reasons: 'The PCR result is valid; isolation ends when the rules are met.' },
    });
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json().appeal.state).toBe('rejected');
    expect(rejected.json().status.color).toBe('red');
    const mine = (await app.inject({ url: '/api/v1/me/appeals', headers: r1 })).json().items;
    expect(mine[0].reasons).toMatch(/PCR result is valid/);
  });

  it('shows the resident who read or changed their data, with role, jurisdiction, staff id and purpose', async () => {
    const read = await app.inject({ url: `/api/v1/residents/${r0Id}/status?purpose=follow_up`, headers: health });
    expect(read.statusCode).toBe(200);
    const log = await app.inject({ url: '/api/v1/me/access-log?limit=50', headers: r0 });
    expect(log.statusCode).toBe(200);
    const items = log.json().items as Array<{
      action: string;
      purpose: string;
      who: { role: string; staffId: string | null; jurisdiction: { id: string } | null };
      kind: string;
    }>;
    const statusRead = items.find((i) => i.action === 'status.read');
    expect(statusRead).toMatchObject({
      purpose: 'follow_up',
      kind: 'read',
      who: { role: 'health_officer', staffId: healthId, jurisdiction: { id: '990100' } },
    });
    expect(items.find((i) => i.action === 'appeal.read')?.who.staffId).toBe(health2Id);
    expect(items.find((i) => i.action === 'fact.record')?.who.staffId).toBe(healthId);
    // The resident's own actions (filing the appeal) are not "access by others".
    expect(items.some((i) => i.action === 'appeal.file')).toBe(false);
    const page = await app.inject({ url: '/api/v1/me/access-log?limit=2', headers: r0 });
    expect(page.json().items).toHaveLength(2);
    const next = await app.inject({
      url: `/api/v1/me/access-log?limit=2&cursor=${page.json().nextCursor}`,
      headers: r0,
    });
    expect(next.json().items[0].seq).toBeLessThan(page.json().items[1].seq);
    expect((await app.inject({ url: '/api/v1/me/access-log' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/me/access-log', headers: health })).statusCode).toBe(403);
  });

  it('puts status history, facts with sources, overrides, appeals and the access log on one page', async () => {
    const res = await app.inject({ url: '/api/v1/me/transparency', headers: r0 });
    expect(res.statusCode).toBe(200);
    const t = res.json();
    expect(t.status.color).toBe('green');
    expect(t.statusHistory.map((h: { color: string }) => h.color)).toEqual(['green', 'red']);
    expect(t.statusHistory[1].ruleSet).toMatch(/@\d+$/);
    const f = t.facts.find((x: { id: string }) => x.id === exposureId);
    expect(f.source).toEqual({ source: 'case', caseId: r1Positive });
    expect(f.withdrawnAt).not.toBeNull();
    expect(t.appeals[0].state).toBe('upheld');
    expect(t.accessLog.items.length).toBeGreaterThan(0);
    expect(Array.isArray(t.overrides)).toBe(true);
  });
});
