import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { staffAuth, testServer } from '../../../test/support/http.ts';
import { defaultRuleSet } from '../../core/rules/default-ruleset.ts';
import { seedDemoCity } from '../demo/demo-seed.service.ts';
import { recomputeAll } from '../status/status.service.ts';

type Headers = { authorization: string };
type Flag = {
  id: string;
  detector: string;
  key: string;
  severity: string;
  summary: string;
  evidence: Record<string, unknown>;
  state: string;
  subjectCount: number;
};
const MIN = 60_000;
const HOUR = 60 * MIN;

describeEachBackend('anomaly detection on the event stream and on demand', (env) => {
  let app: FastifyInstance;
  let auditor: Headers;
  let health: Headers;
  let health2: Headers;
  let lab: Headers;
  let people: string[];
  let places: string[];

  const iso = (offset = 0) => new Date(env().clock.now().getTime() + offset).toISOString();
  const fact = async (h: Headers, payload: Record<string, unknown>) => {
    env().clock.advance(10_000);
    const r = await app.inject({ method: 'POST', url: '/api/v1/facts', headers: h, payload });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().fact.id as string;
  };
  const exposure = (personId: string, caseId: string, placeId: string) => {
    const end = iso(-3 * HOUR);
    return {
      personId,
      kind: 'exposure',
      degree: 'close',
      caseId,
      placeId,
      window: { start: iso(-4 * HOUR), end },
      occurredAt: end,
      provenance: { source: 'case', caseId },
    };
  };
  const flags = async (query = '') => {
    await env().ctx.bus.drain();
    const r = await app.inject({ url: `/api/v1/anomalies?limit=200${query}`, headers: auditor });
    expect(r.statusCode).toBe(200);
    return r.json().items as Flag[];
  };

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 21, residents: 900 });
    app = await testServer(env().ctx);
    people = (await env().ctx.db.selectFrom('residents').select('id').orderBy('id').execute()).map((r) => r.id);
    places = (await env().ctx.db.selectFrom('places').select('id').orderBy('id').execute()).map((r) => r.id);
  });
  beforeEach(async () => {
    auditor = await staffAuth(app, 'auditor');
    health = await staffAuth(app, 'health');
    health2 = await staffAuth(app, 'health2');
    lab = await staffAuth(app, 'lab');
  });

  it('does not flag an outbreak whose exposures rest on a confirmed case', async () => {
    const index = people[0]!;
    const pos = await fact(lab, {
      personId: index,
      kind: 'test_result',
      method: 'pcr',
      result: 'positive',
      specimenCollectedAt: iso(-6 * HOUR),
      occurredAt: iso(),
      provenance: { source: 'lab', labId: 'lab-1', specimenId: 'sp-outbreak' },
    });
    for (const p of people.slice(1, 41)) await fact(health, exposure(p, pos, places[0]!));
    expect(await flags()).toEqual([]);
  });

  it('flags people turned red by exposures with no case behind them, within the window, naming the evidence', async () => {
    const t0 = env().clock.now().getTime();
    const targets = people.slice(100, 130);
    for (const p of targets) {
      await fact(health, exposure(p, 'case-that-never-was', places[1]!));
      await env().ctx.bus.drain(); // as the relay does every 250 ms
    }
    const all = await flags();
    const burst = all.find((f) => f.detector === 'exposure-burst' && f.key === `exposure-burst:place:${places[1]}`);
    expect(burst).toBeTruthy();
    expect(burst!.severity).toBe('high');
    // The flag was raised at the 25th person and its evidence kept up with the rest of the burst.
    expect(burst!.evidence).toMatchObject({ dimension: 'place', people: 30, unsupported: 30 });
    expect((burst!.evidence.factIds as string[]).length).toBe(30);
    expect(all.some((f) => f.key === 'exposure-burst:case:case-that-never-was')).toBe(true);
    // The recorder also traced a real outbreak this hour, so their own burst is mostly supported: no recorder flag.
    expect(all.some((f) => f.key.startsWith('exposure-burst:recorder:'))).toBe(false);
    const chain = all.find((f) => f.detector === 'unsupported-status');
    expect(chain).toBeTruthy();
    expect(chain!.evidence).toMatchObject({ defect: 'unsupported-exposure', placeId: places[1] });
    expect(new Set(chain!.evidence.personIds as string[])).toEqual(new Set(targets));
    expect(chain!.subjectCount).toBe(30);
    // Raised on the 25th fact, 25 × 10 s after the first one: minutes, not days.
    const row = await env()
      .ctx.db.selectFrom('anomaly_flags')
      .select(['detected_at', 'first_event_at'])
      .where('id', '=', burst!.id)
      .executeTakeFirstOrThrow();
    expect(new Date(row.detected_at).getTime() - t0).toBeLessThanOrEqual(25 * 10_000);
  });

  it('keeps flags to auditors and requires a note to resolve one', async () => {
    expect((await app.inject({ url: '/api/v1/anomalies', headers: health })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/v1/anomalies' })).statusCode).toBe(401);
    const [f] = await flags('&state=open');
    const short = await app.inject({
      method: 'POST',
      url: `/api/v1/anomalies/${f!.id}/resolve`,
      headers: auditor,
      payload: { note: 'ok' },
    });
    expect(short.statusCode).toBe(400);
    const byHealth = await app.inject({
      method: 'POST',
      url: `/api/v1/anomalies/${f!.id}/resolve`,
      headers: health,
      payload: { note: 'Nothing to see here, move along.' },
    });
    expect(byHealth.statusCode).toBe(403);
    const ok = await app.inject({
      method: 'POST',
      url: `/api/v1/anomalies/${f!.id}/resolve`,
      headers: auditor,
      payload: { note: 'Referred to the discipline commission; exposures withdrawn.' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ state: 'resolved', resolutionNote: expect.stringMatching(/discipline/) });
    const again = await app.inject({
      method: 'POST',
      url: `/api/v1/anomalies/${f!.id}/resolve`,
      headers: auditor,
      payload: { note: 'Resolving it a second time.' },
    });
    expect(again.statusCode).toBe(409);
    expect((await flags('&state=resolved')).map((x) => x.id)).toEqual([f!.id]);
  });

  it('flags mass two-person overrides by the same pair', async () => {
    env().clock.advance(2 * HOUR);
    for (const p of people.slice(200, 212)) {
      env().clock.advance(30_000);
      const o = await app.inject({
        method: 'POST',
        url: '/api/v1/overrides',
        headers: health,
        payload: {
          personId: p,
          target: 'red',
          reasonCode: 'data_entry_error',
          reason: 'Correction requested by the command centre for this person.',
          expiresAt: iso(5 * 24 * HOUR),
        },
      });
      expect(o.statusCode).toBe(201);
      const d = await app.inject({
        method: 'POST',
        url: `/api/v1/overrides/${o.json().id}/decision`,
        headers: health2,
        payload: { decision: 'approve', note: 'As requested.' },
      });
      expect(d.statusCode).toBe(200);
    }
    const pair = (await flags()).find((f) => f.key.startsWith('override-burst:pair:'));
    expect(pair).toBeTruthy();
    expect(pair!.severity).toBe('high');
    expect((pair!.evidence.targets as Record<string, number>).red).toBeGreaterThanOrEqual(10);
    expect(Object.keys(pair!.evidence.reasonCodes as object)).toEqual(['data_entry_error']);
  });

  it('on demand, finds a fact recorded outside the recorder’s jurisdiction and a status resting on a deleted fact', async () => {
    const { ctx } = env();
    const person = people[300]!;
    const scope = await ctx.db
      .selectFrom('residents')
      .innerJoin('households', 'households.id', 'residents.household_id')
      .innerJoin('grids', 'grids.code', 'households.grid_code')
      .select('grids.community_id')
      .where('residents.id', '=', person)
      .executeTakeFirstOrThrow();
    const foreign = await ctx.db
      .selectFrom('jurisdictions')
      .select('id')
      .where('level', '=', 'community')
      .where('id', '!=', scope.community_id)
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const foreignDistrict = foreign.id;
    const now = ctx.clock.now();
    const id = `fact:${randomUUID()}`;
    // Written straight into the database, as only someone bypassing the API could.
    await ctx.db
      .insertInto('health_facts')
      .values({
        id,
        person_id: person,
        kind: 'symptom_report',
        occurred_at: now,
        recorded_at: now,
        recorded_by: 'someone',
        recorder_role: 'grid_worker',
        recorder_scope: foreignDistrict,
        provenance: JSON.stringify({ source: 'officer', officerId: 'someone' }),
        data: JSON.stringify({
          id,
          personId: person,
          kind: 'symptom_report',
          occurredAt: now.toISOString(),
          recordedAt: now.toISOString(),
          recordedBy: 'someone',
          symptoms: ['fever'],
          onsetAt: null,
          provenance: { source: 'officer', officerId: 'someone' },
        }),
      })
      .execute();
    // A status whose supporting fact is then deleted from under it.
    const other = people[301]!;
    const symptom = await fact(health, {
      personId: other,
      kind: 'symptom_report',
      symptoms: ['cough'],
      onsetAt: null,
      occurredAt: iso(),
      provenance: { source: 'officer', officerId: 'x' },
    });
    await ctx.db.deleteFrom('health_facts').where('id', '=', symptom).execute();
    const scan = await app.inject({ method: 'POST', url: '/api/v1/anomalies/scan', headers: auditor });
    expect(scan.statusCode).toBe(200);
    expect(scan.json().raised).toBeGreaterThanOrEqual(2);
    const all = await flags();
    const scopeFlag = all.find((f) => f.detector === 'recorder-scope');
    expect(scopeFlag).toMatchObject({ severity: 'high', evidence: { recorder: 'someone', factIds: [id] } });
    const missing = all.find((f) => f.key === `unsupported-status:missing-fact:${other}`);
    expect(missing).toMatchObject({ severity: 'high', evidence: { defect: 'missing-fact', factIds: [symptom] } });
  });

  it('flags a rule-set version that turns many people red at once', async () => {
    const { ctx } = env();
    for (const p of people.slice(400, 455))
      await fact(health, {
        personId: p,
        kind: 'symptom_report',
        symptoms: ['fever'],
        onsetAt: null,
        occurredAt: iso(),
        provenance: { source: 'officer', officerId: 'x' },
      });
    await ctx.bus.drain();
    const harsher = structuredClone(defaultRuleSet) as unknown as {
      id: string;
      version: number;
      jurisdiction: string;
      effectiveFrom: string;
      rules: Array<{ id: string; color: string }>;
    };
    harsher.id = 'city-990100';
    harsher.jurisdiction = '990100';
    harsher.effectiveFrom = iso(60_000);
    for (const r of harsher.rules) if (r.id === 'Y3') r.color = 'red';
    const pub = await app.inject({ method: 'POST', url: '/api/v1/rulesets', headers: health, payload: harsher });
    expect(pub.statusCode, pub.body).toBe(201);
    env().clock.advance(2 * MIN);
    const r = await recomputeAll(ctx);
    expect(r.changed).toBeGreaterThanOrEqual(55);
    const flip = (await flags()).find((f) => f.detector === 'ruleset-mass-flip');
    expect(flip).toBeTruthy();
    expect(flip!.evidence.ruleSet).toBe('city-990100@1');
    expect((flip!.evidence.toColor as Record<string, number>).red).toBeGreaterThanOrEqual(50);
  });
});
