import { beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { staffAuth, testServer } from '../../../test/support/http.ts';
import { DEMO_PASSWORD, seedDemoCity } from '../demo/demo-seed.service.ts';

type Headers = { authorization: string };

describeEachBackend('registry: places and staff', (env) => {
  let app: FastifyInstance;
  let admin: Headers;
  let officer: Headers;
  let operator: Headers;
  let operatorId: string;
  let ownPlace: string;
  let otherPlace: string;
  let grid: { code: string; centroid_lat: number; centroid_lng: number };

  const lastAudit = () =>
    env().ctx.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 11, residents: 1200 });
    app = await testServer(env().ctx);
    admin = await staffAuth(app, 'admin');
    officer = await staffAuth(app, 'community.990101001001');
    operator = await staffAuth(app, 'venue');
    const db = env().ctx.db;
    operatorId = (await db.selectFrom('staff').select('id').where('username', '=', 'venue').executeTakeFirstOrThrow())
      .id;
    ownPlace = (
      await db.selectFrom('places').select('id').where('operator_staff_id', '=', operatorId).executeTakeFirstOrThrow()
    ).id;
    otherPlace = (
      await db.selectFrom('places').select('id').where('operator_staff_id', 'is', null).executeTakeFirstOrThrow()
    ).id;
    grid = await db
      .selectFrom('grids')
      .select(['code', 'centroid_lat', 'centroid_lng'])
      .where('code', '=', '990101001001002')
      .executeTakeFirstOrThrow();
  });

  it('shows places to anyone, and who operates them to staff only', async () => {
    const anon = await app.inject(`/api/v1/places/${ownPlace}`);
    expect(anon.statusCode).toBe(200);
    expect(anon.json().operatorId).toBeUndefined();
    expect(anon.json().name['zh-CN']).toBeTruthy();
    const staff = await app.inject({ url: `/api/v1/places/${ownPlace}`, headers: officer });
    expect(staff.json().operatorId).toBe(operatorId);
    const list = (await app.inject(`/api/v1/grids/${anon.json().gridCode}/places?limit=1`)).json();
    expect(list.items).toHaveLength(1);
    expect((await app.inject('/api/v1/grids/990101001001999/places')).statusCode).toBe(404);
  });

  it('lists the places a venue operator runs, and none for other staff', async () => {
    const mine = await app.inject({ url: '/api/v1/places/operated', headers: operator });
    expect(mine.statusCode).toBe(200);
    const ids = (mine.json().items as Array<{ id: string; operatorId: string }>).map((p) => p.id);
    expect(ids).toContain(ownPlace);
    expect(ids).not.toContain(otherPlace);
    expect((mine.json().items as Array<{ operatorId: string }>).every((p) => p.operatorId === operatorId)).toBe(true);
    const none = await app.inject({ url: '/api/v1/places/operated', headers: officer });
    expect(none.json().items).toEqual([]);
    expect((await app.inject('/api/v1/places/operated')).statusCode).toBe(401);
  });

  it('registers places in the grid at their location, for officers in scope only', async () => {
    const body = {
      kind: 'venue',
      category: 'restaurant',
      nameZh: '测试餐馆',
      nameEn: 'Test Restaurant',
      lat: grid.centroid_lat,
      lng: grid.centroid_lng,
      operatorId,
    };
    const created = await app.inject({ method: 'POST', url: '/api/v1/places', headers: officer, payload: body });
    expect(created.statusCode).toBe(201);
    expect(created.json().gridCode).toBe(grid.code);
    expect((await lastAudit()).action).toBe('place.create');
    const byWorker = await app.inject({
      method: 'POST',
      url: '/api/v1/places',
      headers: await staffAuth(app, 'worker.990101001001001'),
      payload: body,
    });
    expect(byWorker.statusCode).toBe(403);
    const byOperator = await app.inject({ method: 'POST', url: '/api/v1/places', headers: operator, payload: body });
    expect(byOperator.statusCode).toBe(403);
    const outside = await app.inject({
      method: 'POST',
      url: '/api/v1/places',
      headers: officer,
      payload: { ...body, lat: -33.9, lng: 18.4 },
    });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().detail).toMatch(/\(-33\.9, 18\.4\) lies outside every unit grid/);
    const badCategory = await app.inject({
      method: 'POST',
      url: '/api/v1/places',
      headers: officer,
      payload: { ...body, category: 'karaoke_for_dissidents' },
    });
    expect(badCategory.statusCode).toBe(400);
    expect(badCategory.json().detail).toMatch(/category: must be one of residential_compound/);
    const notOperator = await app.inject({
      method: 'POST',
      url: '/api/v1/places',
      headers: officer,
      payload: {
        ...body,
        operatorId: (
          await env().ctx.db.selectFrom('staff').select('id').where('username', '=', 'lab').executeTakeFirstOrThrow()
        ).id,
      },
    });
    expect(notOperator.statusCode).toBe(422);
    expect(notOperator.json().detail).toMatch(/is a lab, not a venue_operator/);
  });

  it('lets a venue operator change only their own place, and not who operates it', async () => {
    const rename = await app.inject({
      method: 'PATCH',
      url: `/api/v1/places/${ownPlace}`,
      headers: operator,
      payload: { nameEn: 'Renamed by operator' },
    });
    expect(rename.statusCode).toBe(200);
    expect(rename.json().name.en).toBe('Renamed by operator');
    const other = await app.inject({
      method: 'PATCH',
      url: `/api/v1/places/${otherPlace}`,
      headers: operator,
      payload: { nameEn: 'Hijacked' },
    });
    expect(other.statusCode).toBe(403);
    expect(other.json().detail).toMatch(/only the places they operate/);
    const handOver = await app.inject({
      method: 'PATCH',
      url: `/api/v1/places/${ownPlace}`,
      headers: operator,
      payload: { operatorId: null },
    });
    expect(handOver.statusCode).toBe(403);
    const move = await app.inject({
      method: 'PATCH',
      url: `/api/v1/places/${ownPlace}`,
      headers: admin,
      payload: { lat: grid.centroid_lat, lng: grid.centroid_lng },
    });
    expect(move.statusCode).toBe(200);
    expect(move.json().gridCode).toBe(grid.code);
    const half = await app.inject({
      method: 'PATCH',
      url: `/api/v1/places/${ownPlace}`,
      headers: admin,
      payload: { lat: grid.centroid_lat },
    });
    expect(half.statusCode).toBe(400);
  });

  it('lists staff within the caller’s scope only', async () => {
    const res = await app.inject({ url: '/api/v1/staff?limit=1000', headers: officer });
    expect(res.statusCode).toBe(200);
    const items: Array<{ scopeId: string; username: string }> = res.json().items;
    expect(items.length).toBeGreaterThan(1);
    expect(items.every((s) => s.scopeId.startsWith('990101001001'))).toBe(true);
    expect(items.map((s) => s.username)).not.toContain('admin');
    expect(res.body).not.toMatch(/argon2|password/);
    const wider = await app.inject({ url: '/api/v1/staff?jurisdiction=990101', headers: officer });
    expect(wider.statusCode).toBe(403);
    const workers = (await app.inject({ url: '/api/v1/staff?role=grid_worker&limit=2', headers: admin })).json();
    expect(workers.items).toHaveLength(2);
    expect(workers.nextCursor).toBeTruthy();
    expect(
      (await app.inject({ url: '/api/v1/staff', headers: await staffAuth(app, 'worker.990101001001001') })).statusCode,
    ).toBe(403);
    expect((await app.inject({ url: '/api/v1/staff', headers: await staffAuth(app, 'auditor') })).statusCode).toBe(200);
  });

  it('creates staff as admin with a staff role and a scope inside the admin’s', async () => {
    const base = {
      username: 'district.admin',
      displayName: 'District admin',
      role: 'admin',
      scopeJurisdictionId: '990101',
      password: 'a-long-enough-password',
    };
    const created = await app.inject({ method: 'POST', url: '/api/v1/staff', headers: admin, payload: base });
    expect(created.statusCode).toBe(201);
    expect(created.body).not.toMatch(/password|argon2/);
    const stored = await env()
      .ctx.db.selectFrom('staff')
      .select('password_hash')
      .where('username', '=', 'district.admin')
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
    expect((await lastAudit()).action).toBe('staff.create');

    const dup = await app.inject({ method: 'POST', url: '/api/v1/staff', headers: admin, payload: base });
    expect(dup.statusCode).toBe(409);
    const resident = await app.inject({
      method: 'POST',
      url: '/api/v1/staff',
      headers: admin,
      payload: { ...base, username: 'x.resident', role: 'resident' },
    });
    expect(resident.statusCode).toBe(400);
    expect(resident.json().detail).toMatch(/role: must be a staff role/);
    const noScope = await app.inject({
      method: 'POST',
      url: '/api/v1/staff',
      headers: admin,
      payload: { ...base, username: 'x.noscope', scopeJurisdictionId: '990199' },
    });
    expect(noScope.statusCode).toBe(422);
    expect(noScope.json().detail).toMatch(/990199 does not exist/);

    const districtAdmin = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/sign-in',
      payload: { username: 'district.admin', password: 'a-long-enough-password' },
    });
    const dAdmin = { authorization: `Bearer ${districtAdmin.json().token as string}` };
    const above = await app.inject({
      method: 'POST',
      url: '/api/v1/staff',
      headers: dAdmin,
      payload: { ...base, username: 'x.city', scopeJurisdictionId: '990100' },
    });
    expect(above.statusCode).toBe(403);
    expect(above.json().detail).toMatch(/only within jurisdiction 990101/);
    const byOfficer = await app.inject({
      method: 'POST',
      url: '/api/v1/staff',
      headers: officer,
      payload: { ...base, username: 'x.officer', scopeJurisdictionId: '990101001001' },
    });
    expect(byOfficer.statusCode).toBe(403);
  });

  it('changes and deactivates staff with an audit entry; a deactivated account is signed out', async () => {
    const worker = await env()
      .ctx.db.selectFrom('staff')
      .select('id')
      .where('username', '=', 'worker.990101001001001')
      .executeTakeFirstOrThrow();
    const session = await staffAuth(app, 'worker.990101001001001');
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/v1/staff/${worker.id}`,
      headers: admin,
      payload: { active: false },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().active).toBe(false);
    const entry = await lastAudit();
    expect(entry.action).toBe('staff.deactivate');
    expect(JSON.stringify(entry.detail)).toContain('990101001001001');
    expect((await app.inject({ url: '/api/v1/auth/me', headers: session })).statusCode).toBe(401);
    const assigned = await env()
      .ctx.db.selectFrom('grid_workers')
      .select('grid_code')
      .where('staff_id', '=', worker.id)
      .execute();
    expect(assigned).toEqual([]);
    const signIn = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/sign-in',
      payload: { username: 'worker.990101001001001', password: DEMO_PASSWORD },
    });
    expect(signIn.statusCode).toBe(401);

    const promote = await app.inject({
      method: 'PATCH',
      url: `/api/v1/staff/${worker.id}`,
      headers: admin,
      payload: { active: true, role: 'community_officer' },
    });
    expect(promote.json()).toMatchObject({ active: true, role: 'community_officer' });

    const me = (await app.inject({ url: '/api/v1/auth/me', headers: admin })).json();
    const self = await app.inject({
      method: 'PATCH',
      url: `/api/v1/staff/${me.id}`,
      headers: admin,
      payload: { active: false },
    });
    expect(self.statusCode).toBe(403);
    const unknownField = await app.inject({
      method: 'PATCH',
      url: `/api/v1/staff/${worker.id}`,
      headers: admin,
      payload: { password: 'x' },
    });
    expect(unknownField.statusCode).toBe(400);
  });
});
