import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openTestEnv, type TestEnv } from '../../../test/support/backends.ts';
import { residentAuth, staffAuth, testServer } from '../../../test/support/http.ts';
import { rolesAllowed, type Action } from '../../core/policy/policy.ts';
import { STAFF_ROLES, type StaffRole } from '../../core/policy/roles.ts';
import { demoResidentPhone, seedDemoCity } from '../demo/demo-seed.service.ts';
import { nationalId } from '../../core/geo/demo-city.ts';
import { defaultRuleSet } from '../../core/rules/default-ruleset.ts';
import { auditSigningKey } from '../audit/audit-keys.ts';
import { certifyDeletionTx } from '../retention/certificates.service.ts';

/**
 * Every endpoint in the OpenAPI document × every kind of caller. Each endpoint must be declared below — public, for
 * residents about themselves, for any signed-in caller, or guarded by a policy action whose roles then have rights —
 * so a new endpoint without a declared policy fails here. Callers without rights must get 401 or 403; callers with
 * rights must not (unless the endpoint refuses them for a business reason, e.g. two-person rules: `mayRefuse`).
 */

type Caller = 'anonymous' | 'resident' | StaffRole;
/** A request that reaches the handler's authorization (valid where the schema or the service checks input first). */
type Input = (fx: Fixtures, now: Date) => { body?: unknown; query?: Record<string, string> };
type Common = { input?: Input; stream?: true };
type Access = Common &
  (
    | { public: true; credentials?: true }
    | { signedIn: true }
    | { resident: true }
    | { staff: true }
    | { action: Action | Action[]; resident?: boolean; mayRefuse?: boolean }
  );

const P = { public: true } as const;
const ME = { resident: true } as const;
const ANY = { signedIn: true } as const;
const STAFF = { staff: true } as const;
const A = (
  action: Action | Action[],
  opts: { resident?: boolean; mayRefuse?: boolean; input?: Input; stream?: true } = {},
): Access => ({ action, ...opts });

const ACCESS: Record<string, Access> = {
  'GET /api/v1/health': P,
  // Public, and answer 401 to wrong credentials (which is not a refusal of the caller).
  'POST /api/v1/auth/staff/sign-in': { public: true, credentials: true },
  'POST /api/v1/auth/resident/sign-in': { public: true, credentials: true },
  'POST /api/v1/auth/sign-out': ANY,
  'GET /api/v1/auth/me': ANY,
  'POST /api/v1/tokens': A('token.issue'),
  'GET /api/v1/jurisdictions': P,
  'POST /api/v1/jurisdictions': A('jurisdiction.write', { mayRefuse: true }),
  'GET /api/v1/jurisdictions/tree': P,
  'GET /api/v1/jurisdictions/{id}': P,
  'GET /api/v1/jurisdictions/{id}/children': P,
  'GET /api/v1/grids/locate': P,
  'GET /api/v1/grids/{code}': P,
  'GET /api/v1/jurisdictions/{id}/grids': P,
  'POST /api/v1/grids': A('grid.write', { mayRefuse: true }),
  'PUT /api/v1/grids/{code}/workers': A('grid.assign_workers', { mayRefuse: true }),
  'GET /api/v1/households/{id}': A('household.read', { resident: true }),
  'GET /api/v1/grids/{code}/households': A('household.read', { mayRefuse: true }),
  'POST /api/v1/households': A('household.write', { mayRefuse: true }),
  'GET /api/v1/me': ME,
  'GET /api/v1/residents/{id}': A('resident.read', { resident: true }),
  'PATCH /api/v1/residents/{id}': A('resident.write', { mayRefuse: true }),
  'POST /api/v1/residents': A('resident.write', { mayRefuse: true }),
  'POST /api/v1/residents/lookup': A('resident.read', {
    input: () => ({ body: { nationalId: nationalId('990101', 1980, 1, 1, 1) } }),
  }),
  'GET /api/v1/places/operated': STAFF,
  'GET /api/v1/places/{id}': P,
  'PATCH /api/v1/places/{id}': A('place.write', { mayRefuse: true }),
  'GET /api/v1/grids/{code}/places': P,
  'POST /api/v1/places': A('place.write', { mayRefuse: true }),
  'GET /api/v1/staff': A('staff.read'),
  'POST /api/v1/staff': A('staff.write', { mayRefuse: true }),
  'PATCH /api/v1/staff/{id}': A('staff.write', { mayRefuse: true }),
  'POST /api/v1/imports/{kind}': A('registry.import', { mayRefuse: true }),
  'GET /api/v1/rulesets': P,
  'POST /api/v1/rulesets': A('ruleset.publish', {
    mayRefuse: true,
    input: (_fx, now) => ({
      body: {
        ...defaultRuleSet,
        id: 'authz-test',
        jurisdiction: '990100',
        effectiveFrom: new Date(now.getTime() + 86400_000).toISOString(),
      },
    }),
  }),
  'GET /api/v1/rulesets/schema': P,
  'GET /api/v1/rulesets/{id}/{version}': P,
  'POST /api/v1/facts': A('fact.record_symptom', {
    resident: true,
    input: (fx, now) => ({
      body: {
        personId: fx.residentId,
        kind: 'symptom_report',
        symptoms: ['cough'],
        onsetAt: null,
        occurredAt: now.toISOString(),
        provenance: { source: 'officer', officerId: 'x' },
      },
    }),
  }),
  'POST /api/v1/facts/foreign-certificate': A('fact.record_clinical', { mayRefuse: true }),
  'POST /api/v1/keys/rotate': A('key.rotate', {
    mayRefuse: true,
    input: () => ({ body: { jurisdictionId: '990100', purpose: 'trust_list' } }),
  }),
  'GET /api/v1/residents/{id}/status': A('status.read'),
  'GET /api/v1/residents/{id}/facts': A('status.read'),
  'GET /api/v1/me/status': ME,
  'GET /api/v1/me/status/history': ME,
  'GET /api/v1/me/facts': ME,
  'GET /api/v1/me/notifications': ME,
  'GET /api/v1/me/overrides': ME,
  'POST /api/v1/me/symptoms': ME,
  'POST /api/v1/overrides': A('override.propose', { mayRefuse: true }),
  // Lists what the caller may decide: an empty list for everyone else.
  'GET /api/v1/overrides/pending': STAFF,
  'POST /api/v1/overrides/{id}/decision': A('override.decide', { mayRefuse: true }),
  'GET /api/v1/me/code': ME,
  'POST /api/v1/verify': P,
  'GET /api/v1/trust-list': P,
  'GET /api/v1/trust-list/anchor': P,
  'POST /api/v1/trust-list/import': A('trust.import', { mayRefuse: true }),
  'POST /api/v1/trust-list/dcc-certificates': A('trust.import', { mayRefuse: true }),
  // Accountability.
  'GET /api/v1/audit': A('audit.read'),
  'POST /api/v1/audit/verify': A('audit.read'),
  'GET /api/v1/audit/checkpoints': P,
  'GET /api/v1/audit/head': P,
  'GET /api/v1/audit/keys': P,
  'GET /api/v1/emergencies': P,
  'POST /api/v1/emergencies': A('emergency.declare', { mayRefuse: true }),
  'GET /api/v1/emergencies/{id}': P,
  'POST /api/v1/emergencies/{id}/renew': A('emergency.declare', { mayRefuse: true }),
  'POST /api/v1/emergencies/{id}/end': A('emergency.declare', { mayRefuse: true }),
  'POST /api/v1/me/appeals': ME,
  'GET /api/v1/me/appeals': ME,
  'GET /api/v1/appeals': A('appeal.review'),
  'GET /api/v1/appeals/{id}': A('appeal.review', { mayRefuse: true }),
  'POST /api/v1/appeals/{id}/decision': A('appeal.review', {
    mayRefuse: true,
    input: () => ({ body: { decision: 'reject', reasons: 'The clinic record confirms the reported fever.' } }),
  }),
  'GET /api/v1/me/access-log': ME,
  'GET /api/v1/me/transparency': ME,
  'GET /api/v1/anomalies': A('anomaly.read'),
  'POST /api/v1/anomalies/{id}/resolve': A('anomaly.resolve'),
  'POST /api/v1/anomalies/scan': A('anomaly.read'),
  'GET /api/v1/retention/policy': P,
  'POST /api/v1/retention/purge': A('retention.purge'),
  'GET /api/v1/retention/certificates': P,
  'GET /api/v1/retention/certificates/{id}': P,
  'POST /api/v1/retention/certificates/{id}/countersign': A('certificate.countersign', { mayRefuse: true }),
  'POST /api/v1/retention/certificates/verify': P,
  'GET /api/v1/me/export': ME,
  'POST /api/v1/me/deletion-request': ME,
  'POST /api/v1/exports/requests': A('export.request'),
  'GET /api/v1/exports/requests': A(['export.request', 'export.approve']),
  'POST /api/v1/exports/requests/{id}/decision': A('export.approve', { mayRefuse: true }),
  'GET /api/v1/exports/requests/{id}/download': A('export.request', { mayRefuse: true }),
  'GET /api/v1/exports/requests/{id}': A(['export.request', 'export.approve']),
  'GET /api/v1/transparency': P,
  // Statistics, scans and places.
  'GET /api/v1/stats/metrics': STAFF,
  'GET /api/v1/stats/areas': A('stats.read', { mayRefuse: true }),
  'GET /api/v1/stats/grids': A('stats.read', { mayRefuse: true }),
  'GET /api/v1/stats/status-timeline': A('stats.read', { mayRefuse: true }),
  'GET /api/v1/places/{id}/code': A('place.write', { mayRefuse: true }),
  'GET /api/v1/places/{id}/poster.svg': A('place.write', { mayRefuse: true }),
  'GET /api/v1/places/{id}/check-ins': A('place.write', { mayRefuse: true }),
  'POST /api/v1/scans': A('scan.record', { resident: true, mayRefuse: true }),
  'GET /api/v1/me/scans': ME,
  // Grid operations.
  'GET /api/v1/incident-categories': P,
  'PUT /api/v1/incident-categories': A('incident.configure', { mayRefuse: true }),
  'GET /api/v1/incident-calendar': P,
  'PUT /api/v1/incident-calendar': A('incident.configure', { mayRefuse: true }),
  'POST /api/v1/incidents': A('incident.report', { resident: true, mayRefuse: true }),
  'GET /api/v1/incidents': A('incident.read', { resident: true, mayRefuse: true }),
  'GET /api/v1/incidents/{id}': A('incident.read', { resident: true, mayRefuse: true }),
  'POST /api/v1/incidents/{id}/actions': A('incident.act', { resident: true, mayRefuse: true }),
  'GET /api/v1/incidents/{id}/photos/{n}': A('incident.read', { resident: true, mayRefuse: true }),
  'GET /api/v1/me/tasks': STAFF,
  'GET /api/v1/tasks': A(['task.assign', 'task.work'], { mayRefuse: true }),
  'POST /api/v1/tasks': A('task.assign', { mayRefuse: true }),
  'GET /api/v1/tasks/{id}': A(['task.assign', 'task.work'], { mayRefuse: true }),
  'POST /api/v1/tasks/{id}/accept': A('task.work', { mayRefuse: true }),
  'POST /api/v1/tasks/{id}/complete': A('task.work', { mayRefuse: true }),
  'POST /api/v1/tasks/{id}/reassign': A('task.assign', { mayRefuse: true }),
  'POST /api/v1/campaigns': A('campaign.manage', { mayRefuse: true }),
  'GET /api/v1/campaigns': A('campaign.manage', { mayRefuse: true }),
  'GET /api/v1/campaigns/{id}': STAFF,
  'GET /api/v1/campaigns/{id}/coverage': A('campaign.manage', { mayRefuse: true }),
  'GET /api/v1/campaigns/{id}/unreached': A('campaign.manage', { mayRefuse: true }),
  'GET /api/v1/evaluation': A('incident.evaluate', {
    mayRefuse: true,
    input: (_fx, now) => ({
      query: { from: new Date(now.getTime() - 7 * 86400_000).toISOString(), to: now.toISOString() },
    }),
  }),
  // A server-sent event stream: callers with rights get a stream that does not end.
  'GET /api/v1/feed': A('feed.read', { mayRefuse: true, stream: true }),
  // Tracing.
  'POST /api/v1/lab-results': A('lab_result.submit', { mayRefuse: true }),
  'GET /api/v1/lab-results': A('lab_result.submit'),
  'GET /api/v1/cases': A('case.read'),
  'GET /api/v1/cases/{id}': A('case.read', { mayRefuse: true }),
  'PATCH /api/v1/cases/{id}': A('case.manage', { mayRefuse: true }),
  'POST /api/v1/cases/{id}/close': A('case.manage', { mayRefuse: true }),
  'POST /api/v1/cases/{id}/trace': A('case.manage', { mayRefuse: true }),
  'GET /api/v1/cases/{id}/graph': A('case.read', { mayRefuse: true }),
  'GET /api/v1/outbreaks/{id}/graph': A('case.read', { mayRefuse: true }),
  'GET /api/v1/exposures': A('case.read', { mayRefuse: true }),
  'POST /api/v1/exposures/decisions': A('exposure.review', { mayRefuse: true }),
  'GET /api/v1/me/exposures': ME,
  'GET /api/v1/tracing/settings': STAFF,
  'PUT /api/v1/tracing/settings': A('case.manage', { mayRefuse: true }),
  'GET /api/v1/risk-areas': P,
  'POST /api/v1/risk-areas': A('risk_area.designate', { mayRefuse: true }),
  'POST /api/v1/risk-areas/{id}/revoke': A('risk_area.designate', { mayRefuse: true }),
  'POST /api/v1/me/checkins': ME,
  'GET /api/v1/me/followup': ME,
};

/**
 * Endpoints that do not yet refuse callers without rights before acting on their input, each with what is wrong.
 * The test fails if one of these starts refusing properly (take it off the list) or a new one appears.
 */
const KNOWN_VIOLATIONS: Record<string, string> = {
  'POST /api/v1/facts/foreign-certificate':
    'verifies the certificate and compares its date of birth with the resident before authorizing ' +
    '(fact.record_clinical is only checked inside recordFact): any signed-in staff member learns whether a date ' +
    'of birth matches a resident',
};

const CALLERS: Caller[] = ['anonymous', 'resident', ...STAFF_ROLES];

function hasRights(access: Access, caller: Caller): boolean {
  if ('public' in access) return true;
  if (caller === 'anonymous') return false;
  if ('signedIn' in access) return true;
  if ('resident' in access && !('action' in access)) return caller === 'resident';
  if ('staff' in access) return caller !== 'resident';
  const actions = Array.isArray(access.action) ? access.action : [access.action];
  if (caller === 'resident') return Boolean(access.resident);
  return actions.some((a) => rolesAllowed(a).includes(caller));
}

interface Fixtures {
  residentId: string;
  householdId: string;
  gridCode: string;
  communityId: string;
  placeId: string;
  staffId: string;
  overrideId: string;
  appealId: string;
  emergencyId: string;
  anomalyId: string;
  certificateId: string;
  exportId: string;
  factId: string;
  lat: number;
  lng: number;
  categoryCode: string | null;
  /** Existing rows of other modules' tables, by path segment; a missing one becomes a random (synthetic) id. */
  byTable: Record<string, string | null>;
}

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  minimum?: number;
  minItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  pattern?: string;
  default?: unknown;
};

describe('authorization of every endpoint in the OpenAPI document, for every kind of caller', () => {
  let env: TestEnv & { close(): Promise<void> };
  let app: FastifyInstance;
  let doc: { paths: Record<string, Record<string, Record<string, unknown>>> };
  const headers = new Map<Caller, Record<string, string>>();
  let fx: Fixtures;

  const byName = (name: string): string | number | undefined => {
    const n = name.toLowerCase();
    if (n.endsWith('personid') || n.endsWith('residentid')) return fx.residentId;
    if (n.endsWith('householdid')) return fx.householdId;
    if (n.endsWith('placeid')) return fx.placeId;
    if (n.endsWith('gridcode')) return fx.gridCode;
    if (n.endsWith('jurisdictionid') || n === 'parentid' || n.endsWith('communityid')) return fx.communityId;
    if (n.endsWith('factid')) return fx.factId;
    if (n.endsWith('staffid')) return fx.staffId;
    if (n === 'parent' || n === 'jurisdiction' || n === 'areaid') return n === 'areaid' ? fx.placeId : fx.communityId;
    if (n === 'categorycode' && fx.categoryCode) return fx.categoryCode;
    if (n === 'lat') return fx.lat;
    if (n === 'lng') return fx.lng;
    return undefined;
  };

  let generatedSynthetic = false;
  function example(s: Schema | undefined, name: string): unknown {
    if (!s) return null;
    if (s.const !== undefined) return s.const;
    if (s.enum) return s.enum[0];
    const options = s.anyOf ?? s.oneOf;
    if (options) return example(options.find((o) => o.type !== 'null') ?? options[0], name);
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (types.includes('null')) return null;
    switch (types[0]) {
      case 'object': {
        const out: Record<string, unknown> = {};
        const keys = s.required?.length ? s.required : Object.keys(s.properties ?? {}).slice(0, 1);
        for (const k of keys) out[k] = example(s.properties?.[k], k);
        return out;
      }
      case 'array':
        return Array.from({ length: s.minItems ?? 0 }, () => example(s.items, name));
      case 'integer':
      case 'number': {
        const hint = byName(name);
        return typeof hint === 'number' ? hint : (s.minimum ?? 1);
      }
      case 'boolean':
        return false;
      case 'string': {
        const hint = byName(name);
        if (hint) return hint;
        if (s.format === 'uuid') {
          generatedSynthetic = true;
          return randomUUID();
        }
        if (s.format === 'date-time')
          return new Date(env.clock.now().getTime() + (name === 'from' ? -86400_000 : 3600_000)).toISOString();
        if (s.format === 'date') return env.clock.now().toISOString().slice(0, 10);
        if (name === 'purpose') return 'tracing';
        // A value the request schema accepts, so the request reaches the handler's authorization.
        if (s.pattern) return fc.sample(fc.stringMatching(new RegExp(s.pattern)), { numRuns: 1, seed: 7 })[0];
        return 'x'.repeat(Math.max(1, s.minLength ?? 1));
      }
      default:
        return null;
    }
  }

  /** A value for a path parameter: the real fixture of that resource, or a random (synthetic) id. */
  function pathValue(template: string, param: string): { value: string; synthetic: boolean } {
    const seg = template.split('/')[3] ?? '';
    const table: Record<string, string> = {
      residents: fx.residentId,
      households: fx.householdId,
      grids: fx.gridCode,
      jurisdictions: fx.communityId,
      places: fx.placeId,
      staff: fx.staffId,
      overrides: fx.overrideId,
      appeals: fx.appealId,
      emergencies: fx.emergencyId,
      anomalies: fx.anomalyId,
      certificates: fx.certificateId,
      exports: fx.exportId,
    };
    if (param === 'kind') return { value: 'residents', synthetic: false };
    if (param === 'version') return { value: '1', synthetic: false };
    if (param === 'n') return { value: '1', synthetic: false };
    if (seg === 'rulesets') return { value: 'default', synthetic: false };
    if (seg === 'retention') return { value: fx.certificateId, synthetic: false };
    if (table[seg]) return { value: table[seg] as string, synthetic: false };
    const existing = fx.byTable[seg];
    return existing ? { value: existing, synthetic: false } : { value: randomUUID(), synthetic: true };
  }

  function request(method: string, template: string, op: Record<string, unknown>, access: Access) {
    let url = template;
    generatedSynthetic = false;
    let synthetic = false;
    const given = access.input?.(fx, env.clock.now()) ?? {};
    const query: string[] = Object.entries(given.query ?? {}).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
    for (const p of (op.parameters ?? []) as Array<{ in: string; name: string; required?: boolean; schema?: Schema }>) {
      if (p.in === 'path') {
        const v = pathValue(template, p.name);
        synthetic ||= v.synthetic;
        url = url.replace(`{${p.name}}`, encodeURIComponent(v.value));
      } else if (p.in === 'query' && (p.required || p.name === 'purpose') && !(p.name in (given.query ?? {}))) {
        query.push(`${p.name}=${encodeURIComponent(String(example(p.schema, p.name)))}`);
      }
    }
    const body = op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined;
    const contentType = body ? Object.keys(body.content ?? {})[0] : undefined;
    let payload: string | undefined;
    if (given.body !== undefined) payload = JSON.stringify(given.body);
    else if (contentType?.includes('json'))
      payload = JSON.stringify(example(body?.content?.[contentType]?.schema, 'body'));
    else if (contentType) payload = 'id\n';
    return {
      method: method.toUpperCase() as 'GET',
      url: `${url}${query.length ? `?${query.join('&')}` : ''}`,
      payload,
      contentType,
      synthetic: synthetic || generatedSynthetic,
    };
  }

  beforeAll(async () => {
    env = await openTestEnv('pglite');
    const { ctx } = env;
    await seedDemoCity(ctx, { seed: 23, residents: 400 });
    app = await testServer(ctx);
    doc = (await app.inject('/api/v1/openapi.json')).json();
    const r = await residentAuth(app, demoResidentPhone(0));
    const residentId = (await app.inject({ url: '/api/v1/auth/me', headers: r })).json().id as string;
    const home = await ctx.db
      .selectFrom('residents')
      .innerJoin('households', 'households.id', 'residents.household_id')
      .innerJoin('grids', 'grids.code', 'households.grid_code')
      .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
      .select([
        'households.id',
        'households.grid_code',
        'households.lat',
        'households.lng',
        'grids.community_id',
        'jurisdictions.path',
      ])
      .where('residents.id', '=', residentId)
      .executeTakeFirstOrThrow();
    const [, , district, subdistrict] = home.path.split('.').slice(-5);
    const usernames: Record<StaffRole, string> = {
      grid_worker: `worker.${home.grid_code}`,
      community_officer: `community.${home.community_id}`,
      subdistrict_officer: `subdistrict.${subdistrict}`,
      district_officer: `district.${district}`,
      health_officer: 'health',
      lab: 'lab',
      venue_operator: 'venue',
      verifier: 'verifier',
      auditor: 'auditor',
      admin: 'admin',
    };
    headers.set('resident', r);
    for (const role of STAFF_ROLES) headers.set(role, await staffAuth(app, usernames[role]));
    const health = headers.get('health_officer')!;
    const admin = headers.get('admin')!;
    const place = await ctx.db
      .selectFrom('places')
      .select('id')
      .where('grid_code', '=', home.grid_code)
      .executeTakeFirst();
    const anyPlace = place ?? (await ctx.db.selectFrom('places').select('id').executeTakeFirstOrThrow());
    const fact = await app.inject({
      method: 'POST',
      url: '/api/v1/facts',
      headers: health,
      payload: {
        personId: residentId,
        kind: 'symptom_report',
        symptoms: ['fever'],
        onsetAt: null,
        occurredAt: env.clock.now().toISOString(),
        provenance: { source: 'officer', officerId: 'x' },
      },
    });
    const override = await app.inject({
      method: 'POST',
      url: '/api/v1/overrides',
      headers: health,
      payload: {
        personId: residentId,
        target: 'yellow',
        reasonCode: 'clinical_assessment',
        reason: 'Fever clinic assessment pending a repeat PCR result.',
        expiresAt: new Date(env.clock.now().getTime() + 86400_000).toISOString(),
      },
    });
    const appeal = await app.inject({
      method: 'POST',
      url: '/api/v1/me/appeals',
      headers: r,
      payload: { subject: 'fact', factId: fact.json().fact.id, statement: 'I had no fever that day at all.' },
    });
    const emergency = await app.inject({
      method: 'POST',
      url: '/api/v1/emergencies',
      headers: admin,
      payload: {
        jurisdictionId: district,
        title: 'District measure',
        legalBasis: 'Infectious Disease Prevention Law, art. 42; district decree 7',
        endsAt: new Date(env.clock.now().getTime() + 10 * 86400_000).toISOString(),
      },
    });
    const exp = await app.inject({
      method: 'POST',
      url: '/api/v1/exports/requests',
      headers: admin,
      payload: { kind: 'households', reason: 'Campaign planning for the district health commission.' },
    });
    const anomalyId = randomUUID();
    await ctx.db
      .insertInto('anomaly_flags')
      .values({
        id: anomalyId,
        detector: 'exposure-burst',
        dedup_key: 'test',
        severity: 'low',
        summary: 'fixture',
        evidence: '{}',
        subject_count: 0,
        detected_at: env.clock.now(),
        updated_at: env.clock.now(),
        state: 'open',
      })
      .execute();
    const key = (await auditSigningKey(ctx))!;
    const cert = await ctx.db.transaction().execute((trx) =>
      certifyDeletionTx(trx, env.clock.now(), key, {
        category: 'scans',
        ids: ['scan:x'],
        times: [env.clock.now()],
        basis: 'fixture',
        trigger: 'schedule',
      }),
    );
    await app.inject('/api/v1/incident-categories'); // categories are published on first use
    const category = await ctx.db.selectFrom('incident_categories').select('code').limit(1).executeTakeFirst();
    if (category)
      await app.inject({
        method: 'POST',
        url: '/api/v1/incidents',
        headers: r,
        payload: {
          categoryCode: category.code,
          description: 'Broken street light at the north gate of the compound.',
          lat: home.lat,
          lng: home.lng,
        },
      });
    const first = async (table: string) => {
      try {
        const row = await ctx.db
          .selectFrom(table as 'staff')
          .select('id')
          .limit(1)
          .executeTakeFirst();
        return row ? String(row.id) : null;
      } catch {
        return null;
      }
    };
    fx = {
      residentId,
      householdId: home.id,
      gridCode: home.grid_code,
      communityId: home.community_id,
      placeId: anyPlace.id,
      staffId: (await ctx.db.selectFrom('staff').select('id').where('username', '=', 'venue').executeTakeFirstOrThrow())
        .id,
      overrideId: override.json().id,
      appealId: appeal.json().id,
      emergencyId: emergency.json().id,
      anomalyId,
      certificateId: cert.certificate.id,
      exportId: exp.json().id,
      factId: fact.json().fact.id,
      lat: home.lat,
      lng: home.lng,
      categoryCode:
        (await ctx.db.selectFrom('incident_categories').select('code').limit(1).executeTakeFirst())?.code ?? null,
      byTable: {
        incidents: await first('incidents'),
        tasks: await first('tasks'),
        campaigns: await first('campaigns'),
        cases: await first('cases'),
        outbreaks: await first('outbreaks'),
        'risk-areas': await first('risk_designations'),
      },
    };
    for (const v of [fx.overrideId, fx.appealId, fx.emergencyId, fx.exportId]) expect(v).toBeTruthy();
  });
  afterAll(async () => {
    await app?.close();
    await env?.close();
  });

  it('declares the access of every endpoint, and nothing that no longer exists', () => {
    const ops = Object.entries(doc.paths).flatMap(([p, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const undeclared = ops.filter((o) => !(o in ACCESS));
    expect(undeclared, 'endpoints without a declared policy in authorization.test.ts').toEqual([]);
    const stale = Object.keys(ACCESS).filter((k) => !ops.includes(k));
    expect(stale, 'declared endpoints that are gone').toEqual([]);
  });

  it('public endpoints declare `security: []` in the OpenAPI document or are listed as public here', () => {
    for (const [p, methods] of Object.entries(doc.paths))
      for (const [m, op] of Object.entries(methods)) {
        const declaredPublic = Array.isArray(op.security) && (op.security as unknown[]).length === 0;
        if (declaredPublic) expect(ACCESS[`${m.toUpperCase()} ${p}`], `${m} ${p}`).toEqual(P);
      }
  });

  it('refuses every caller without rights with 401 or 403, and lets every caller with rights through', async () => {
    const failures: string[] = [];
    const unverifiable: string[] = [];
    const known = new Set<string>();
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const key = `${method.toUpperCase()} ${path}`;
        const access = ACCESS[key];
        if (!access) continue;
        // Callers without rights first, so nothing an allowed caller changes (a decision taken) masks a refusal.
        const ordered = [...CALLERS].sort((a, b) => Number(hasRights(access, a)) - Number(hasRights(access, b)));
        for (const caller of ordered) {
          const req = request(method, path, op, access);
          let h: Record<string, string> = caller === 'anonymous' ? {} : { ...headers.get(caller)! };
          // Signing out must not end the session the rest of the test uses.
          if (key === 'POST /api/v1/auth/sign-out' && caller !== 'anonymous')
            h = caller === 'resident' ? await residentAuth(app, demoResidentPhone(0)) : { ...headers.get(caller)! };
          if (key === 'POST /api/v1/auth/sign-out' && caller !== 'anonymous' && caller !== 'resident') continue;
          if (req.contentType) h['content-type'] = req.contentType;
          const t0 = performance.now();
          const res = await Promise.race([
            app.inject({ method: req.method, url: req.url, headers: h, payload: req.payload }),
            new Promise<null>((resolve) => setTimeout(() => resolve(null), access.stream ? 2_000 : 30_000)),
          ]);
          if (!res) {
            // An open event stream is the answer a caller with rights gets.
            if (!(access.stream && hasRights(access, caller))) failures.push(`no answer in time: ${key} as ${caller}`);
            continue;
          }
          if (process.env.AUTHZ_TRACE)
            console.info(`${Math.round(performance.now() - t0)} ms ${key} ${caller} ${res.statusCode}`);
          const allowed = hasRights(access, caller);
          const s = res.statusCode;
          const where = `${key} as ${caller}: ${s} ${res.body.slice(0, 160)}`;
          if (s >= 500) failures.push(`server error: ${where}`);
          else if (!allowed) {
            if (s === 404 && req.synthetic) unverifiable.push(where);
            else if (s !== 401 && s !== 403) {
              if (key in KNOWN_VIOLATIONS) known.add(key);
              else failures.push(`no rights but not refused: ${where}`);
            }
          } else if ('credentials' in access) continue;
          else if (s === 401 || (s === 403 && !('mayRefuse' in access && access.mayRefuse)))
            failures.push(`has rights but refused: ${where}`);
        }
      }
    }
    if (unverifiable.length)
      console.info(`not verifiable (no such resource to test with):\n  ${unverifiable.join('\n  ')}`);
    expect(failures).toEqual([]);
    expect([...known].sort(), 'known violations that no longer occur should leave KNOWN_VIOLATIONS').toEqual(
      Object.keys(KNOWN_VIOLATIONS).sort(),
    );
  }, 600_000);
});
