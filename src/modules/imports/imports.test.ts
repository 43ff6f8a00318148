import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { staffAuth, testServer } from '../../../test/support/http.ts';
import {
  collection,
  COMMUNITY,
  feature,
  gridFeatures,
  HOUSEHOLD_IDS,
  householdsCsv,
  jurisdictionFeatures,
  placesCsv,
  residentsCsv,
  square,
  testNationalId,
} from '../../../test/support/import-fixtures.ts';
import { maskNationalId, hmacNationalId } from '../../core/registry/national-id.ts';
import { seedDemoCity } from '../demo/demo-seed.service.ts';
import { startExport } from '../exports/export.service.ts';
import { locateGridCode } from '../grids/grids.service.ts';
import type { ImportKind } from './import-report.ts';
import { runImport } from './import.service.ts';

describeEachBackend('imports and exports', (env) => {
  let app: FastifyInstance;
  const imp = (kind: ImportKind, text: string, dryRun = false) =>
    runImport(env().ctx, { kind, source: { text }, principal: null, cliUser: 'test', dryRun });
  const streamed = (kind: ImportKind, text: string) =>
    runImport(env().ctx, {
      kind,
      source: { stream: Readable.from([text]), bytes: Buffer.byteLength(text) },
      principal: null,
    });
  const exported = async (kind: ImportKind, jurisdiction?: string) => {
    const exp = await startExport(env().ctx, { kind, jurisdiction, principal: null, cliUser: 'test' });
    let text = '';
    for await (const chunk of exp.chunks) text += chunk;
    return { text, count: exp.count };
  };
  const counts = async () => {
    const db = env().ctx.db;
    const n = async (t: 'jurisdictions' | 'grids' | 'households' | 'residents' | 'places' | 'audit_log') =>
      Number(
        (
          await db
            .selectFrom(t)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      jurisdictions: await n('jurisdictions'),
      grids: await n('grids'),
      households: await n('households'),
      residents: await n('residents'),
      places: await n('places'),
      audit: await n('audit_log'),
    };
  };
  const lastAudit = () =>
    env().ctx.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 5, residents: 1000 });
    app = await testServer(env().ctx);
  });

  it('rejects GeoJSON with a self-intersecting polygon, an overlapping sibling or a duplicate code, writing nothing', async () => {
    const before = await counts();
    const [province, city, district, subdistrict, community] = jurisdictionFeatures();
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [116.05, 40.05],
          [116.06, 40.06],
          [116.06, 40.05],
          [116.05, 40.06],
          [116.05, 40.05],
        ],
      ],
    };
    const report = await imp(
      'jurisdictions',
      collection([
        province,
        city,
        district,
        subdistrict,
        community,
        feature({ code: '980101002', parentCode: '980101', nameZh: '自交', nameEn: 'Bowtie' }, bowtie),
        feature(
          { code: '980101003', parentCode: '980101', nameZh: '重叠', nameEn: 'Overlap' },
          square(116.04, 40.04, 116.06, 40.06),
        ),
        feature(
          { code: '980101001', parentCode: '980101', nameZh: '重复', nameEn: 'Duplicate' },
          square(116.07, 40.07, 116.08, 40.08),
        ),
        feature(
          { code: '980101002001', parentCode: '980101002', nameZh: '孤儿', nameEn: 'Orphan' },
          square(116.05, 40.05, 116.051, 40.051),
        ),
        feature(
          { code: '980101004', parentCode: '980101', nameZh: 'x', nameEn: 'x', colour: 'red' },
          square(116.09, 40.09, 116.095, 40.095),
        ),
      ]),
    );
    expect(report.ok).toBe(false);
    expect(report.rows).toBe(10);
    expect(report.inserted).toBe(0);
    const byFeature = (i: number) => report.rejections.filter((r) => r.feature === i);
    expect(byFeature(5)).toEqual([
      { feature: 5, field: 'geometry', reason: expect.stringMatching(/intersects itself/) },
    ]);
    expect(byFeature(6)).toEqual([
      { feature: 6, field: 'geometry', reason: expect.stringMatching(/980101003 overlaps its sibling 980101001/) },
    ]);
    expect(byFeature(7)).toEqual([
      { feature: 7, field: 'properties.code', reason: 'duplicate code 980101001 (also feature 3)' },
    ]);
    expect(byFeature(8)[0]?.reason).toBe('parent 980101002 was rejected (feature 5)');
    expect(byFeature(9)[0]).toMatchObject({ field: 'properties.colour' });
    expect(report.rejectedRows).toBe(5);
    expect(await counts()).toEqual(before);
  });

  it('imports a jurisdiction tree whose parents come earlier in the same file', async () => {
    const dry = await imp('jurisdictions', collection(jurisdictionFeatures()), true);
    expect(dry).toMatchObject({ ok: true, dryRun: true, rows: 5, inserted: 0 });
    expect(
      (await env().ctx.db.selectFrom('jurisdictions').select('id').where('id', '=', '980000').execute()).length,
    ).toBe(0);
    const report = await imp('jurisdictions', collection(jurisdictionFeatures()));
    expect(report).toMatchObject({ ok: true, rows: 5, inserted: 5, rejectedRows: 0 });
    const community = await env()
      .ctx.db.selectFrom('jurisdictions')
      .select(['path', 'level'])
      .where('id', '=', COMMUNITY)
      .executeTakeFirstOrThrow();
    expect(community).toEqual({ path: `980000.980100.980101.980101001.${COMMUNITY}`, level: 'community' });
    const audit = await lastAudit();
    expect(audit).toMatchObject({ action: 'registry.import', subject_kind: 'jurisdictions', actor_id: 'cli:test' });
    expect(audit.detail).toMatchObject({ rows: 5, inserted: 5 });
    const again = await imp('jurisdictions', collection(jurisdictionFeatures().slice(4)));
    expect(again.rejections[0]).toMatchObject({
      feature: 0,
      field: 'properties.code',
      reason: `jurisdiction ${COMMUNITY} already exists`,
    });
  });

  it('rejects grids that overlap each other in the same file, lie outside their community or repeat a serial', async () => {
    const before = await counts();
    const [se, nw] = gridFeatures();
    const report = await imp(
      'grids',
      collection([
        se,
        feature(
          { communityCode: COMMUNITY, nameZh: '叠', nameEn: 'Overlapping' },
          square(116.003, 40.001, 116.004, 40.002),
        ),
        feature({ communityCode: COMMUNITY, serial: 7 }, square(116.01, 40.01, 116.012, 40.012)),
        feature({ communityCode: COMMUNITY, serial: 9 }, nw!.geometry),
        feature({ communityCode: COMMUNITY, serial: 9 }, square(116, 40.0, 116.0001, 40.0001)),
        feature({ communityCode: '980101001999', serial: 1 }, square(116, 40.0, 116.0001, 40.0001)),
      ]),
    );
    expect(report.ok).toBe(false);
    const reasons = Object.fromEntries(report.rejections.map((r) => [r.feature, `${r.field}: ${r.reason}`]));
    expect(reasons[1]).toMatch(/^geometry: .*overlaps its sibling 980101001001\d{3}/);
    expect(reasons[2]).toMatch(/^geometry: .*lies outside its parent 980101001001/);
    expect(reasons[4]).toBe('properties.serial: duplicate grid 980101001001009 (also feature 3)');
    expect(reasons[5]).toBe('properties.communityCode: community 980101001999 does not exist');
    expect(reasons[0]).toBeUndefined();
    expect(await counts()).toEqual(before);
  });

  it('numbers grids without a serial west→east, north→south', async () => {
    const report = await imp('grids', collection(gridFeatures()));
    expect(report).toMatchObject({ ok: true, inserted: 4 });
    const grids = await env()
      .ctx.db.selectFrom('grids')
      .select(['code', 'name_en'])
      .where('community_id', '=', COMMUNITY)
      .orderBy('code')
      .execute();
    expect(grids.map((g) => g.name_en)).toEqual(['North-west', 'North-east', 'South-west', 'South-east']);
    expect(grids[0]?.code).toBe(`${COMMUNITY}001`);
    // The point → grid index knows the new grids at once.
    expect(await locateGridCode(env().ctx.db, 40.0031, 116.0031)).toBe(`${COMMUNITY}002`);
  });

  it('round-trips jurisdictions and grids through a GeoJSON export', async () => {
    const j = JSON.parse((await exported('jurisdictions', '980000')).text);
    expect(j.type).toBe('FeatureCollection');
    expect(
      j.features.map((f: { properties: unknown; geometry: unknown }) => ({
        properties: f.properties,
        geometry: f.geometry,
      })),
    ).toEqual(jurisdictionFeatures().map((f) => ({ properties: f.properties, geometry: f.geometry })));
    const g = JSON.parse((await exported('grids', COMMUNITY)).text);
    expect(
      g.features.map((f: { properties: { serial: number; nameEn: string } }) => [
        f.properties.serial,
        f.properties.nameEn,
      ]),
    ).toEqual([
      [1, 'North-west'],
      [2, 'North-east'],
      [3, 'South-west'],
      [4, 'South-east'],
    ]);
    expect(g.features[0].geometry).toEqual(gridFeatures()[1]!.geometry);
    const audit = await lastAudit();
    expect(audit).toMatchObject({ action: 'registry.export', subject_kind: 'grids', purpose: 'registry_maintenance' });
  });

  it('imports households, residents and places and exports them back unchanged (masked ID only)', async () => {
    expect(await streamed('households', householdsCsv())).toMatchObject({ ok: true, rows: 3, inserted: 3 });
    const hh = await env()
      .ctx.db.selectFrom('households')
      .select(['id', 'grid_code'])
      .where('id', 'in', HOUSEHOLD_IDS)
      .orderBy('id')
      .execute();
    expect(hh.map((h) => h.grid_code)).toEqual([`${COMMUNITY}001`, `${COMMUNITY}004`, `${COMMUNITY}003`]);
    expect(await streamed('residents', residentsCsv())).toMatchObject({ ok: true, rows: 3, inserted: 3 });
    expect(await streamed('places', placesCsv())).toMatchObject({ ok: true, rows: 2, inserted: 2 });

    const households = parse((await exported('households', '980000')).text, { columns: true });
    expect(households).toEqual(
      (parse(householdsCsv(), { columns: true }) as Array<Record<string, string>>).map((r, i) => ({
        ...r,
        grid_code: hh[i]!.grid_code,
      })),
    );

    const residentsOut = await exported('residents', '980000');
    expect(residentsOut.count).toBe(3);
    const input = parse(residentsCsv(), { columns: true }) as Array<Record<string, string>>;
    const output = parse(residentsOut.text, { columns: true }) as Array<Record<string, string>>;
    expect(output).toEqual(
      input.map(({ national_id, ...rest }) => ({
        ...rest,
        national_id_masked: national_id ? maskNationalId(national_id) : '',
      })),
    );
    for (const r of input.filter((r) => r.national_id)) {
      expect(residentsOut.text).not.toContain(r.national_id);
      expect(residentsOut.text).not.toContain(hmacNationalId(env().ctx.secrets.idHmacKey, r.national_id!));
    }
    expect(await lastAudit()).toMatchObject({
      action: 'registry.export',
      subject_kind: 'residents',
      purpose: 'registry_maintenance',
    });

    const places = parse((await exported('places', '980000')).text, { columns: true });
    expect(places).toEqual(parse(placesCsv(), { columns: true }));
  });

  it('reports every broken row of a residents CSV by line, field and reason, and writes nothing', async () => {
    const before = await counts();
    const csv = [
      'household_id,name,birth_date,phone,national_id',
      `${HOUSEHOLD_IDS[2]},好人,1980-05-17,,${testNationalId(10)}`,
      `${HOUSEHOLD_IDS[2]},错日期,1990-02-30,,`,
      `00000000-0000-4000-8000-00000000dead,无户,1980-05-17,,`,
      `${HOUSEHOLD_IDS[2]},错校验,1980-05-17,,${testNationalId(11).slice(0, 17)}${testNationalId(11).endsWith('0') ? '1' : '0'}`,
      `${HOUSEHOLD_IDS[2]},缺列,1980-05-17`,
      `${HOUSEHOLD_IDS[2]},重复,1980-05-17,,${testNationalId(10)}`,
      `${HOUSEHOLD_IDS[2]},已登记,1980-05-17,,${testNationalId(1)}`,
      `${HOUSEHOLD_IDS[2]},,1980-05-17,12ab,`,
    ].join('\n');
    const report = await streamed('residents', csv);
    expect(report.ok).toBe(false);
    expect(report.rows).toBe(8);
    expect(report.rejectedRows).toBe(7);
    expect(report.rejections).toEqual([
      { line: 3, field: 'birth_date', reason: '1990-02-30 is not a real calendar date' },
      { line: 5, field: 'national_id', reason: 'the national ID number has a wrong check digit' },
      { line: 6, field: 'phone', reason: 'the row has 3 fields but the header has 5 columns' },
      { line: 7, field: 'national_id', reason: 'the same national ID number as line 2' },
      { line: 9, field: 'name', reason: 'must not be empty' },
      { line: 9, field: 'phone', reason: '"12ab" is not a phone number of 6 to 15 digits' },
      { line: 4, field: 'household_id', reason: 'no household 00000000-0000-4000-8000-00000000dead' },
      { line: 8, field: 'national_id', reason: 'a resident with this national ID number is already registered' },
    ]);
    expect(JSON.stringify(report)).not.toContain('张三');
    expect(await counts()).toEqual(before);
  });

  it('reports bad coordinates, points outside every grid and header problems in households and places', async () => {
    const before = await counts();
    const households = await imp(
      'households',
      [
        'address,lat,lng,grid_code',
        '1 Good Road,40.003,116.001,',
        'Bad lat,91.5,116.001,',
        'Words,north,116.001,',
        'Sea,10,10,',
        `Wrong grid,40.003,116.001,${COMMUNITY}004`,
      ].join('\n'),
    );
    expect(households.rejections).toEqual([
      { line: 3, field: 'lat', reason: '91.5 is outside -90..90' },
      { line: 4, field: 'lat', reason: '"north" is not a decimal number' },
      { line: 5, field: 'lat/lng', reason: 'the point (10, 10) lies outside every unit grid' },
      {
        line: 6,
        field: 'grid_code',
        reason: `the point (40.003, 116.001) lies in grid ${COMMUNITY}001, not ${COMMUNITY}004`,
      },
    ]);
    const missing = await imp('places', 'kind,category,name_zh,lat,lng,colour\nvenue,shop,店,40.003,116.001,red\n');
    expect(missing.rejections).toEqual([
      { line: 1, field: 'colour', reason: expect.stringMatching(/^unknown column "colour"/) },
      { line: 1, field: 'name_en', reason: expect.stringMatching(/^missing column "name_en"/) },
    ]);
    const quotes = await imp('places', 'kind,category,name_zh,name_en,lat,lng\nvenue,shop,"店"x,Shop,40.003,116.001\n');
    expect(quotes.rejections[0]).toMatchObject({
      line: 2,
      field: '(file)',
      reason: expect.stringMatching(/not readable as CSV/),
    });
    const category = await imp('places', 'kind,category,name_zh,name_en,lat,lng\nshop,bar,店,Shop,40.003,116.001\n');
    expect(category.rejections.map((r) => r.field)).toEqual(['kind', 'category']);
    expect((await imp('households', '')).rejections[0]).toMatchObject({ line: 1, field: '(file)' });
    expect(await counts()).toEqual(before);
  });

  it('imports over HTTP for admins, with the same report and 422 when rejected', async () => {
    const admin = await staffAuth(app, 'admin');
    const grid = await env()
      .ctx.db.selectFrom('grids')
      .select(['centroid_lat', 'centroid_lng'])
      .where('code', '=', '990101001001001')
      .executeTakeFirstOrThrow();
    const csv = `address,lat,lng\n9 HTTP Lane,${grid.centroid_lat},${grid.centroid_lng}\n`;
    const dry = await app.inject({
      method: 'POST',
      url: '/api/v1/imports/households?dryRun=true',
      headers: { ...admin, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ ok: true, dryRun: true, inserted: 0 });
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/imports/households',
      headers: { ...admin, 'content-type': 'text/csv; charset=utf-8' },
      payload: csv,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true, inserted: 1 });
    expect(await lastAudit()).toMatchObject({ action: 'registry.import', actor_role: 'admin' });
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/imports/households',
      headers: { ...admin, 'content-type': 'text/csv' },
      payload: 'address,lat,lng\nx,100,116\n',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().rejections).toEqual([{ line: 2, field: 'lat', reason: '100 is outside -90..90' }]);
    const wrongType = await app.inject({
      method: 'POST',
      url: '/api/v1/imports/jurisdictions',
      headers: { ...admin, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(wrongType.statusCode).toBe(415);
    const geo = await app.inject({
      method: 'POST',
      url: '/api/v1/imports/jurisdictions',
      headers: { ...admin, 'content-type': 'application/geo+json' },
      payload: '{"type":"FeatureCollection","features":[',
    });
    expect(geo.statusCode).toBe(422);
    expect(geo.json().rejections[0]).toMatchObject({
      field: '(file)',
      reason: expect.stringMatching(/not valid JSON/),
    });
    const worker = await app.inject({
      method: 'POST',
      url: '/api/v1/imports/households',
      headers: { ...(await staffAuth(app, 'worker.990101001001001')), 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(worker.statusCode).toBe(403);
    const doc = (await app.inject('/api/v1/openapi.json')).json();
    expect(Object.keys(doc.paths['/api/v1/imports/{kind}'].post.requestBody.content)).toEqual(
      expect.arrayContaining(['text/csv', 'application/geo+json']),
    );
  });

  it('refuses rows outside an importing admin’s scope', async () => {
    const admin = await staffAuth(app, 'admin');
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/imports/households',
      headers: { ...admin, 'content-type': 'text/csv' },
      payload: 'address,lat,lng\nOutside my city,40.0035,116.0035\n',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().rejections[0]).toMatchObject({
      line: 2,
      field: 'lat/lng',
      reason: expect.stringMatching(/may registry\.import only within jurisdiction 990100/),
    });
  });
});
