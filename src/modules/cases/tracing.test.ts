import { beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend, TEST_START } from '../../../test/support/backends.ts';
import { residentAuth, staffAuth, testServer } from '../../../test/support/http.ts';
import { apiToken, demoNationalIds, fhirBundle } from '../../../test/support/tracing.ts';
import { DEMO_CITY } from '../../core/geo/demo-city.ts';
import { demoResidentPhone, seedDemoCity } from '../demo/demo-seed.service.ts';
import { currentStatus } from '../status/status.service.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const SEED = 21;
const RESIDENTS = 500;

/*
 * The "done when", end to end through the API on the seeded city: residents scan venue posters; a lab posts a
 * positive result; the person turns red, a case opens, tracing finds who overlapped with them (and who met those
 * people), turns them red or yellow with a reason naming the place and time; the graph shows the chain.
 */
describeEachBackend('lab results, cases and exposure search', (env) => {
  let app: FastifyInstance;
  let health: { authorization: string };
  let lab: { authorization: string };
  const people: Array<{ id: string; nationalId: string; auth: () => Promise<{ authorization: string }> }> = [];
  let places: Array<{ id: string; name_zh: string; name_en: string; code: string }>;
  let caseId: string;
  let outbreakId: string;

  const at = (dayOffset: number, hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number) as [number, number];
    const midnight = Date.UTC(TEST_START.getUTCFullYear(), TEST_START.getUTCMonth(), TEST_START.getUTCDate());
    return new Date(midnight + dayOffset * DAY + h * HOUR + m * MIN).toISOString();
  };
  const scan = async (who: number, place: number, when: string, clientId: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/scans',
      headers: await people[who]!.auth(),
      payload: { clientId, placeCode: places[place]!.code, scannedAt: when },
    });
    expect(res.statusCode, res.body).toBe(201);
  };
  const statusOf = async (who: number) => (await currentStatus(env().ctx, people[who]!.id)).color;
  const postFhir = async (body: unknown, headers = lab) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/lab-results',
      headers: { ...headers, 'content-type': 'application/fhir+json' },
      payload: JSON.stringify(body),
    });

  beforeAll(async () => {
    const ctx = env().ctx;
    // Posters are printed ten days before the scans they record.
    env().clock.set(new Date(TEST_START.getTime() - 10 * DAY));
    await seedDemoCity(ctx, { seed: SEED, residents: RESIDENTS });
    app = await testServer(ctx);
    const admin = await staffAuth(app, 'admin');
    const rows = await ctx.db
      .selectFrom('places')
      .select(['id', 'name_zh', 'name_en'])
      .orderBy('id')
      .limit(6)
      .execute();
    places = [];
    for (const p of rows) {
      const code = (await app.inject({ url: `/api/v1/places/${p.id}/code`, headers: admin })).json().code;
      places.push({ ...p, code });
    }
    env().clock.set(TEST_START);
    const ids = demoNationalIds(SEED, RESIDENTS);
    for (let i = 0; i < 8; i++) {
      // Sessions last 12 hours: sign in again once the clock has moved on.
      let session: { header: { authorization: string }; at: number } | null = null;
      const auth = async () => {
        const now = env().clock.now().getTime();
        if (!session || now - session.at > 6 * HOUR || now < session.at)
          session = { header: await residentAuth(app, demoResidentPhone(i)), at: now };
        return session.header;
      };
      const id = (await app.inject({ url: '/api/v1/auth/me', headers: await auth() })).json().id as string;
      people.push({ id, nationalId: ids.get(id)!, auth });
    }
    health = await staffAuth(app, 'health');
    lab = await apiToken(app, await staffAuth(app, 'admin'), { kind: 'lab', scopeJurisdictionId: DEMO_CITY });
    await app.inject({
      method: 'PUT',
      url: '/api/v1/tracing/settings',
      headers: health,
      payload: { mode: 'automatic', threshold: 0 },
    });

    // 0 is the case. 1 meets 0 at place 0; 2 comes an hour later (no contact); 3 meets 1 at place 1 (secondary);
    // 4 met 0 at place 2 four days ago, before the infectious period; 5 visits place 0 in the afternoon.
    await scan(0, 0, at(-1, '12:00'), 's-0a');
    await scan(1, 0, at(-1, '12:10'), 's-1a');
    await scan(2, 0, at(-1, '13:00'), 's-2a');
    await scan(1, 1, at(-1, '18:00'), 's-1b');
    await scan(3, 1, at(-1, '18:20'), 's-3b');
    await scan(0, 2, at(-4, '09:00'), 's-0c');
    await scan(4, 2, at(-4, '09:05'), 's-4c');
    await scan(5, 0, at(-1, '15:00'), 's-5a');
  });

  it('records a positive FHIR result: the person turns red and a case opens', async () => {
    const res = await postFhir(
      fhirBundle([
        { nationalId: people[0]!.nationalId, specimenId: 'SP-0001', collectedAt: at(0, '06:00'), detected: true },
      ]),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1, rejected: 0, casesOpened: 1 });
    expect(res.json().records[0]).toMatchObject({ ref: 'entry[2]', status: 'accepted', result: 'positive' });
    expect(await statusOf(0)).toBe('red');
    const facts = await env()
      .ctx.db.selectFrom('health_facts')
      .select(['provenance', 'kind'])
      .where('person_id', '=', people[0]!.id)
      .execute();
    const provenance = facts[0]!.provenance as unknown;
    expect(typeof provenance === 'string' ? JSON.parse(provenance) : provenance).toMatchObject({
      source: 'lab',
      specimenId: 'SP-0001',
    });
    const c = await env()
      .ctx.db.selectFrom('cases')
      .selectAll()
      .where('person_id', '=', people[0]!.id)
      .executeTakeFirstOrThrow();
    caseId = c.id;
    outbreakId = c.outbreak_id;
    expect(c.state).toBe('open');
    // Infectious period: two days (rule-set parameter) before the specimen.
    expect(new Date(c.infectious_from).toISOString()).toBe(at(-2, '06:00'));
  });

  it('finds close and secondary contacts and turns them red and yellow, naming the place and time', async () => {
    await env().ctx.bus.drain();
    expect(await statusOf(1)).toBe('red');
    expect(await statusOf(3)).toBe('yellow');
    expect(await statusOf(2)).toBe('green');
    expect(await statusOf(4)).toBe('green');
    expect(await statusOf(5)).toBe('green');

    const mine = (await app.inject({ url: '/api/v1/me/exposures', headers: await people[1]!.auth() })).json();
    expect(mine.items).toHaveLength(1);
    const e = mine.items[0];
    expect(e.degree).toBe('close');
    expect(e.place.id).toBe(places[0]!.id);
    expect(e.window).toEqual({ start: at(-1, '12:10'), end: at(-1, '12:30') });
    expect(e.reason.en).toContain(places[0]!.name_en);
    expect(e.reason.en).toContain('1 Mar 2026 12:10–12:30');
    expect(e.reason['zh-CN']).toContain(places[0]!.name_zh);
    expect(e.reason['zh-CN']).toContain('2026年3月1日 12:10至12:30');
    expect(e.caseId).toBeNull(); // residents are not told who the case is
    const notes = (await app.inject({ url: '/api/v1/me/notifications', headers: await people[1]!.auth() })).json();
    const told = notes.items.find((n: { kind: string }) => n.kind === 'exposure_recorded');
    expect(told.payload.reason.en).toBe(e.reason.en);
    expect(told.payload.factId).toBe(e.factId);

    const status = (await app.inject({ url: '/api/v1/me/status', headers: await people[1]!.auth() })).json();
    expect(status.reasons[0].ruleId).toBe('R2');
    expect(status.reasons[0].factIds).toContain(e.factId);
    const secondary = (await app.inject({ url: '/api/v1/me/exposures', headers: await people[3]!.auth() })).json();
    expect(secondary.items[0]).toMatchObject({ degree: 'secondary', place: { id: places[1]!.id } });
    expect(secondary.items[0].reason.en).toContain(places[1]!.name_en);
    expect(secondary.items[0].reason.en).toContain('18:20');

    const staffView = (
      await app.inject({ url: `/api/v1/exposures?purpose=tracing&caseId=${caseId}`, headers: health })
    ).json();
    const close = staffView.items.find((x: { personId: string }) => x.personId === people[1]!.id);
    expect(close.scans.source).toMatchObject({ personId: people[0]!.id, at: at(-1, '12:00') });
    expect(close.scans.contact.at).toBe(at(-1, '12:10'));
    expect(staffView.items).toHaveLength(2);
    const reads = await env()
      .ctx.db.selectFrom('audit_log')
      .select('person_id')
      .where('action', '=', 'exposure.read')
      .execute();
    expect(reads.map((r) => r.person_id)).toEqual(expect.arrayContaining([people[1]!.id, people[3]!.id]));
  });

  it('is idempotent: tracing again adds nothing', async () => {
    const res = await app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/trace`, headers: health });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ close: 1, secondary: 1, created: 0, updated: 0 });
    const n = await env().ctx.db.selectFrom('exposures').select('id').where('case_id', '=', caseId).execute();
    expect(n).toHaveLength(2);
  });

  it('lists the cases in my jurisdiction with their grid and contacts, each an audited read', async () => {
    const res = await app.inject({ url: '/api/v1/cases?purpose=tracing&state=open', headers: health });
    expect(res.statusCode, res.body).toBe(200);
    const mine = res.json().items.find((c: { id: string }) => c.id === caseId);
    expect(mine).toMatchObject({
      personId: people[0]!.id,
      state: 'open',
      outbreakId,
      contacts: { pending: 0, confirmed: 2, dismissed: 0 },
    });
    expect(mine.gridCode).toMatch(/^\d{15}$/);
    const closed = (await app.inject({ url: '/api/v1/cases?purpose=tracing&state=closed', headers: health })).json();
    expect(closed.items.some((c: { id: string }) => c.id === caseId)).toBe(false);
    expect((await app.inject({ url: '/api/v1/cases', headers: health })).statusCode).toBe(400);
    const reads = await env()
      .ctx.db.selectFrom('audit_log')
      .select(['person_id', 'purpose'])
      .where('action', '=', 'case.list')
      .execute();
    expect(reads).toContainEqual({ person_id: people[0]!.id, purpose: 'tracing' });
    const admin = await app.inject({ url: '/api/v1/cases?purpose=tracing', headers: await staffAuth(app, 'admin') });
    expect(admin.statusCode).toBe(403);
  });

  it('shows the transmission graph with places, times and clusters', async () => {
    const res = await app.inject({ url: `/api/v1/outbreaks/${outbreakId}/graph?purpose=tracing`, headers: health });
    expect(res.statusCode).toBe(200);
    const g = res.json();
    expect(g.nodes.map((n: { personId: string; kind: string }) => [n.personId, n.kind])).toEqual(
      expect.arrayContaining([
        [people[0]!.id, 'case'],
        [people[1]!.id, 'close'],
        [people[3]!.id, 'secondary'],
      ]),
    );
    expect(g.edges).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          from: people[0]!.id,
          to: people[1]!.id,
          placeId: places[0]!.id,
          endAt: at(-1, '12:30'),
        }),
        expect.objectContaining({
          from: people[1]!.id,
          to: people[3]!.id,
          placeId: places[1]!.id,
          degree: 'secondary',
        }),
      ]),
    );
    expect(g.clusters.map((c: { placeId: string }) => c.placeId)).toEqual(
      expect.arrayContaining([places[0]!.id, places[1]!.id]),
    );
    expect(g.places[places[0]!.id].nameEn).toBe(places[0]!.name_en);
    const noPurpose = await app.inject({ url: `/api/v1/outbreaks/${outbreakId}/graph`, headers: health });
    expect(noPurpose.statusCode).toBe(400);
    const worker = await app.inject({
      url: `/api/v1/outbreaks/${outbreakId}/graph?purpose=tracing`,
      headers: await staffAuth(app, 'admin'),
    });
    expect(worker.statusCode).toBe(403);
  });

  it('moves the infectious period when the onset is set, and traces again', async () => {
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/v1/cases/${caseId}`,
      headers: health,
      payload: { onsetAt: at(-3, '10:00') },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().infectiousFrom).toBe(at(-5, '10:00'));
    await env().ctx.bus.drain();
    expect(await statusOf(4)).toBe('red');
  });

  it('reports every bad FHIR record precisely and records nothing for it', async () => {
    const bundle = fhirBundle([
      { nationalId: people[6]!.nationalId, specimenId: 'SP-OK-6', collectedAt: at(0, '05:00'), detected: false },
      { nationalId: null, specimenId: 'SP-NOID', collectedAt: at(0, '05:00'), detected: true },
      { nationalId: '110101199003074514', specimenId: 'SP-NOBODY', collectedAt: at(0, '05:00'), detected: true },
      { nationalId: people[7]!.nationalId, specimenId: 'SP-CODE', collectedAt: at(0, '05:00'), detected: true },
      { nationalId: people[7]!.nationalId, specimenId: 'SP-VALUE', collectedAt: at(0, '05:00'), detected: true },
      {
        nationalId: people[7]!.nationalId,
        specimenId: 'SP-FUTURE',
        collectedAt: at(0, '05:00'),
        detected: true,
        issued: at(2, '00:00'),
      },
    ]) as { entry: Array<{ resource: Record<string, unknown> }> };
    (bundle.entry[11]!.resource as { code: unknown }).code = {
      coding: [{ system: 'http://loinc.org', code: '94309-2' }],
    };
    (bundle.entry[14]!.resource as { valueCodeableConcept: unknown }).valueCodeableConcept = {
      coding: [{ system: 'http://snomed.info/sct', code: '419984006' }],
    };
    bundle.entry.push({ resource: { resourceType: 'Condition', id: 'c1' } });
    const res = await postFhir(bundle);
    expect(res.statusCode).toBe(200);
    const byRef = Object.fromEntries(res.json().records.map((r: { ref: string }) => [r.ref, r])) as Record<
      string,
      { status: string; field: string; reason: string }
    >;
    expect(byRef['entry[2]']!.status).toBe('accepted');
    expect(byRef['entry[5]']).toMatchObject({ status: 'rejected', field: 'Observation.subject.identifier' });
    expect(byRef['entry[5]']!.reason).toMatch(/missing identifier/);
    expect(byRef['entry[8]']!.reason).toMatch(/unmatched person/);
    expect(byRef['entry[11]']).toMatchObject({ status: 'rejected', field: 'Observation.code' });
    expect(byRef['entry[11]']!.reason).toMatch(/bad code: expected LOINC 94500-6/);
    expect(byRef['entry[14]']!.reason).toMatch(/bad value/);
    expect(byRef['entry[17]']!.reason).toMatch(/after the server time/);
    expect(byRef['entry[18]']).toMatchObject({ status: 'rejected', field: 'resource.resourceType' });
    expect(byRef['entry[18]']!.reason).toMatch(/wrong resourceType "Condition"/);
    expect(res.json()).toMatchObject({ accepted: 1, rejected: 6, casesOpened: 0 });
    expect(await statusOf(7)).toBe('green');
    const facts = await env()
      .ctx.db.selectFrom('health_facts')
      .select('id')
      .where('person_id', '=', people[7]!.id)
      .execute();
    expect(facts).toHaveLength(0);

    const wrongType = await postFhir({ resourceType: 'Patient', id: 'x' });
    expect(wrongType.json().records[0]).toMatchObject({ status: 'rejected', field: 'resourceType' });
    expect(wrongType.json().records[0].reason).toMatch(/expected Bundle or Observation/);
    const again = await postFhir(
      fhirBundle([
        { nationalId: people[6]!.nationalId, specimenId: 'SP-OK-6', collectedAt: at(0, '05:00'), detected: false },
      ]),
    );
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    const single = await postFhir(
      (
        fhirBundle([{ nationalId: null, specimenId: 'x', collectedAt: at(0, '05:00'), detected: true }]) as {
          entry: Array<{ resource: unknown }>;
        }
      ).entry[2]!.resource,
    );
    expect(single.json().records[0]).toMatchObject({ ref: 'Observation', status: 'rejected' });
    const resident = await postFhir({ resourceType: 'Bundle', entry: [] }, await people[2]!.auth());
    expect(resident.statusCode).toBe(403);
  });

  it('takes CSV with a per-line report and keeps results within the lab jurisdiction', async () => {
    const csv = [
      'national_id,specimen_id,collected_at,result',
      `${people[6]!.nationalId},CSV-1,${at(0, '04:00')},not_detected`,
      `${people[6]!.nationalId},CSV-2,2026-03-01,not_detected`,
      `${people[6]!.nationalId},CSV-3,${at(0, '04:00')},maybe`,
      `,CSV-4,${at(0, '04:00')},detected`,
    ].join('\n');
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/lab-results',
      headers: { ...lab, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(res.statusCode).toBe(200);
    const records = res.json().records;
    expect(records.map((r: { ref: string; status: string }) => [r.ref, r.status])).toEqual([
      ['line 2', 'accepted'],
      ['line 3', 'rejected'],
      ['line 4', 'rejected'],
      ['line 5', 'rejected'],
    ]);
    expect(records[1]).toMatchObject({ field: 'collected_at' });
    expect(records[3].reason).toMatch(/missing identifier/);

    const district = await env()
      .ctx.db.selectFrom('residents')
      .innerJoin('households', 'households.id', 'residents.household_id')
      .innerJoin('grids', 'grids.code', 'households.grid_code')
      .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
      .select('jurisdictions.path')
      .where('residents.id', '=', people[6]!.id)
      .executeTakeFirstOrThrow();
    const own = district.path.split('.').at(-1)!;
    const other = await env()
      .ctx.db.selectFrom('jurisdictions')
      .select('id')
      .where('level', '=', 'community')
      .where('id', '!=', own)
      .executeTakeFirstOrThrow();
    const elsewhere = await apiToken(app, await staffAuth(app, 'admin'), {
      kind: 'lab',
      scopeJurisdictionId: other.id,
    });
    const out = await postFhir(
      fhirBundle([
        { nationalId: people[6]!.nationalId, specimenId: 'SP-SCOPE', collectedAt: at(0, '05:00'), detected: true },
      ]),
      elsewhere,
    );
    expect(out.json().records[0].reason).toMatch(/outside this lab's jurisdiction/);
  });

  it("lists the lab's own recent results without naming anyone", async () => {
    const res = await app.inject({ url: '/api/v1/lab-results?limit=100', headers: lab });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as Array<Record<string, unknown>>;
    expect(items.map((i) => i.specimenId)).toEqual(expect.arrayContaining(['SP-0001', 'SP-OK-6', 'CSV-1']));
    expect(items.find((i) => i.specimenId === 'SP-0001')).toMatchObject({ result: 'positive', withdrawn: false });
    expect(JSON.stringify(items)).not.toContain(people[0]!.id);
    const recorded = items.map((i) => Date.parse(i.recordedAt as string));
    expect(recorded).toEqual([...recorded].sort((a, b) => b - a));
    const other = await apiToken(app, await staffAuth(app, 'admin'), { kind: 'lab', scopeJurisdictionId: DEMO_CITY });
    expect((await app.inject({ url: '/api/v1/lab-results', headers: other })).json().items).toEqual([]);
    expect((await app.inject({ url: '/api/v1/lab-results', headers: await people[2]!.auth() })).statusCode).toBe(403);
  });

  it('holds exposures for review above the threshold; confirm turns red, dismissal needs a reason and undoes', async () => {
    await app.inject({
      method: 'PUT',
      url: '/api/v1/tracing/settings',
      headers: health,
      payload: { mode: 'review_above', threshold: 0 },
    });
    // 5 is the new case: 2 (13:00) and 0's afternoon guest 5 (15:00) overlap with nobody but... 2 met 5? No: add one.
    await scan(6, 3, at(0, '07:00'), 's-6d');
    await scan(5, 3, at(0, '07:10'), 's-5d');
    await scan(2, 3, at(0, '07:20'), 's-2d');
    const res = await postFhir(
      fhirBundle([
        { nationalId: people[5]!.nationalId, specimenId: 'SP-0005', collectedAt: at(0, '07:30'), detected: true },
      ]),
    );
    expect(res.json().casesOpened).toBe(1);
    await env().ctx.bus.drain();
    expect(await statusOf(6)).toBe('green');
    expect(await statusOf(2)).toBe('green');
    const pending = (
      await app.inject({ url: '/api/v1/exposures?purpose=tracing&state=pending', headers: health })
    ).json();
    const of = (who: number) => pending.items.find((x: { personId: string }) => x.personId === people[who]!.id);
    expect(of(6)).toBeTruthy();
    expect(of(2)).toBeTruthy();
    const noReason = await app.inject({
      method: 'POST',
      url: '/api/v1/exposures/decisions',
      headers: health,
      payload: { ids: [of(2).id], decision: 'dismiss' },
    });
    expect(noReason.statusCode).toBe(400);
    const confirm = await app.inject({
      method: 'POST',
      url: '/api/v1/exposures/decisions',
      headers: health,
      payload: { ids: [of(6).id, of(2).id], decision: 'confirm' },
    });
    expect(confirm.statusCode, confirm.body).toBe(200);
    expect(await statusOf(6)).toBe('red');
    expect(await statusOf(2)).toBe('red');
    const dismiss = await app.inject({
      method: 'POST',
      url: '/api/v1/exposures/decisions',
      headers: health,
      payload: {
        ids: [of(2).id],
        decision: 'dismiss',
        note: 'Scan was a colleague borrowing the phone; confirmed by call.',
      },
    });
    expect(dismiss.statusCode).toBe(200);
    expect(await statusOf(2)).toBe('green');
    const graph = (await app.inject({ url: `/api/v1/cases/${caseId}/graph?purpose=tracing`, headers: health })).json();
    expect(graph.caseId).toBe(caseId);
    await app.inject({
      method: 'PUT',
      url: '/api/v1/tracing/settings',
      headers: health,
      payload: { mode: 'automatic', threshold: 0 },
    });
  });

  it('designates a risk place: visitors in the window turn yellow; the designation is public and expires', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/risk-areas',
      headers: health,
      payload: {
        areaKind: 'place',
        areaId: places[0]!.id,
        from: at(-1, '11:00'),
        until: at(-1, '14:00'),
        caseIds: [caseId],
        note: 'Case visited at lunch time; ventilation poor.',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const designation = res.json();
    // 2 (13:00) was there in the window; 1 too but is already red; 5's 15:00 visit is after it.
    expect(await statusOf(2)).toBe('yellow');
    const mine = (await app.inject({ url: '/api/v1/me/exposures', headers: await people[2]!.auth() })).json();
    const risk = mine.items.find((x: { degree: string }) => x.degree === 'risk_place');
    expect(risk.reason.en).toContain(places[0]!.name_en);
    expect(risk.reason.en).toContain('13:00');
    const list = (await app.inject('/api/v1/risk-areas')).json();
    const pub = list.items.find((x: { id: string }) => x.id === designation.id);
    expect(pub).toMatchObject({ areaKind: 'place', nameEn: places[0]!.name_en, basis: { cases: 1, caseIds: null } });
    const noCases = await app.inject({
      method: 'POST',
      url: '/api/v1/risk-areas',
      headers: health,
      payload: {
        areaKind: 'grid',
        areaId: '990101001001001',
        from: at(-1, '11:00'),
        until: at(-1, '14:00'),
        caseIds: [],
        note: 'x x x',
      },
    });
    expect(noCases.statusCode).toBe(400);
    const byLab = await app.inject({
      method: 'POST',
      url: '/api/v1/risk-areas',
      headers: await staffAuth(app, 'lab'),
      payload: {
        areaKind: 'place',
        areaId: places[0]!.id,
        from: at(-1, '11:00'),
        until: at(-1, '14:00'),
        caseIds: [caseId],
        note: 'nope',
      },
    });
    expect(byLab.statusCode).toBe(403);
    env().clock.advance(16 * DAY);
    const later = (await app.inject('/api/v1/risk-areas')).json();
    expect(later.items.find((x: { id: string }) => x.id === designation.id)).toBeUndefined();
    const all = (await app.inject('/api/v1/risk-areas?includeInactive=true')).json();
    expect(all.items.find((x: { id: string }) => x.id === designation.id).active).toBe(false);
  });
});
