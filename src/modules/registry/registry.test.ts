import { beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { residentAuth, staffAuth, testServer } from '../../../test/support/http.ts';
import { nationalId } from '../../core/geo/demo-city.ts';
import { hmacNationalId } from '../../core/registry/national-id.ts';
import { seedDemoCity } from '../demo/demo-seed.service.ts';
import { findResidentByNationalId } from './residents.service.ts';

type Headers = { authorization: string };

describeEachBackend('registry: households and residents', (env) => {
  let app: FastifyInstance;
  let worker: Headers;
  let admin: Headers;
  /** A household in worker.990101001001001's community, and one outside it. */
  let own: { id: string; grid_code: string };
  let foreign: { id: string; grid_code: string };

  const auditSince = async (seq: number) =>
    env().ctx.db.selectFrom('audit_log').selectAll().where('seq', '>', seq).orderBy('seq').execute();
  const lastSeq = async () =>
    Number(
      (await env().ctx.db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst())
        ?.seq ?? 0,
    );

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 7, residents: 1500 });
    app = await testServer(env().ctx);
    worker = await staffAuth(app, 'worker.990101001001001');
    admin = await staffAuth(app, 'admin');
    const hh = await env()
      .ctx.db.selectFrom('households')
      .innerJoin('residents', 'residents.household_id', 'households.id')
      .select(['households.id', 'households.grid_code'])
      .groupBy(['households.id', 'households.grid_code'])
      .having((eb) => eb.fn.countAll(), '>=', 2)
      .orderBy('households.id')
      .execute();
    own = hh.find((h) => h.grid_code.startsWith('990101001001'))!;
    foreign = hh.find((h) => !h.grid_code.startsWith('990101001001'))!;
    expect(own && foreign).toBeTruthy();
  });

  it('requires staff to state a purpose from the fixed list, and records it per resident read', async () => {
    const missing = await app.inject({ url: `/api/v1/households/${own.id}`, headers: worker });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().allowedPurposes).toEqual([
      'tracing',
      'follow_up',
      'incident_handling',
      'appeal_review',
      'audit',
      'registry_maintenance',
    ]);
    expect(missing.json().detail).toMatch(/purpose must be one of tracing, follow_up/);
    const invalid = await app.inject({ url: `/api/v1/households/${own.id}?purpose=curiosity`, headers: worker });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().detail).toMatch(/purpose: must be one of tracing/);

    const before = await lastSeq();
    const ok = await app.inject({ url: `/api/v1/households/${own.id}?purpose=follow_up`, headers: worker });
    expect(ok.statusCode).toBe(200);
    const members: Array<{ id: string }> = ok.json().members;
    expect(members.length).toBeGreaterThanOrEqual(2);
    const entries = await auditSince(before);
    expect(entries.map((e) => e.person_id).sort()).toEqual(members.map((m) => m.id).sort());
    for (const e of entries) {
      expect(e.action).toBe('resident.read');
      expect(e.purpose).toBe('follow_up');
      expect(e.actor_role).toBe('grid_worker');
    }
  });

  it('refuses reads outside the reader’s scope with the policy’s reason, and audits the attempt', async () => {
    const before = await lastSeq();
    const res = await app.inject({ url: `/api/v1/households/${foreign.id}?purpose=tracing`, headers: worker });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toMatch(/may household\.read only within jurisdiction 990101001001/);
    const [denied] = await auditSince(before);
    expect(denied?.action).toBe('access.denied');
    expect(denied?.subject_id).toBe(foreign.id);

    const member = await env()
      .ctx.db.selectFrom('residents')
      .select('id')
      .where('household_id', '=', foreign.id)
      .executeTakeFirstOrThrow();
    expect(
      (await app.inject({ url: `/api/v1/residents/${member.id}?purpose=tracing`, headers: worker })).statusCode,
    ).toBe(403);
    expect(
      (await app.inject({ url: `/api/v1/grids/${foreign.grid_code}/households?purpose=tracing`, headers: worker }))
        .statusCode,
    ).toBe(403);
    const lab = await staffAuth(app, 'lab');
    const labRead = await app.inject({ url: `/api/v1/residents/${member.id}?purpose=tracing`, headers: lab });
    expect(labRead.statusCode).toBe(403);
    expect((await app.inject({ url: `/api/v1/residents/${member.id}` })).statusCode).toBe(401);
  });

  it('pages through a grid’s households, auditing each member shown', async () => {
    const url = `/api/v1/grids/${own.grid_code}/households?purpose=registry_maintenance&limit=2`;
    const before = await lastSeq();
    const first = (await app.inject({ url, headers: worker })).json();
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeTruthy();
    const shown = first.items.flatMap((h: { members: Array<{ id: string }> }) => h.members.map((m) => m.id));
    const entries = await auditSince(before);
    expect(entries.map((e) => e.person_id).sort()).toEqual(shown.sort());
    expect(entries.every((e) => e.purpose === 'registry_maintenance')).toBe(true);
    const second = (await app.inject({ url: `${url}&cursor=${first.nextCursor}`, headers: worker })).json();
    expect(second.items[0].id > first.items[1].id).toBe(true);
  });

  it('lets a resident see only their own household, audited as self-access', async () => {
    const me = await residentAuth(app, '13800000001');
    const before = await lastSeq();
    const res = await app.inject({ url: '/api/v1/me', headers: me });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.self.phone).toBe('13800000001');
    expect(body.household.members.map((m: { id: string }) => m.id)).toContain(body.self.id);
    expect(body.self.nationalIdMasked).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
    const entries = await auditSince(before);
    expect(entries.length).toBe(body.household.members.length);
    expect(entries.find((e) => e.person_id === body.self.id)?.purpose).toBe('self_access');
    expect(entries.every((e) => e.actor_kind === 'resident' && e.actor_id === body.self.id)).toBe(true);

    const ownHousehold = await app.inject({ url: `/api/v1/households/${body.household.id}`, headers: me });
    expect(ownHousehold.statusCode).toBe(200);
    const other = await env()
      .ctx.db.selectFrom('households')
      .select('id')
      .where('id', '!=', body.household.id)
      .limit(1)
      .executeTakeFirstOrThrow();
    const denied = await app.inject({ url: `/api/v1/households/${other.id}`, headers: me });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().detail).toMatch(/only their own household/);
    const stranger = await env()
      .ctx.db.selectFrom('residents')
      .select('id')
      .where('household_id', '!=', body.household.id)
      .limit(1)
      .executeTakeFirstOrThrow();
    expect((await app.inject({ url: `/api/v1/residents/${stranger.id}`, headers: me })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/v1/me', headers: worker })).statusCode).toBe(403);
    const probe = await app.inject({
      method: 'POST',
      url: '/api/v1/residents/lookup',
      headers: me,
      payload: { nationalId: nationalId('990101', 1990, 1, 1, 1) },
    });
    expect(probe.statusCode).toBe(403);
  });

  it('registers households in the grid containing the point, and refuses points outside every grid', async () => {
    const grid = await env()
      .ctx.db.selectFrom('grids')
      .select(['code', 'centroid_lat', 'centroid_lng'])
      .where('code', '=', own.grid_code)
      .executeTakeFirstOrThrow();
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/households',
      headers: worker,
      payload: { address: '1 Test Lane', lat: grid.centroid_lat, lng: grid.centroid_lng },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().gridCode).toBe(grid.code);
    const outside = await app.inject({
      method: 'POST',
      url: '/api/v1/households',
      headers: worker,
      payload: { address: 'Nowhere', lat: 10, lng: 10 },
    });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().detail).toMatch(/\(10, 10\) lies outside every unit grid/);
    const extra = await app.inject({
      method: 'POST',
      url: '/api/v1/households',
      headers: worker,
      payload: { address: 'x', lat: grid.centroid_lat, lng: grid.centroid_lng, gridCode: grid.code },
    });
    expect(extra.statusCode).toBe(400);
    const foreignGrid = await env()
      .ctx.db.selectFrom('grids')
      .select(['centroid_lat', 'centroid_lng'])
      .where('code', '=', foreign.grid_code)
      .executeTakeFirstOrThrow();
    const outOfScope = await app.inject({
      method: 'POST',
      url: '/api/v1/households',
      headers: worker,
      payload: { address: 'x', lat: foreignGrid.centroid_lat, lng: foreignGrid.centroid_lng },
    });
    expect(outOfScope.statusCode).toBe(403);
  });

  it('stores a national ID only as HMAC and mask, never returns it, and refuses duplicates without saying whose', async () => {
    const id = nationalId('990101', 1985, 3, 12, 417);
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/residents',
      headers: worker,
      payload: { householdId: own.id, name: '测试人', birthDate: '1985-03-12', phone: '13912345678', nationalId: id },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body.nationalIdMasked).toBe(`${id.slice(0, 4)}**********${id.slice(-4)}`);
    const hmac = hmacNationalId(env().ctx.secrets.idHmacKey, id);
    const stored = await env()
      .ctx.db.selectFrom('residents')
      .selectAll()
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow();
    expect(stored.national_id_hmac).toBe(hmac);
    expect(JSON.stringify(stored)).not.toContain(id);

    const read = await app.inject({ url: `/api/v1/residents/${body.id}?purpose=follow_up`, headers: worker });
    const lookup = await app.inject({
      method: 'POST',
      url: '/api/v1/residents/lookup?purpose=tracing',
      headers: worker,
      payload: { nationalId: id.toLowerCase() },
    });
    expect(lookup.statusCode).toBe(200);
    expect(lookup.json().id).toBe(body.id);
    const household = await app.inject({ url: `/api/v1/households/${own.id}?purpose=follow_up`, headers: worker });
    for (const res of [created, read, lookup, household]) {
      expect(res.body).not.toContain(id);
      expect(res.body).not.toContain(hmac);
      expect(res.body).not.toContain(id.slice(4, 14));
    }

    const dup = await app.inject({
      method: 'POST',
      url: '/api/v1/residents',
      headers: admin,
      payload: { householdId: foreign.id, name: '另一人', birthDate: '1985-03-12', nationalId: id },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().detail).toMatch(/already registered/);
    expect(dup.body).not.toContain(body.id);
    expect(dup.body).not.toContain('测试人');

    const badDigit = await app.inject({
      method: 'POST',
      url: '/api/v1/residents',
      headers: worker,
      payload: {
        householdId: own.id,
        name: 'x',
        birthDate: '1985-03-12',
        nationalId: `${id.slice(0, 17)}${id[17] === '0' ? '1' : '0'}`,
      },
    });
    expect(badDigit.statusCode).toBe(422);
    expect(badDigit.json().detail).toMatch(/body\.nationalId: the national ID number has a wrong check digit/);
    const mismatch = await app.inject({
      method: 'POST',
      url: '/api/v1/residents',
      headers: worker,
      payload: {
        householdId: own.id,
        name: 'x',
        birthDate: '1985-03-13',
        nationalId: nationalId('990101', 1985, 3, 12, 418),
      },
    });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json().detail).toMatch(/birth date in the national ID number \(1985-03-12\) differs/);
    const future = await app.inject({
      method: 'POST',
      url: '/api/v1/residents',
      headers: worker,
      payload: { householdId: own.id, name: 'x', birthDate: '2031-01-01' },
    });
    expect(future.statusCode).toBe(422);
    expect(future.json().detail).toMatch(/in the future/);
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/v1/residents',
      headers: worker,
      payload: { householdId: own.id, name: 'x', birthDate: '2001-01-01', ethnicity: 'x' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().detail).toMatch(/ethnicity/);

    expect((await findResidentByNationalId(env().ctx, id))?.id).toBe(body.id);
    expect(await findResidentByNationalId(env().ctx, nationalId('990101', 1985, 3, 12, 999))).toBeNull();
    await expect(findResidentByNationalId(env().ctx, '123')).rejects.toThrow(/17 digits/);
  });

  it('looks residents up by national ID only with a purpose, and records misses', async () => {
    const noPurpose = await app.inject({
      method: 'POST',
      url: '/api/v1/residents/lookup',
      headers: worker,
      payload: { nationalId: nationalId('990101', 1990, 1, 1, 1) },
    });
    expect(noPurpose.statusCode).toBe(400);
    const before = await lastSeq();
    const miss = await app.inject({
      method: 'POST',
      url: '/api/v1/residents/lookup?purpose=tracing',
      headers: worker,
      payload: { nationalId: nationalId('990101', 1990, 1, 1, 1) },
    });
    expect(miss.statusCode).toBe(404);
    const [entry] = await auditSince(before);
    expect(entry?.action).toBe('resident.lookup');
    expect(entry?.purpose).toBe('tracing');
  });

  it('changes a resident, auditing field names but not values', async () => {
    const target = await env()
      .ctx.db.selectFrom('residents')
      .select('id')
      .where('household_id', '=', own.id)
      .executeTakeFirstOrThrow();
    const before = await lastSeq();
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/v1/residents/${target.id}`,
      headers: worker,
      payload: { phone: '13700000000', name: '改名' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().phone).toBe('13700000000');
    const [entry] = await auditSince(before);
    expect(entry?.action).toBe('resident.update');
    expect(entry?.person_id).toBe(target.id);
    expect(JSON.stringify(entry?.detail)).not.toContain('13700000000');
    expect(JSON.stringify(entry?.detail)).toContain('phone');
    const move = await app.inject({
      method: 'PATCH',
      url: `/api/v1/residents/${target.id}`,
      headers: worker,
      payload: { householdId: foreign.id },
    });
    expect(move.statusCode).toBe(403);
    const empty = await app.inject({
      method: 'PATCH',
      url: `/api/v1/residents/${target.id}`,
      headers: worker,
      payload: {},
    });
    expect(empty.statusCode).toBe(400);
  });

  it('documents the purpose parameter in the OpenAPI document', async () => {
    const doc = (await app.inject('/api/v1/openapi.json')).json();
    const params = doc.paths['/api/v1/residents/{id}'].get.parameters as Array<{ name: string; description?: string }>;
    const purpose = params.find((p) => p.name === 'purpose');
    expect(purpose?.description).toMatch(
      /tracing, follow_up, incident_handling, appeal_review, audit, registry_maintenance/,
    );
  });
});
