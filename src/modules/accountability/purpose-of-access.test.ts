import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { staffAuth, testServer } from '../../../test/support/http.ts';
import { generateDemoCity } from '../../core/geo/demo-city.ts';
import { ACCESS_PURPOSES } from '../../core/policy/purposes.ts';
import { seedDemoCity } from '../demo/demo-seed.service.ts';

/**
 * Staff reads of a person's data state a purpose from the one fixed list. These are all the endpoints that take one;
 * the list is checked against the OpenAPI document, so a new one has to be added here — and is then tested.
 */
const STATED_PURPOSE: Record<string, 'required' | 'optional'> = {
  // Optional in the schema because residents reading their own household state none; required of staff (tested below).
  'GET /api/v1/households/{id}': 'optional',
  'GET /api/v1/grids/{code}/households': 'optional',
  'GET /api/v1/residents/{id}': 'optional',
  'POST /api/v1/residents/lookup': 'optional',
  'GET /api/v1/residents/{id}/status': 'required',
  'GET /api/v1/residents/{id}/facts': 'required',
  'GET /api/v1/cases': 'required',
  'GET /api/v1/cases/{id}': 'required',
  'GET /api/v1/cases/{id}/graph': 'required',
  'GET /api/v1/outbreaks/{id}/graph': 'required',
  'GET /api/v1/exposures': 'required',
  // The incident itself is not personal data; the reporter's contact preference is shown only with a purpose.
  'GET /api/v1/incidents/{id}': 'optional',
};

/**
 * Staff reads of personal data whose purpose is implied by the endpoint (and recorded as such in the audit log), so
 * they take no purpose parameter.
 */
export const IMPLIED_PURPOSE: Record<string, string> = {
  'GET /api/v1/appeals': 'appeal_review',
  'GET /api/v1/appeals/{id}': 'appeal_review',
  'GET /api/v1/audit': 'audit',
  'GET /api/v1/anomalies': 'audit',
  'GET /api/v1/exports/requests/{id}/download': 'registry_maintenance',
};

type Headers = { authorization: string };

describeEachBackend('purpose of access: one fixed list, stated on every staff read of personal data', (env) => {
  let app: FastifyInstance;
  let doc: {
    paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string; schema?: unknown }> }>>;
  };
  let worker: Headers;
  let outsider: Headers;
  let resident: { id: string; householdId: string; gridCode: string; nationalId: string };

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 31, residents: 600 });
    app = await testServer(env().ctx);
    doc = (await app.inject('/api/v1/openapi.json')).json();
    const city = generateDemoCity({ seed: 31, residents: 600 });
    const first = city.householdsOf(city.grids[0]!)[0]!.residents[0]!;
    const row = await env()
      .ctx.db.selectFrom('residents')
      .innerJoin('households', 'households.id', 'residents.household_id')
      .select(['residents.id', 'residents.household_id', 'households.grid_code'])
      .where('residents.id', '=', first.id)
      .executeTakeFirstOrThrow();
    resident = { id: row.id, householdId: row.household_id, gridCode: row.grid_code, nationalId: first.nationalId };
    worker = await staffAuth(app, `worker.${row.grid_code}`);
    const elsewhere = city.grids.find((g) => g.communityId !== city.grids[0]!.communityId)!;
    outsider = await staffAuth(app, `worker.${elsewhere.code}`);
  });

  it('lists exactly the endpoints that take a purpose, each with the fixed list', () => {
    const found: Record<string, 'required' | 'optional'> = {};
    for (const [p, methods] of Object.entries(doc.paths))
      for (const [m, op] of Object.entries(methods)) {
        const param = op.parameters?.find((x) => x.in === 'query' && x.name === 'purpose') as
          { required?: boolean; schema?: { enum?: string[]; type?: string } } | undefined;
        if (!param) continue;
        found[`${m.toUpperCase()} ${p}`] = param.required ? 'required' : 'optional';
        if (param.schema?.enum) expect(param.schema.enum, `${m} ${p}`).toEqual([...ACCESS_PURPOSES]);
      }
    expect(found).toEqual(STATED_PURPOSE);
  });

  const reads = () => [
    { method: 'GET' as const, url: `/api/v1/households/${resident.householdId}` },
    { method: 'GET' as const, url: `/api/v1/grids/${resident.gridCode}/households` },
    { method: 'GET' as const, url: `/api/v1/residents/${resident.id}` },
    { method: 'POST' as const, url: '/api/v1/residents/lookup', payload: { nationalId: resident.nationalId } },
    { method: 'GET' as const, url: `/api/v1/residents/${resident.id}/status` },
    { method: 'GET' as const, url: `/api/v1/residents/${resident.id}/facts` },
  ];
  const call = (
    r: { method: 'GET' | 'POST'; url: string; payload?: Record<string, unknown> },
    h: Headers,
    purpose?: string,
  ) =>
    app.inject({
      method: r.method,
      url: purpose === undefined ? r.url : `${r.url}?purpose=${encodeURIComponent(purpose)}`,
      headers: h,
      ...(r.payload ? { payload: r.payload } : {}),
    });

  it('refuses reads without a purpose, or with one outside the list, naming the list', async () => {
    for (const r of reads()) {
      const none = await call(r, worker);
      expect(none.statusCode, `${r.url} without purpose`).toBe(400);
      expect(none.json().detail, r.url).toMatch(/purpose/);
      const bad = await call(r, worker, 'curiosity');
      expect(bad.statusCode, `${r.url} purpose=curiosity`).toBe(400);
      expect(bad.json().detail, r.url).toMatch(/tracing, ?follow_up/);
    }
    // Tracing endpoints validate the purpose the same way, whatever the case.
    for (const url of [
      '/api/v1/cases',
      `/api/v1/cases/${randomUUID()}`,
      `/api/v1/cases/${randomUUID()}/graph`,
      `/api/v1/outbreaks/${randomUUID()}/graph`,
      '/api/v1/exposures',
    ]) {
      const health = await staffAuth(app, 'health');
      expect((await call({ method: 'GET', url }, health, 'curiosity')).statusCode, url).toBe(400);
      expect((await call({ method: 'GET', url }, health)).statusCode, url).toBe(400);
    }
  });

  it('refuses reads outside the reader’s scope, whatever the purpose', async () => {
    for (const r of reads()) {
      const res = await call(r, outsider, 'follow_up');
      expect(res.statusCode, r.url).toBe(403);
    }
  });

  it('records the stated purpose with every read, against the person read', async () => {
    const before = Number(
      (
        await env()
          .ctx.db.selectFrom('audit_log')
          .select((eb) => eb.fn.max('seq').as('m'))
          .executeTakeFirst()
      )?.m ?? 0,
    );
    for (const [i, r] of reads().entries()) {
      const purpose = ACCESS_PURPOSES[i % ACCESS_PURPOSES.length]!;
      const res = await call(r, worker, purpose);
      expect(res.statusCode, `${r.url}: ${res.body}`).toBe(200);
    }
    const entries = await env()
      .ctx.db.selectFrom('audit_log')
      .select(['action', 'purpose', 'person_id'])
      .where('seq', '>', before)
      .where('person_id', '=', resident.id)
      .execute();
    const purposes = new Set(entries.map((e) => e.purpose));
    for (const [i] of reads().entries()) expect(purposes.has(ACCESS_PURPOSES[i % ACCESS_PURPOSES.length]!)).toBe(true);
    for (const e of entries) expect(ACCESS_PURPOSES as readonly string[]).toContain(e.purpose);
  });

  it('lists the reads whose purpose is implied, and they are audited with it', () => {
    const ops = Object.entries(doc.paths).flatMap(([p, m]) => Object.keys(m).map((x) => `${x.toUpperCase()} ${p}`));
    for (const k of Object.keys(IMPLIED_PURPOSE)) expect(ops, k).toContain(k);
    for (const v of Object.values(IMPLIED_PURPOSE)) expect(ACCESS_PURPOSES as readonly string[]).toContain(v);
  });
});
