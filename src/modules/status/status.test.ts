import { beforeAll, beforeEach, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { residentAuth, staffAuth, testServer } from '../../../test/support/http.ts';
import { seedDemoCity, demoResidentPhone } from '../demo/demo-seed.service.ts';
import { runStatusScheduler } from './status.service.ts';
import { verifyCode } from '../../core/codes/verify.ts';
import { parseTrustList } from '../../core/codes/trust-list.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

describeEachBackend('health status, facts, overrides and codes', (env) => {
  let app: FastifyInstance;
  let residentId: string;
  let resident: { authorization: string };
  let health: { authorization: string };
  let lab: { authorization: string };

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 3, residents: 800 });
    app = await testServer(env().ctx);
    resident = await residentAuth(app, demoResidentPhone(0));
    residentId = (await app.inject({ url: '/api/v1/auth/me', headers: resident })).json().id;
    health = await staffAuth(app, 'health');
    lab = await staffAuth(app, 'lab');
  });

  // Sessions last 12 hours and the tests move the clock by days: sign in again after each move.
  const signIn = async () => {
    resident = await residentAuth(app, demoResidentPhone(0));
    health = await staffAuth(app, 'health');
    lab = await staffAuth(app, 'lab');
  };
  const advance = async (ms: number) => {
    env().clock.advance(ms);
    await signIn();
  };
  beforeEach(signIn);

  const iso = (offsetMs = 0) => new Date(env().clock.now().getTime() + offsetMs).toISOString();
  const pcr = (result: 'positive' | 'negative', collectedAgo = 6 * HOUR) => ({
    personId: residentId,
    kind: 'test_result',
    method: 'pcr',
    result,
    specimenCollectedAt: iso(-collectedAgo),
    occurredAt: iso(),
    provenance: { source: 'lab', labId: 'lab-1', specimenId: `sp-${Math.random().toString(36).slice(2)}` },
  });

  it('starts green with a code that verifies offline against the published trust list', async () => {
    const res = await app.inject({ url: '/api/v1/me/code', headers: resident });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.code).toMatch(/^TSR1:/);
    expect(body.status.color).toBe('green');
    expect(new Date(body.expiresAt).getTime() - new Date(body.issuedAt).getTime()).toBe(180_000);
    const list = (await app.inject('/api/v1/trust-list')).json();
    const keys = parseTrustList(list.trustList).keys;
    const result = verifyCode(body.code, { keys, certs: [] }, env().clock.now());
    expect(result.valid).toBe(true);
    expect(result.color).toBe('green');
    expect(JSON.stringify(result)).not.toContain(residentId);
    const expired = verifyCode(body.code, { keys, certs: [] }, new Date(env().clock.now().getTime() + 181_000));
    expect(expired.valid).toBe(false);
    expect(expired.checks.expiry).toBe(false);
  });

  it('has no way to set a color and refuses non-health or malformed facts', async () => {
    const asColor = await app.inject({
      method: 'POST',
      url: '/api/v1/facts',
      headers: health,
      payload: { personId: residentId, kind: 'color', color: 'red' },
    });
    expect(asColor.statusCode).toBe(400);
    const override = await app.inject({
      method: 'POST',
      url: '/api/v1/facts',
      headers: health,
      payload: { personId: residentId, kind: 'override', target: 'red' },
    });
    expect(override.statusCode).toBe(403);
    const extra = await app.inject({
      method: 'POST',
      url: '/api/v1/facts',
      headers: lab,
      payload: { ...pcr('positive'), protestParticipant: true },
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().detail).toMatch(/protestParticipant/);
    const worker = await staffAuth(app, 'worker.990101001001001');
    const denied = await app.inject({
      method: 'POST',
      url: '/api/v1/facts',
      headers: worker,
      payload: pcr('positive'),
    });
    expect(denied.statusCode).toBe(403);
    expect((await app.inject({ url: '/api/v1/me/status', headers: resident })).json().color).toBe('green');
  });

  it('turns red at once on a positive PCR, with the reason naming the rule and the fact', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/facts', headers: lab, payload: pcr('positive') });
    expect(res.statusCode).toBe(201);
    const factId = res.json().fact.id;
    expect(res.json().status.color).toBe('red');
    const status = (await app.inject({ url: '/api/v1/me/status', headers: resident })).json();
    expect(status.color).toBe('red');
    expect(status.reasons[0].factIds).toContain(factId);
    expect(status.reasons[0].text.en).toMatch(/positive/i);
    expect(status.reasons[0].text['zh-CN']).toBeTruthy();
    expect(status.clears.earliestAt).toBeTruthy();
    const code = (await app.inject({ url: '/api/v1/me/code', headers: resident })).json();
    expect(code.status.color).toBe('red');
    const verified = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { code: code.code } })).json();
    expect(verified.valid).toBe(true);
    expect(verified.color).toBe('red');
    const history = (await app.inject({ url: '/api/v1/me/status/history', headers: resident })).json();
    expect(history.items[0].color).toBe('red');
    expect(history.items[0].ruleSet).toMatch(/@\d+$/);
    const notes = (await app.inject({ url: '/api/v1/me/notifications', headers: resident })).json();
    expect(notes.items.some((n: { kind: string }) => n.kind === 'status_changed')).toBe(true);
    const audit = await env()
      .ctx.db.selectFrom('audit_log')
      .select(['action', 'person_id'])
      .where('person_id', '=', residentId)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['fact.record', 'status.change']));
    const outbox = await env()
      .ctx.db.selectFrom('outbox')
      .select('topic')
      .where('topic', '=', 'status.changed')
      .execute();
    expect(outbox.length).toBeGreaterThan(0);
  });

  it('stays red before the period is served, even with negative tests', async () => {
    await advance(2 * DAY);
    await app.inject({ method: 'POST', url: '/api/v1/facts', headers: lab, payload: pcr('negative') });
    expect((await app.inject({ url: '/api/v1/me/status', headers: resident })).json().color).toBe('red');
  });

  it('turns green after the period and two negative PCRs at least 24 h apart, via the scheduler', async () => {
    await advance(12 * DAY);
    await app.inject({ method: 'POST', url: '/api/v1/facts', headers: lab, payload: pcr('negative') });
    await advance(DAY + HOUR);
    await app.inject({ method: 'POST', url: '/api/v1/facts', headers: lab, payload: pcr('negative') });
    await advance(2 * DAY);
    await runStatusScheduler(env().ctx);
    const status = (await app.inject({ url: '/api/v1/me/status', headers: resident })).json();
    expect(status.color).toBe('green');
    const history = (await app.inject({ url: '/api/v1/me/status/history', headers: resident })).json();
    expect(history.items[0].color).toBe('green');
  });

  it('requires two different officers for an override, notifies the resident and lets it expire', async () => {
    const propose = await app.inject({
      method: 'POST',
      url: '/api/v1/overrides',
      headers: health,
      payload: {
        personId: residentId,
        target: 'yellow',
        reasonCode: 'clinical_assessment',
        reason: 'Clinical assessment at the fever clinic: awaiting repeat test after borderline CT value.',
        expiresAt: iso(2 * DAY),
      },
    });
    expect(propose.statusCode).toBe(201);
    const id = propose.json().id;
    expect((await app.inject({ url: '/api/v1/me/status', headers: resident })).json().color).toBe('green');
    const self = await app.inject({
      method: 'POST',
      url: `/api/v1/overrides/${id}/decision`,
      headers: health,
      payload: { decision: 'approve', note: 'ok' },
    });
    expect(self.statusCode).toBe(403);
    expect(self.json().detail).toMatch(/two different people/);
    const worker = await staffAuth(app, 'worker.990101001001001');
    const wrongRole = await app.inject({
      method: 'POST',
      url: `/api/v1/overrides/${id}/decision`,
      headers: worker,
      payload: { decision: 'approve', note: 'ok' },
    });
    expect(wrongRole.statusCode).toBe(403);
    const pending = (
      await app.inject({ url: '/api/v1/overrides/pending', headers: await staffAuth(app, 'health2') })
    ).json();
    expect(pending.items.map((o: { id: string }) => o.id)).toContain(id);
    const ok = await app.inject({
      method: 'POST',
      url: `/api/v1/overrides/${id}/decision`,
      headers: await staffAuth(app, 'health2'),
      payload: { decision: 'approve', note: 'Agreed after reviewing the clinic notes.' },
    });
    expect(ok.statusCode).toBe(200);
    const status = (await app.inject({ url: '/api/v1/me/status', headers: resident })).json();
    expect(status.color).toBe('yellow');
    expect(status.reasons.some((r: { ruleId: string }) => r.ruleId === 'override')).toBe(true);
    const mine = (await app.inject({ url: '/api/v1/me/overrides', headers: resident })).json();
    expect(mine.items[0].decision).toBe('approved');
    const notes = (await app.inject({ url: '/api/v1/me/notifications', headers: resident })).json();
    expect(notes.items.map((n: { kind: string }) => n.kind)).toEqual(
      expect.arrayContaining(['override_proposed', 'override_approved']),
    );
    const again = await app.inject({
      method: 'POST',
      url: `/api/v1/overrides/${id}/decision`,
      headers: await staffAuth(app, 'health2'),
      payload: { decision: 'reject', note: 'changed my mind' },
    });
    expect(again.statusCode).toBe(409);
    await advance(2 * DAY + HOUR);
    // No scheduler run: the code request itself re-evaluates a status that is due.
    const code = (await app.inject({ url: '/api/v1/me/code', headers: resident })).json();
    expect(code.status.color).toBe('green');
    expect((await app.inject({ url: '/api/v1/me/status', headers: resident })).json().color).toBe('green');
  });

  it('requires a purpose from the list for staff reads of a status, and audits it', async () => {
    const noPurpose = await app.inject({ url: `/api/v1/residents/${residentId}/status`, headers: health });
    expect(noPurpose.statusCode).toBe(400);
    expect(noPurpose.json().detail).toMatch(/tracing/);
    const ok = await app.inject({ url: `/api/v1/residents/${residentId}/facts?purpose=tracing`, headers: health });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().items.length).toBeGreaterThan(2);
    const reads = await env()
      .ctx.db.selectFrom('audit_log')
      .select(['purpose'])
      .where('action', '=', 'facts.read')
      .where('person_id', '=', residentId)
      .execute();
    expect(reads.map((r) => r.purpose)).toContain('tracing');
  });

  it('publishes rule sets only when valid and never retroactively; all versions stay public', async () => {
    const list = (await app.inject('/api/v1/rulesets')).json();
    const base = list.items[0];
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/rulesets',
      headers: health,
      payload: { ...base, id: 'tessera-990100', jurisdiction: '990100', version: 1, effectiveFrom: iso(-DAY) },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().detail).toMatch(/retroactive/);
    const unknownKind = await app.inject({
      method: 'POST',
      url: '/api/v1/rulesets',
      headers: health,
      payload: {
        ...base,
        id: 'tessera-990100',
        jurisdiction: '990100',
        effectiveFrom: iso(DAY),
        rules: [{ ...base.rules[0], when: { kind: 'petition_signed' } }],
      },
    });
    expect(unknownKind.statusCode).toBe(422);
    const good = await app.inject({
      method: 'POST',
      url: '/api/v1/rulesets',
      headers: health,
      payload: { ...base, id: 'tessera-990100', jurisdiction: '990100', version: 1, effectiveFrom: iso(HOUR) },
    });
    expect(good.statusCode).toBe(201);
    // Everyone with a stored status is scheduled for re-evaluation when the new rules take effect.
    const due = await env()
      .ctx.db.selectFrom('statuses')
      .select('next_check_at')
      .where('person_id', '=', residentId)
      .executeTakeFirstOrThrow();
    expect(new Date(due.next_check_at!).getTime()).toBeLessThanOrEqual(new Date(iso(HOUR)).getTime());
    const after = (await app.inject('/api/v1/rulesets')).json();
    expect(after.items.length).toBe(list.items.length + 1);
  });
});
