import { sql } from 'kysely';
import { inScope } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import {
  open311ExpectedDatetime,
  open311ServiceDefinition,
  open311Services,
  open311Status,
  open311StatusNotes,
} from '../../core/workflow/index.ts';
import type {
  IncidentState,
  IndexedCategory,
  Lang,
  RejectionKind,
  Stage,
  TimeLimit,
} from '../../core/workflow/index.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Problem } from '../../platform/http/problem.ts';
import { principalForTokenHash } from '../auth/auth.repository.ts';
import { tokenHash } from '../auth/tokens.ts';
import { locateGridCode } from '../grids/grids.service.ts';
import { findJurisdiction } from '../jurisdictions/jurisdictions.repository.ts';
import { loadWorkflow } from '../incidents/categories.service.ts';
import { findDuplicates } from '../incidents/duplicates.ts';
import { gridPlace } from '../incidents/incidents.repository.ts';
import { fileReport, isPrivateCategory, PRIVATE_MAJOR_CLASSES } from '../incidents/incidents.service.ts';
import { w3cDatetime } from './open311.format.ts';

/** A GeoReport v2 error: the HTTP status is the error's code. */
export class Open311Problem extends Error {
  constructor(
    public status: 400 | 403 | 404 | 500,
    public description: string,
  ) {
    super(description);
  }
}

export type Fields = Readonly<Record<string, string | string[] | undefined>>;

function one(fields: Fields, name: string): string | undefined {
  const v = fields[name];
  if (Array.isArray(v)) {
    if (v.length > 1) throw new Open311Problem(400, `${name} was sent ${v.length} times; send it once`);
    return v[0];
  }
  return v === '' ? undefined : v;
}

/** The jurisdiction an endpoint call is limited to, or null for the whole deployment. */
export async function jurisdictionScope(ctx: AppContext, fields: Fields): Promise<string | null> {
  const id = one(fields, 'jurisdiction_id');
  if (id === undefined) return null;
  const j = await findJurisdiction(ctx.db, id);
  if (!j) throw new Open311Problem(404, `jurisdiction_id '${id}' was not found`);
  return j.path;
}

export async function listServices(ctx: AppContext, lang: Lang) {
  const { config } = await loadWorkflow(ctx);
  return open311Services(config.categories, lang);
}

export async function serviceDefinition(ctx: AppContext, code: string, lang: Lang) {
  const { config } = await loadWorkflow(ctx);
  const category = config.categories.get(code);
  if (!category || !category.active) throw new Open311Problem(404, `service_code '${code}' was not found`);
  return open311ServiceDefinition(category, lang);
}

const DAY_MS = 86_400_000;
const MAX_RANGE_MS = 90 * DAY_MS;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FINISHED: readonly Stage[] = ['closed', 'evaluated', 'rejected'];

function parseDate(name: string, v: string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t))
    throw new Open311Problem(400, `${name} '${v}' is not a W3C date-time (e.g. 2026-03-01T00:00:00+08:00)`);
  return new Date(t);
}

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * GET requests. `service_request_id` (a comma list) overrides the other filters; otherwise a date range of at
 * most 90 days (by default the last 90 days), service codes, status and the extension parameters page and
 * page_size. Public-health requests are never listed: they are about someone's health, and their location would
 * often be a home.
 */
export async function findRequests(ctx: AppContext, fields: Fields, lang: Lang) {
  const scope = await jurisdictionScope(ctx, fields);
  const ids = list(one(fields, 'service_request_id'));
  for (const id of ids)
    if (!UUID_RE.test(id)) throw new Open311Problem(400, `service_request_id '${id}' is not a request id`);
  let q = baseRequestQuery(ctx);
  if (scope !== null) {
    const path = scope;
    q = q.where((eb) => eb.or([eb('jurisdictions.path', '=', path), eb('jurisdictions.path', 'like', `${path}.%`)]));
  }
  if (ids.length > 0) {
    if (ids.length > 1000) throw new Open311Problem(400, 'at most 1000 service_request_id values per query');
    q = q.where('incidents.id', 'in', ids);
  } else {
    const now = ctx.clock.now();
    let start = parseDate('start_date', one(fields, 'start_date'));
    let end = parseDate('end_date', one(fields, 'end_date'));
    if (!start && !end) start = new Date(now.getTime() - MAX_RANGE_MS);
    if (start && !end) end = new Date(Math.min(now.getTime(), start.getTime() + MAX_RANGE_MS));
    if (end && !start) start = new Date(end.getTime() - MAX_RANGE_MS);
    if (start && end) {
      if (end < start) throw new Open311Problem(400, 'end_date is before start_date');
      if (end.getTime() - start.getTime() > MAX_RANGE_MS)
        throw new Open311Problem(400, 'start_date and end_date may be at most 90 days apart');
      q = q.where('incidents.reported_at', '>=', start).where('incidents.reported_at', '<=', end);
    }
    const codes = list(one(fields, 'service_code'));
    if (codes.length > 0) q = q.where('incidents.category_code', 'in', codes);
    const statuses = list(one(fields, 'status'));
    for (const s of statuses)
      if (s !== 'open' && s !== 'closed') throw new Open311Problem(400, `status '${s}' is not open or closed`);
    if (statuses.length === 1)
      q = q.where('incidents.stage', statuses[0] === 'closed' ? 'in' : 'not in', [...FINISHED]);
    for (const major of PRIVATE_MAJOR_CLASSES) q = q.where('incidents.category_code', 'not like', `${major}%`);
  }
  const pageSize = Number(one(fields, 'page_size') ?? 1000);
  const page = Number(one(fields, 'page') ?? 1);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)
    throw new Open311Problem(400, 'page_size must be a whole number from 1 to 1000');
  if (!Number.isInteger(page) || page < 1) throw new Open311Problem(400, 'page must be a whole number from 1');
  const rows = await q
    .orderBy('incidents.reported_at', 'desc')
    .orderBy('incidents.id', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return presentRequests(ctx, rows, lang);
}

export async function findRequest(ctx: AppContext, id: string, lang: Lang) {
  if (!UUID_RE.test(id)) throw new Open311Problem(404, `service request '${id}' was not found`);
  const rows = await baseRequestQuery(ctx).where('incidents.id', '=', id).execute();
  if (rows.length === 0) throw new Open311Problem(404, `service request '${id}' was not found`);
  return presentRequests(ctx, rows, lang);
}

export async function findToken(ctx: AppContext, token: string) {
  const row = await ctx.db
    .selectFrom('incident_details')
    .select(['incident_id', 'open311_token'])
    .where('open311_token', '=', token)
    .executeTakeFirst();
  if (!row) throw new Open311Problem(404, `token '${token}' was not found`);
  return [{ service_request_id: row.incident_id, token }];
}

function baseRequestQuery(ctx: AppContext) {
  return ctx.db
    .selectFrom('incidents')
    .innerJoin('incident_details', 'incident_details.incident_id', 'incidents.id')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'incidents.community_id')
    .select([
      'incidents.id',
      'incidents.category_code',
      'incidents.stage',
      'incidents.reported_at',
      'incidents.updated_at',
      'incidents.closed_at',
      'incidents.rejected_at',
      'incident_details.description',
      'incident_details.address',
      'incident_details.lat',
      'incident_details.lng',
      'incident_details.media_url',
      'incident_details.public_note',
      'incident_details.duplicate_of',
      'incident_details.state',
    ]);
}
type RequestRow = Awaited<ReturnType<ReturnType<typeof baseRequestQuery>['execute']>>[number];

async function presentRequests(ctx: AppContext, rows: RequestRow[], lang: Lang) {
  const { config, calendar } = await loadWorkflow(ctx);
  const offset = calendar.utcOffsetMinutes;
  const rejectedIds = rows.filter((r) => r.stage === 'rejected').map((r) => r.id);
  const rejections = new Map<string, RejectionKind>();
  if (rejectedIds.length > 0) {
    const events = await ctx.db
      .selectFrom('incident_events')
      .select(['incident_id', sql<string>`event->'rejection'->>'kind'`.as('kind')])
      .where('incident_id', 'in', rejectedIds)
      .where('type', '=', 'reject')
      .execute();
    for (const e of events) rejections.set(e.incident_id, e.kind as RejectionKind);
  }
  return rows.map((r) => {
    const stage = r.stage as Stage;
    const category = config.categories.get(r.category_code);
    const state = (typeof r.state === 'string' ? JSON.parse(r.state) : r.state) as IncidentState;
    const hidden = isPrivateCategory(r.category_code);
    const finishedAt = r.closed_at ?? r.rejected_at;
    return {
      service_request_id: r.id,
      status: open311Status(stage),
      status_notes: open311StatusNotes(stage, lang, {
        rejection: rejections.get(r.id) ?? null,
        duplicateOf: r.duplicate_of,
        publicNote: r.public_note,
      }),
      service_name: category?.name[lang] ?? r.category_code,
      service_code: r.category_code,
      description: hidden ? null : r.description,
      agency_responsible: category?.departmentName[lang] ?? null,
      service_notice: null,
      requested_datetime: w3cDatetime(new Date(r.reported_at).getTime(), offset),
      updated_datetime: w3cDatetime(
        new Date(FINISHED.includes(stage) && finishedAt ? finishedAt : r.updated_at).getTime(),
        offset,
      ),
      expected_datetime: w3cDatetime(open311ExpectedDatetime(state), offset),
      address: hidden ? null : r.address,
      address_id: null,
      zipcode: null,
      lat: hidden ? null : r.lat,
      long: hidden ? null : r.lng,
      media_url: hidden ? null : r.media_url,
    };
  });
}

/** The device-token principal behind an api_key, or a 403 saying why the key is refused. */
async function apiKeyPrincipal(ctx: AppContext, key: string | undefined): Promise<Principal> {
  if (!key) throw new Open311Problem(403, 'api_key is required to submit a service request');
  const principal = await principalForTokenHash(ctx.db, tokenHash(key), ctx.clock.now());
  if (!principal || principal.kind !== 'device' || principal.deviceKind !== 'device')
    throw new Open311Problem(403, 'api_key is not a valid key for this endpoint (it must be a device API token)');
  return principal;
}

/** Resolves `address_string` to a point: a registered household address or a place name, matched exactly. */
async function locateAddress(ctx: AppContext, address: string): Promise<{ lat: number; lng: number } | null> {
  const text = address.trim().toLowerCase();
  const hh = await ctx.db
    .selectFrom('households')
    .select(['lat', 'lng'])
    .where(sql<boolean>`lower(address) = ${text}`)
    .limit(1)
    .executeTakeFirst();
  if (hh) return hh;
  const place = await ctx.db
    .selectFrom('places')
    .select(['lat', 'lng'])
    .where(sql<boolean>`lower(name_zh) = ${text} or lower(name_en) = ${text}`)
    .limit(1)
    .executeTakeFirst();
  return place ?? null;
}

function describeLimit(l: TimeLimit, lang: Lang): string {
  const unit =
    lang === 'en'
      ? `${l.amount} ${l.calendar === 'working' ? 'working ' : ''}${l.unit === 'hours' ? (l.amount === 1 ? 'hour' : 'hours') : l.amount === 1 ? 'day' : 'days'}`
      : `${l.amount}${l.calendar === 'working' ? '个工作' : ''}${l.unit === 'hours' ? '小时' : '天'}`;
  return unit;
}

function serviceNotice(category: IndexedCategory, lang: Lang, nearby: string | null): string {
  const parts =
    lang === 'en'
      ? [
          `Reports are reviewed within ${describeLimit(category.limits.file, 'en')} and handled within ${describeLimit(category.limits.handle, 'en')} of dispatch by ${category.departmentName.en}.`,
        ]
      : [
          `将在${describeLimit(category.limits.file, 'zh-CN')}内受理，派遣后${describeLimit(category.limits.handle, 'zh-CN')}内由${category.departmentName['zh-CN']}处置。`,
        ];
  if (nearby)
    parts.push(lang === 'en' ? `A similar open request is nearby: ${nearby}.` : `附近已有类似的未结问题：${nearby}。`);
  return parts.join(lang === 'en' ? ' ' : '');
}

const ATTRIBUTE_RE = /^attribute\[([^\]]+)\](\[\])?$/;

/**
 * POST requests: form fields as in the spec. The report goes through the same checks as any other; the api_key's
 * device token must be allowed to report where the point lies.
 */
export async function postRequest(ctx: AppContext, fields: Fields, lang: Lang) {
  const principal = await apiKeyPrincipal(ctx, one(fields, 'api_key'));
  const scope = await jurisdictionScope(ctx, fields);
  const code = one(fields, 'service_code');
  if (!code) throw new Open311Problem(400, 'service_code is required');
  const { config } = await loadWorkflow(ctx);
  const category = config.categories.get(code);
  if (!category || !category.active)
    throw new Open311Problem(400, `service_code '${code}' is not a service of this endpoint`);

  let lat: number;
  let lng: number;
  const latText = one(fields, 'lat');
  const longText = one(fields, 'long');
  const address = one(fields, 'address_string');
  if (latText !== undefined || longText !== undefined) {
    lat = Number(latText);
    lng = Number(longText);
    if (latText === undefined || !Number.isFinite(lat) || lat < -90 || lat > 90)
      throw new Open311Problem(400, `lat must be a number from -90 to 90, got '${latText ?? ''}'`);
    if (longText === undefined || !Number.isFinite(lng) || lng < -180 || lng > 180)
      throw new Open311Problem(400, `long must be a number from -180 to 180, got '${longText ?? ''}'`);
  } else if (address !== undefined) {
    const point = await locateAddress(ctx, address);
    if (!point) throw new Open311Problem(400, `address_string '${address}' could not be located; send lat and long`);
    ({ lat, lng } = point);
  } else if (one(fields, 'address_id') !== undefined) {
    throw new Open311Problem(400, 'address_id is not supported here; send lat and long or address_string');
  } else throw new Open311Problem(400, 'a location is required: lat and long, or address_string');

  if (scope !== null) {
    const grid = await locateGridCode(ctx.db, lat, lng);
    const place = grid ? await gridPlace(ctx.db, grid) : undefined;
    if (place && !inScope(scope, place.path))
      throw new Open311Problem(400, `the location lies outside jurisdiction_id '${one(fields, 'jurisdiction_id')}'`);
  }

  const attributes: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(fields)) {
    const m = ATTRIBUTE_RE.exec(k);
    if (!m?.[1] || v === undefined) continue;
    (attributes[m[1]] ??= []).push(...(Array.isArray(v) ? v : [v]));
  }
  const answers = Object.fromEntries(
    Object.entries(attributes).map(([k, v]) => [k, v.length === 1 ? (v[0] as string) : v]),
  );
  const description = one(fields, 'description')?.trim() || category.name[lang];
  if (description.length > 4000)
    throw new Open311Problem(400, `description is ${description.length} characters; at most 4000 are accepted`);
  const phone = one(fields, 'phone');
  const email = one(fields, 'email');
  if (phone !== undefined && !/^\+?[0-9 ()-]{6,20}$/.test(phone))
    throw new Open311Problem(400, `phone '${phone}' is not a phone number`);
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new Open311Problem(400, `email '${email}' is not an e-mail address`);
  const name = [one(fields, 'first_name'), one(fields, 'last_name')].filter(Boolean).join(' ') || undefined;
  const contact = {
    method: phone ? ('phone' as const) : email ? ('email' as const) : ('none' as const),
    ...(phone ? { phone: phone.replace(/[ ()-]/g, '') } : {}),
    ...(email ? { email } : {}),
    ...(name ? { name } : {}),
    ...(one(fields, 'device_id') ? { deviceId: one(fields, 'device_id') } : {}),
    ...(one(fields, 'account_id') ? { accountId: one(fields, 'account_id') } : {}),
  };

  // Open311 has no way to offer a duplicate, so the report is filed and the nearest open one is named instead.
  const nearby = (await findDuplicates(ctx.db, category.code, lat, lng, { preview: false }))[0]?.id ?? null;
  const outcome = await fileReport(
    ctx,
    principal,
    {
      categoryCode: category.code,
      description,
      lat,
      lng,
      address: address ?? null,
      contact,
      attributes: answers,
      mediaUrl: one(fields, 'media_url') ?? null,
    },
    { allowDuplicate: true, fieldPrefix: '' },
  );
  return [
    {
      service_request_id: outcome.id,
      token: outcome.kind === 'created' ? outcome.token : null,
      service_notice: serviceNotice(category, lang, nearby),
      account_id: one(fields, 'account_id') ?? null,
    },
  ];
}

/** Status codes of the platform's problems as GeoReport errors (the spec knows 400, 403 and 404). */
export function fromProblem(p: Problem): Open311Problem {
  if (p.status === 401 || p.status === 403) return new Open311Problem(403, p.detail);
  if (p.status === 404) return new Open311Problem(404, p.detail);
  if (p.status >= 500) return new Open311Problem(500, 'Something went wrong on our side.');
  return new Open311Problem(400, p.detail);
}
