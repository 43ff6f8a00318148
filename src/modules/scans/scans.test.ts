import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend, TEST_START } from '../../../test/support/backends.ts';
import { residentAuth, staffAuth, testServer } from '../../../test/support/http.ts';
import { apiToken, decodeQrInSvg } from '../../../test/support/tracing.ts';
import { issueHealthCode, issuePlaceCode } from '../../core/codes/tsr1.ts';
import { kidForPublicKey } from '../../core/codes/keys.ts';
import { verifyCode } from '../../core/codes/verify.ts';
import { parseTrustList } from '../../core/codes/trust-list.ts';
import { DEMO_CITY } from '../../core/geo/demo-city.ts';
import { demoResidentPhone, seedDemoCity } from '../demo/demo-seed.service.ts';
import { activeSigningKey, rotateSigningKey } from '../keys/keys.service.ts';
import { invalidateTrustStore } from '../codes/codes.service.ts';
import { runScanRetention, scanPartitionDays } from './partitions.ts';

const MIN = 60_000;
const DAY = 86_400_000;

describeEachBackend('place codes, posters and scans', (env) => {
  let app: FastifyInstance;
  let admin: { authorization: string };
  let resident: { authorization: string };
  let residentId: string;
  let places: Array<{ id: string; grid_code: string; name_zh: string; name_en: string; path: string }>;

  const signIn = async () => {
    admin = await staffAuth(app, 'admin');
    resident = await residentAuth(app, demoResidentPhone(0));
  };
  const iso = (offsetMs = 0) => new Date(env().clock.now().getTime() + offsetMs).toISOString();
  const codeOf = async (placeId: string) =>
    (await app.inject({ url: `/api/v1/places/${placeId}/code`, headers: admin })).json().code as string;
  const post = (headers: { authorization: string }, payload: unknown) =>
    app.inject({ method: 'POST', url: '/api/v1/scans', headers, payload: payload as Record<string, unknown> });

  beforeAll(async () => {
    // The city and its code-signing key exist since yesterday, so posters can predate the tests.
    env().clock.set(new Date(TEST_START.getTime() - DAY));
    await seedDemoCity(env().ctx, { seed: 11, residents: 400 });
    await activeSigningKey(env().ctx, DEMO_CITY, 'code');
    env().clock.set(TEST_START);
    app = await testServer(env().ctx);
    await signIn();
    residentId = (await app.inject({ url: '/api/v1/auth/me', headers: resident })).json().id;
    places = await env()
      .ctx.db.selectFrom('places')
      .innerJoin('grids', 'grids.code', 'places.grid_code')
      .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
      .select(['places.id', 'places.grid_code', 'places.name_zh', 'places.name_en', 'jurisdictions.path'])
      .orderBy('places.id')
      .limit(20)
      .execute();
  });

  it('issues a TSP1 place code that verifies offline with the place claims, for officers and admins only', async () => {
    const p = places[0]!;
    const res = await app.inject({ url: `/api/v1/places/${p.id}/code`, headers: admin });
    expect(res.statusCode).toBe(200);
    const { code } = res.json();
    expect(code).toMatch(/^TSP1:/);
    const list = (await app.inject('/api/v1/trust-list')).json();
    const result = verifyCode(code, { keys: parseTrustList(list.trustList).keys, certs: [] }, env().clock.now());
    expect(result.valid).toBe(true);
    expect(result.issuer).toBe(DEMO_CITY);
    const place = (result.payload as { place: Record<string, unknown> }).place;
    expect(place.id).toBe(p.id);
    expect(place.j).toBe(p.grid_code.trim());
    expect(String(place.n)).toContain(p.name_zh);
    const denied = await app.inject({ url: `/api/v1/places/${p.id}/code`, headers: resident });
    expect(denied.statusCode).toBe(403);
    const missing = await app.inject({ url: `/api/v1/places/${randomUUID()}/code`, headers: admin });
    expect(missing.statusCode).toBe(404);
  });

  it('renders a poster whose QR code decodes to a valid place code, with both names and the jurisdiction', async () => {
    const p = places[1]!;
    const res = await app.inject({ url: `/api/v1/places/${p.id}/poster.svg`, headers: admin });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/image\/svg\+xml/);
    const svg = res.body;
    expect(svg).toContain(p.name_zh);
    expect(svg).toContain(p.name_en.replace(/&/g, '&amp;'));
    const community = await env()
      .ctx.db.selectFrom('jurisdictions')
      .select(['name_zh', 'name_en'])
      .where('id', '=', p.path.split('.').at(-1)!)
      .executeTakeFirstOrThrow();
    expect(svg).toContain(community.name_zh);
    expect(svg).toContain(community.name_en);
    const decoded = decodeQrInSvg(svg);
    expect(decoded).toMatch(/^TSP1:/);
    const verified = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { code: decoded } })).json();
    expect(verified.valid).toBe(true);
    expect(verified.payload.place.id).toBe(p.id);
  });

  it('records a resident scan of a place code and shows it in their history', async () => {
    const p = places[2]!;
    const res = await post(resident, { clientId: 'c-one', placeCode: await codeOf(p.id), scannedAt: iso(-MIN) });
    expect(res.statusCode).toBe(201);
    expect(res.json().items[0]).toMatchObject({ status: 'accepted', clientId: 'c-one' });
    const again = await post(resident, { clientId: 'c-one', placeCode: await codeOf(p.id), scannedAt: iso(-MIN) });
    expect(again.statusCode).toBe(200);
    expect(again.json().items[0].status).toBe('duplicate');
    const mine = (await app.inject({ url: '/api/v1/me/scans', headers: resident })).json();
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0].place).toMatchObject({ id: p.id, nameZh: p.name_zh, nameEn: p.name_en });
    const rows = await env().ctx.db.selectFrom('scans').selectAll().where('person_id', '=', residentId).execute();
    expect(rows).toHaveLength(1);
  });

  it('judges each item of a batch on its own and keeps the valid ones', async () => {
    const ctx = env().ctx;
    const fresh = await codeOf(places[3]!.id);
    const key = await activeSigningKey(ctx, DEMO_CITY, 'code');
    const sign = (claims: Partial<Parameters<typeof issuePlaceCode>[0]['claims']>, now = ctx.clock.now()) =>
      issuePlaceCode({
        key: key.key,
        kid: key.kid,
        alg: key.alg,
        now,
        claims: {
          issuer: DEMO_CITY,
          placeId: places[3]!.id,
          jurisdiction: places[3]!.grid_code.trim(),
          kind: 'venue',
          category: 'shop',
          name: 'x',
          ...claims,
        },
      }).code;
    // As a poster printed a while ago would be.
    const good = sign({}, new Date(ctx.clock.now().getTime() - 120 * MIN));
    const unknownPlace = sign({ placeId: randomUUID() });
    const expired = sign({ ttlSeconds: 600 }, new Date(ctx.clock.now().getTime() - 60 * MIN));
    // Same claims, signed by a key nobody trusts but carrying our kid: a forgery.
    const rogue = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forged = issuePlaceCode({
      key: rogue.privateKey,
      kid: key.kid,
      alg: 'ES256',
      now: ctx.clock.now(),
      claims: {
        issuer: DEMO_CITY,
        placeId: places[3]!.id,
        jurisdiction: 'x',
        kind: 'venue',
        category: 'shop',
        name: 'x',
      },
    }).code;
    const selfSigned = issuePlaceCode({
      key: rogue.privateKey,
      kid: kidForPublicKey(rogue.publicKey),
      alg: 'ES256',
      now: ctx.clock.now(),
      claims: {
        issuer: DEMO_CITY,
        placeId: places[3]!.id,
        jurisdiction: 'x',
        kind: 'venue',
        category: 'shop',
        name: 'x',
      },
    }).code;
    const healthCode = (await app.inject({ url: '/api/v1/me/code', headers: resident })).json().code;
    const scans = [
      { clientId: 'b-0', placeCode: good, scannedAt: iso(-5 * MIN) },
      { clientId: 'b-1', placeCode: unknownPlace, scannedAt: iso() },
      { clientId: 'b-2', placeCode: expired, scannedAt: iso(-MIN) },
      { clientId: 'b-3', placeCode: forged, scannedAt: iso(-MIN) },
      { clientId: 'b-4', placeCode: good, scannedAt: iso(2 * DAY) },
      { clientId: 'b-0', placeCode: good, scannedAt: iso(-5 * MIN) },
      { placeCode: good, scannedAt: iso(-MIN) },
      { clientId: 'b-7', placeCode: healthCode, scannedAt: iso() },
      { clientId: 'b-8', placeCode: good, scannedAt: iso(-40 * DAY) },
      { clientId: 'b-9', placeCode: selfSigned, scannedAt: iso(-MIN) },
      { clientId: 'b-10', placeCode: 'TSP1:not base45 at all', scannedAt: iso(-MIN) },
      { clientId: 'b-11', placeCode: expired, scannedAt: iso(-55 * MIN) },
      { clientId: 'b-12', placeCode: good, scannedAt: iso(-MIN), placeId: places[4]!.id },
      { clientId: 'b-13', placeCode: fresh, scannedAt: iso(-30 * MIN) },
    ];
    const res = await post(resident, { scans });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const verdict = (i: number) => body.items[i];
    expect(verdict(0)).toMatchObject({ status: 'accepted', error: null });
    expect(verdict(1).error).toMatchObject({ code: 'unknown_place', field: 'scans[1].placeCode' });
    expect(verdict(2).error).toMatchObject({ code: 'expired_code', field: 'scans[2].placeCode' });
    expect(verdict(3).error.code).toBe('forged_code');
    expect(verdict(4).error).toMatchObject({ code: 'future_timestamp', field: 'scans[4].scannedAt' });
    expect(verdict(4).error.message).toMatch(/more than 5 minutes after the server time/);
    expect(verdict(5)).toMatchObject({ status: 'duplicate', error: null });
    expect(verdict(6).error).toMatchObject({ code: 'invalid', field: 'scans[6].clientId' });
    expect(verdict(7).error.code).toBe('wrong_code_type');
    expect(verdict(8).error.code).toBe('too_old');
    expect(verdict(9).error.code).toBe('forged_code');
    expect(verdict(10).error.code).toBe('invalid_code');
    // Scanned while the code was still valid: kept, even though it has expired since.
    expect(verdict(11)).toMatchObject({ status: 'accepted' });
    expect(verdict(12).error.code).toBe('invalid');
    expect(verdict(13).error.code).toBe('code_issued_after_scan');
    expect(body).toMatchObject({ accepted: 2, duplicates: 1, rejected: 11 });
    const stored = await env()
      .ctx.db.selectFrom('scans')
      .select('client_id')
      .where('source_id', '=', residentId)
      .where('client_id', 'like', 'b-%')
      .execute();
    expect(stored.map((s) => s.client_id).sort()).toEqual(['b-0', 'b-11']);

    const retry = (await post(resident, { scans })).json();
    expect(retry).toMatchObject({ accepted: 0, duplicates: 3, rejected: 11 });
  });

  it('refuses a batch of 1,001 as a whole and a single rejected scan with 422', async () => {
    const code = await codeOf(places[5]!.id);
    const scans = Array.from({ length: 1001 }, (_, i) => ({ clientId: `big-${i}`, placeCode: code, scannedAt: iso() }));
    const res = await post(resident, { scans });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/body\.scans/);
    const ok = await post(resident, { scans: scans.slice(0, 1000) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().accepted).toBe(1000);
    const one = await post(resident, { clientId: 'future', placeCode: code, scannedAt: iso(DAY) });
    expect(one.statusCode).toBe(422);
    expect(one.json().code).toBe('future_timestamp');
    const anonymous = await app.inject({
      method: 'POST',
      url: '/api/v1/scans',
      payload: { clientId: 'x', placeCode: code, scannedAt: iso() },
    });
    expect(anonymous.statusCode).toBe(401);
    const staff = await post(admin, { clientId: 'x', placeCode: code, scannedAt: iso() });
    expect(staff.statusCode).toBe(403);
  });

  it("lets a checkpoint device scan a resident's code and attributes it through the daily pseudonym", async () => {
    const ctx = env().ctx;
    const checkpoint = places[6]!;
    const district = checkpoint.path.split('.')[2]!;
    const device = await apiToken(app, admin, {
      kind: 'device',
      scopeJurisdictionId: district,
      placeId: checkpoint.id,
    });
    const code = (await app.inject({ url: '/api/v1/me/code', headers: resident })).json().code;
    const key = await activeSigningKey(ctx, DEMO_CITY, 'code');
    const stranger = issueHealthCode({
      key: key.key,
      kid: key.kid,
      alg: key.alg,
      now: ctx.clock.now(),
      claims: { issuer: DEMO_CITY, subject: 'nobody-was-issued-this', color: 'green', vaccination: 0 },
    }).code;
    const placeCode = await codeOf(checkpoint.id);
    const res = await post(device, {
      scans: [
        { clientId: 'd-1', personCode: code, scannedAt: iso() },
        { clientId: 'd-2', personCode: stranger, scannedAt: iso() },
        { clientId: 'd-3', placeCode, scannedAt: iso() },
        { clientId: 'd-4', personCode: code, scannedAt: iso(10 * MIN) },
        { clientId: 'd-5', personCode: code, scannedAt: iso(), placeId: places[7]!.id },
      ],
    });
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items[0].status).toBe('accepted');
    expect(items[1].error.code).toBe('unknown_person');
    expect(items[2].error).toMatchObject({ code: 'invalid', field: 'scans[2].personCode' });
    expect(items[3].error.code).toBe('future_timestamp');
    expect(items[4].error.code).toBe('out_of_scope');
    const row = await ctx.db
      .selectFrom('scans')
      .selectAll()
      .where('client_id', '=', 'd-1')
      .where('source_id', '=', device.id)
      .executeTakeFirstOrThrow();
    expect(row.person_id).toBe(residentId);
    expect(row.place_id).toBe(checkpoint.id);
    expect(row.direction).toBe('person_code');

    // A roaming device in one district cannot record scans at a place in another.
    const other = places.find((p) => p.path.split('.')[2] !== district);
    if (other) {
      const roaming = await apiToken(app, admin, { kind: 'device', scopeJurisdictionId: district });
      const r = (
        await post(roaming, { scans: [{ clientId: 'r-1', personCode: code, scannedAt: iso(), placeId: other.id }] })
      ).json();
      expect(r.items[0].error.code).toBe('out_of_scope');
    }
    const lab = await apiToken(app, admin, { kind: 'lab', scopeJurisdictionId: district });
    expect((await post(lab, { clientId: 'l-1', personCode: code, scannedAt: iso() })).statusCode).toBe(403);
  });

  it('accepts a place code signed in the same second as its key was created', async () => {
    const ctx = env().ctx;
    env().clock.advance(400); // keys are created with milliseconds, codes carry whole seconds
    await rotateSigningKey(ctx, DEMO_CITY, 'code', { kind: 'system', id: 'test' });
    invalidateTrustStore(ctx);
    const res = await post(resident, {
      clientId: 'same-second',
      placeCode: await codeOf(places[8]!.id),
      scannedAt: iso(),
    });
    expect(res.statusCode, res.body).toBe(201);
  });

  it('drops day partitions older than the retention period and records each drop in the audit log', async () => {
    const ctx = env().ctx;
    const first = await runScanRetention(ctx);
    expect(first.dropped).toEqual([]);
    const today = ctx.clock.now().toISOString().slice(0, 10);
    const days = await scanPartitionDays(ctx.db);
    expect(days).toContain(today);
    expect(days.at(-1)! > today).toBe(true);
    const before = await ctx.db
      .selectFrom('scans')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(before.n)).toBeGreaterThan(1000);

    env().clock.advance(29 * DAY);
    const report = await runScanRetention(ctx);
    const droppedToday = report.dropped.find((d) => d.day === today);
    expect(droppedToday?.rows).toBe(Number(before.n));
    expect(await scanPartitionDays(ctx.db)).not.toContain(today);
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'subject_id', 'detail'])
      .where('action', '=', 'scans.partition_drop')
      .execute();
    const entry = audit.find((a) => a.subject_id === today)!;
    const detail = typeof entry.detail === 'string' ? JSON.parse(entry.detail) : entry.detail;
    expect(detail).toMatchObject({ day: today, rows: Number(before.n), retentionDays: 28 });
    expect(report.codeSubjectsDeleted).toBeGreaterThan(0);
    await signIn();
    const mine = (await app.inject({ url: '/api/v1/me/scans', headers: resident })).json();
    expect(mine.items).toEqual([]);
  });
});
