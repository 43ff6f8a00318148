import { beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { staffAuth, testServer } from '../../../test/support/http.ts';
import { seedDemoCity } from '../demo/demo-seed.service.ts';
import { locateGridCode } from './grids.service.ts';
import { containsPoint, type Area } from '../../core/geo/polygons.ts';

describeEachBackend('jurisdictions and grids', (env) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 7, residents: 1500 });
    app = await testServer(env().ctx);
  });

  it('browses the tree from province to community', async () => {
    const roots = (await app.inject('/api/v1/jurisdictions')).json();
    expect(roots.items.map((r: { id: string }) => r.id)).toEqual(['990000']);
    const tree = (await app.inject('/api/v1/jurisdictions/tree?root=990100&depth=3')).json();
    const city = tree.items[0];
    expect(city.level).toBe('city');
    const district = city.children[0];
    expect(district.level).toBe('district');
    expect(district.children[0].children[0].level).toBe('community');
    expect(district.children[0].children[0].id).toMatch(/^\d{12}$/);
  });

  it('lists children as a paginated GeoJSON FeatureCollection', async () => {
    const first = (await app.inject('/api/v1/jurisdictions/990101001/children?limit=1')).json();
    expect(first.type).toBe('FeatureCollection');
    expect(first.features).toHaveLength(1);
    expect(first.features[0].geometry.type).toMatch(/Polygon/);
    expect(first.nextCursor).toBeTruthy();
    const second = (
      await app.inject(`/api/v1/jurisdictions/990101001/children?limit=1&cursor=${first.nextCursor}`)
    ).json();
    expect(second.features[0].id > first.features[0].id).toBe(true);
    const bad = await app.inject('/api/v1/jurisdictions/990101001/children?cursor=%%%');
    expect(bad.statusCode).toBe(400);
  });

  it('finds a grid by code with its workers and breadcrumb', async () => {
    const grid = (await app.inject('/api/v1/grids/990101001001001')).json();
    expect(grid.properties.code).toBe('990101001001001');
    expect(grid.properties.workers).toHaveLength(1);
    expect(grid.properties.areaM2).toBeGreaterThan(5000);
    expect(grid.properties.areaM2).toBeLessThan(20000);
    const j = (await app.inject('/api/v1/jurisdictions/990101001001')).json();
    const district = (await app.inject('/api/v1/jurisdictions/990101')).json();
    const allGrids = await env().ctx.db.selectFrom('grids').select('code').where('code', 'like', '990101%').execute();
    expect(district.properties.gridCount).toBe(allGrids.length);
    expect(j.properties.breadcrumb.map((b: { level: string }) => b.level)).toEqual([
      'province',
      'city',
      'district',
      'subdistrict',
      'community',
    ]);
    expect((await app.inject('/api/v1/grids/990101001001999')).statusCode).toBe(404);
    expect((await app.inject('/api/v1/grids/12345')).statusCode).toBe(400);
  });

  it('locates the grid containing a point, exactly, for every household', async () => {
    const hh = await env().ctx.db.selectFrom('households').select(['grid_code', 'lat', 'lng']).limit(300).execute();
    for (const h of hh) expect(await locateGridCode(env().ctx.db, h.lat, h.lng)).toBe(h.grid_code);
    const res = await app.inject(`/api/v1/grids/locate?lat=${hh[0]?.lat}&lng=${hh[0]?.lng}`);
    expect(res.json().properties.code).toBe(hh[0]?.grid_code);
    const outside = await app.inject('/api/v1/grids/locate?lat=10&lng=10');
    expect(outside.statusCode).toBe(404);
    const invalid = await app.inject('/api/v1/grids/locate?lat=95&lng=10');
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().detail).toMatch(/lat/);
  });

  it('numbers grids west→east, north→south within a community', async () => {
    const grids = await env()
      .ctx.db.selectFrom('grids')
      .select(['serial', 'centroid_lat', 'centroid_lng'])
      .where('community_id', '=', '990101001001')
      .orderBy('serial')
      .execute();
    for (let i = 1; i < grids.length; i++) {
      const a = grids[i - 1]!;
      const b = grids[i]!;
      // Either the same row further east, or a row further south.
      const sameRow = Math.abs(a.centroid_lat - b.centroid_lat) < 0.0004;
      expect(sameRow ? b.centroid_lng > a.centroid_lng : b.centroid_lat < a.centroid_lat).toBe(true);
    }
  });

  it('creates a grid only inside its community, without overlapping siblings, as admin', async () => {
    const admin = await staffAuth(app, 'admin');
    const sibling = (await app.inject('/api/v1/grids/990101001001001')).json();
    const overlap = await app.inject({
      method: 'POST',
      url: '/api/v1/grids',
      headers: admin,
      payload: { communityId: '990101001001', geometry: sibling.geometry },
    });
    expect(overlap.statusCode).toBe(422);
    expect(overlap.json().detail).toMatch(/overlaps its sibling 990101001001001/);
    const bowtie = await app.inject({
      method: 'POST',
      url: '/api/v1/grids',
      headers: admin,
      payload: {
        communityId: '990101001001',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 1],
              [1, 0],
              [0, 1],
              [0, 0],
            ],
          ],
        },
      },
    });
    expect(bowtie.statusCode).toBe(422);
    expect(bowtie.json().detail).toMatch(/intersects itself/);
    const worker = await staffAuth(app, 'worker.990101001001001');
    const denied = await app.inject({
      method: 'POST',
      url: '/api/v1/grids',
      headers: worker,
      payload: { communityId: '990101001001', geometry: sibling.geometry },
    });
    expect(denied.statusCode).toBe(403);
    const count = await env()
      .ctx.db.selectFrom('grids')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(Number(count?.n)).toBeGreaterThan(0);
  });

  it('creates a jurisdiction inside its parent and rejects bad codes, duplicates and overlaps', async () => {
    const admin = await staffAuth(app, 'admin');
    const community = (await app.inject('/api/v1/jurisdictions/990101001001')).json();
    const dup = await app.inject({
      method: 'POST',
      url: '/api/v1/jurisdictions',
      headers: admin,
      payload: {
        id: '990101001001',
        parentId: '990101001',
        nameZh: '重复',
        nameEn: 'Dup',
        geometry: community.geometry,
      },
    });
    expect(dup.statusCode).toBe(409);
    const badNest = await app.inject({
      method: 'POST',
      url: '/api/v1/jurisdictions',
      headers: admin,
      payload: {
        id: '990102001999',
        parentId: '990101001',
        nameZh: '错',
        nameEn: 'Wrong',
        geometry: community.geometry,
      },
    });
    expect(badNest.statusCode).toBe(422);
    expect(badNest.json().detail).toMatch(/does not nest/);
    const overlapping = await app.inject({
      method: 'POST',
      url: '/api/v1/jurisdictions',
      headers: admin,
      payload: {
        id: '990101001999',
        parentId: '990101001',
        nameZh: '叠',
        nameEn: 'Overlap',
        geometry: community.geometry,
      },
    });
    expect(overlapping.statusCode).toBe(422);
    expect(overlapping.json().detail).toMatch(/overlaps its sibling/);
    const unknownField = await app.inject({
      method: 'POST',
      url: '/api/v1/jurisdictions',
      headers: admin,
      payload: { id: '990101001999', parentId: '990101001', nameZh: 'x', nameEn: 'x', geometry: {}, color: 'red' },
    });
    expect(unknownField.statusCode).toBe(400);
  });

  it('keeps every grid point lookup consistent with the polygons (property over random points)', async () => {
    const grids = await env().ctx.db.selectFrom('grids').select(['code', 'geometry', 'bbox']).limit(10).execute();
    let checked = 0;
    for (const g of grids) {
      const [w, s, e, n] = g.bbox as [number, number, number, number];
      for (let i = 0; i < 10; i++) {
        const lat = s + ((n - s) * (i + 0.5)) / 10;
        const lng = w + ((e - w) * (((i * 7) % 10) + 0.5)) / 10;
        const found = await locateGridCode(env().ctx.db, lat, lng);
        const geom = (typeof g.geometry === 'string' ? JSON.parse(g.geometry) : g.geometry) as Area;
        if (containsPoint(geom, lat, lng)) {
          expect(found).toBe(g.code);
          checked++;
        } else expect(found).not.toBe(g.code);
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});
