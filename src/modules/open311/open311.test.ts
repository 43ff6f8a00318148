import type { FastifyInstance } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { residentAuth, staffAuth, testServer } from '../../../test/support/http.ts';
import { seedDemoCity } from '../demo/demo-seed.service.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const xml = new XMLParser({
  parseTagValue: false,
  isArray: (name) => ['service', 'request', 'error', 'attribute', 'value', 'endpoint', 'format'].includes(name),
});

describeEachBackend('Open311 GeoReport v2', (env) => {
  let app: FastifyInstance;
  let apiKey: string;
  let point: { lat: number; lng: number; address: string };
  const form = (fields: Record<string, string | string[]>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
    return p.toString();
  };
  const postForm = (url: string, fields: Record<string, string | string[]>) =>
    app.inject({ method: 'POST', url, headers: FORM, payload: form(fields) });

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 7, residents: 1500 });
    app = await testServer(env().ctx);
    const admin = await staffAuth(app, 'admin');
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: admin,
      payload: { kind: 'device', name: 'FixMyStreet', scopeJurisdictionId: '990100' },
    });
    expect(res.statusCode, res.body).toBe(201);
    apiKey = res.json().token;
    point = await env()
      .ctx.db.selectFrom('households')
      .select(['lat', 'lng', 'address'])
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
  });

  it('describes itself in discovery, as XML and JSON', async () => {
    const j = await app.inject('/open311/v2/discovery.json');
    expect(j.statusCode).toBe(200);
    expect(j.headers['content-type']).toMatch(/application\/json/);
    expect(j.json().endpoints[0]).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      formats: ['text/xml', 'application/json'],
    });
    const x = await app.inject('/open311/v2/discovery.xml');
    expect(x.headers['content-type']).toMatch(/text\/xml/);
    const doc = xml.parse(x.body);
    expect(doc.discovery.endpoints.endpoint[0].formats.format).toEqual(['text/xml', 'application/json']);
    expect(doc.discovery.endpoints.endpoint[0].url).toMatch(/\/open311\/v2$/);
  });

  it('lists services with the spec fields and defines their attributes', async () => {
    const list = (await app.inject('/open311/v2/services.json')).json();
    const garbage = list.find((s: { service_code: string }) => s.service_code === '0101');
    expect(garbage).toEqual({
      service_code: '0101',
      service_name: 'Exposed garbage',
      description: expect.any(String),
      metadata: false,
      type: 'realtime',
      keywords: expect.any(String),
      group: 'City appearance',
    });
    const zh = (await app.inject({ url: '/open311/v2/services.json', headers: { 'accept-language': 'zh-CN' } })).json();
    expect(zh.find((s: { service_code: string }) => s.service_code === '0101').service_name).toBe('暴露垃圾');
    const doc = xml.parse((await app.inject('/open311/v2/services.xml')).body);
    expect(doc.services.service).toHaveLength(list.length);
    expect(Object.keys(doc.services.service[0])).toEqual([
      'service_code',
      'service_name',
      'description',
      'metadata',
      'type',
      'keywords',
      'group',
    ]);
    const def = (await app.inject('/open311/v2/services/0701.json')).json();
    expect(def.service_code).toBe('0701');
    expect(def.attributes[0]).toMatchObject({
      variable: true,
      code: 'needs',
      datatype: 'multivaluelist',
      required: true,
      order: 1,
    });
    expect(def.attributes[0].values).toContainEqual({ key: 'food', name: 'Food' });
    const defXml = xml.parse((await app.inject('/open311/v2/services/0701.xml')).body);
    expect(defXml.service_definition.attributes.attribute[0].values.value[0]).toEqual({ key: 'food', name: 'Food' });
    const missing = await app.inject('/open311/v2/services/9999.json');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual([{ code: 404, description: "service_code '9999' was not found" }]);
    const missingXml = await app.inject('/open311/v2/services/9999.xml');
    expect(xml.parse(missingXml.body).errors.error[0]).toEqual({
      code: '404',
      description: "service_code '9999' was not found",
    });
    expect((await app.inject('/open311/v2/services.txt')).statusCode).toBe(404);
  });

  let requestId: string;
  let token: string;
  it('accepts a form-urlencoded request with an api_key only', async () => {
    const fields = {
      service_code: '0101',
      lat: String(point.lat),
      long: String(point.lng),
      description: 'Overflowing bins next to the bus stop',
      email: 'someone@example.org',
      first_name: 'Li',
    };
    const noKey = await postForm('/open311/v2/requests.json', fields);
    expect(noKey.statusCode).toBe(403);
    expect(noKey.json()).toEqual([{ code: 403, description: 'api_key is required to submit a service request' }]);
    const session = (await residentAuth(app, '13800000001')).authorization.slice('Bearer '.length);
    const wrongKey = await postForm('/open311/v2/requests.json', { ...fields, api_key: session });
    expect(wrongKey.statusCode).toBe(403);
    const res = await postForm('/open311/v2/requests.json', { ...fields, api_key: apiKey });
    expect(res.statusCode, res.body).toBe(200);
    const [created] = res.json();
    expect(created).toMatchObject({ service_request_id: expect.any(String), token: expect.any(String) });
    expect(created.service_notice).toMatch(/reviewed within 1 working hour/);
    requestId = created.service_request_id;
    token = created.token;

    const byToken = (await app.inject(`/open311/v2/tokens/${token}.json`)).json();
    expect(byToken).toEqual([{ service_request_id: requestId, token }]);
  });

  it('refuses bad requests with the spec error format and files nothing', async () => {
    const before = await env().ctx.db.selectFrom('incidents').select('id').execute();
    const base = { api_key: apiKey, lat: String(point.lat), long: String(point.lng) };
    let res = await postForm('/open311/v2/requests.json', { ...base, service_code: '9999' });
    expect(res.json()).toEqual([{ code: 400, description: "service_code '9999' is not a service of this endpoint" }]);
    res = await postForm('/open311/v2/requests.json', { ...base, service_code: '0701' });
    expect(res.statusCode).toBe(400);
    expect(res.json()[0].description).toMatch(/attribute 'needs' \(What is needed\) is required/);
    res = await postForm('/open311/v2/requests.json', { ...base, service_code: '0101', lat: '10', long: '10' });
    expect(res.statusCode).toBe(400);
    expect(res.json()[0].description).toMatch(/outside every unit grid/);
    res = await postForm('/open311/v2/requests.xml', { api_key: apiKey, service_code: '0101' });
    expect(res.statusCode).toBe(400);
    expect(xml.parse(res.body).errors.error[0].description).toBe(
      'a location is required: lat and long, or address_string',
    );
    res = await postForm('/open311/v2/requests.json', { ...base, service_code: '0101', jurisdiction_id: '123456' });
    expect(res.statusCode).toBe(404);
    expect((await env().ctx.db.selectFrom('incidents').select('id').execute()).length).toBe(before.length);
  });

  let privateId: string;
  it('takes attributes and address strings, and answers in XML', async () => {
    const res = await postForm('/open311/v2/requests.xml', {
      api_key: apiKey,
      service_code: '0701',
      address_string: point.address,
      'attribute[needs]': ['food', 'medicine'],
      'attribute[household_size]': '3',
      jurisdiction_id: '990100',
    });
    expect(res.statusCode, res.body).toBe(200);
    const doc = xml.parse(res.body);
    privateId = doc.service_requests.request[0].service_request_id;
    expect(privateId).toMatch(/^[0-9a-f-]{36}$/);
    const stored = await env()
      .ctx.db.selectFrom('incident_details')
      .select(['attributes', 'lat', 'lng'])
      .where('incident_id', '=', privateId)
      .executeTakeFirstOrThrow();
    const attrs = typeof stored.attributes === 'string' ? JSON.parse(stored.attributes) : stored.attributes;
    expect(attrs).toEqual({ needs: ['food', 'medicine'], household_size: '3' });
    expect([stored.lat, stored.lng]).toEqual([point.lat, point.lng]);
  });

  it('serves requests with status, notes and times; public-health requests stay private', async () => {
    const one = (await app.inject(`/open311/v2/requests/${requestId}.json`)).json();
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({
      service_request_id: requestId,
      status: 'open',
      status_notes: 'Received and waiting to be reviewed.',
      service_name: 'Exposed garbage',
      service_code: '0101',
      description: 'Overflowing bins next to the bus stop',
      agency_responsible: 'Sanitation department',
      lat: point.lat,
      long: point.lng,
      expected_datetime: null,
    });
    expect(one[0].requested_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    const doc = xml.parse((await app.inject(`/open311/v2/requests/${requestId}.xml`)).body);
    expect(Object.keys(doc.service_requests.request[0])).toEqual([
      'service_request_id',
      'status',
      'status_notes',
      'service_name',
      'service_code',
      'description',
      'agency_responsible',
      'service_notice',
      'requested_datetime',
      'updated_datetime',
      'expected_datetime',
      'address',
      'address_id',
      'zipcode',
      'lat',
      'long',
      'media_url',
    ]);
    const all = (await app.inject('/open311/v2/requests.json')).json();
    const ids = all.map((r: { service_request_id: string }) => r.service_request_id);
    expect(ids).toContain(requestId);
    expect(ids).not.toContain(privateId);
    const hidden = (await app.inject(`/open311/v2/requests/${privateId}.json`)).json()[0];
    expect(hidden).toMatchObject({
      service_code: '0701',
      status: 'open',
      description: null,
      lat: null,
      long: null,
      address: null,
    });
    const byIds = (await app.inject(`/open311/v2/requests.json?service_request_id=${requestId},${privateId}`)).json();
    expect(byIds).toHaveLength(2);
    const tooLong = await app.inject(
      '/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z',
    );
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json()[0].description).toBe('start_date and end_date may be at most 90 days apart');
    expect((await app.inject('/open311/v2/requests.json?status=closed')).json()).toEqual([]);
    expect((await app.inject('/open311/v2/requests/not-an-id.json')).statusCode).toBe(404);
  });

  it('maps the workflow to open/closed as it moves, with the handling deadline as expected_datetime', async () => {
    const grid = (
      await env()
        .ctx.db.selectFrom('incidents')
        .select('community_id')
        .where('id', '=', requestId)
        .executeTakeFirstOrThrow()
    ).community_id;
    const officer = await staffAuth(app, `community.${grid}`);
    const act = (payload: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: `/api/v1/incidents/${requestId}/actions`, headers: officer, payload });
    expect((await act({ type: 'file' })).statusCode).toBe(200);
    expect((await act({ type: 'dispatch' })).statusCode).toBe(200);
    let r = (await app.inject(`/open311/v2/requests/${requestId}.json`)).json()[0];
    expect(r.status).toBe('open');
    expect(r.status_notes).toBe('Sent to the responsible team.');
    expect(r.expected_datetime).toMatch(/\+08:00$/);
    const view = (await app.inject({ url: `/api/v1/incidents/${requestId}`, headers: officer })).json();
    expect(Date.parse(r.expected_datetime)).toBe(Date.parse(view.dueAt));
    const other = await app.inject({
      method: 'POST',
      url: '/api/v1/incidents?allowDuplicate=true',
      headers: officer,
      payload: { categoryCode: '0101', description: 'Same bins', lat: point.lat, lng: point.lng },
    });
    const otherId = other.json().incident.id;
    const rej = await app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${otherId}/actions`,
      headers: officer,
      payload: {
        type: 'reject',
        rejection: 'duplicate',
        duplicateOf: requestId,
        reason: 'same bins',
        publicNote: 'Thanks!',
      },
    });
    expect(rej.statusCode, rej.body).toBe(200);
    r = (await app.inject(`/open311/v2/requests/${otherId}.json`)).json()[0];
    expect(r.status).toBe('closed');
    expect(r.status_notes).toBe(`Not accepted as a case. Duplicate of an existing report: ${requestId}. Thanks!`);
    const closed = (await app.inject('/open311/v2/requests.json?status=closed')).json();
    expect(closed.map((x: { service_request_id: string }) => x.service_request_id)).toEqual([otherId]);
    const zh = (await app.inject(`/open311/v2/requests/${otherId}.json?lang=zh-CN`)).json()[0];
    expect(zh.status_notes).toMatch(/^不予立案。与已有问题重复/);
  });
});
