import { randomBytes, randomUUID } from 'node:crypto';
import { authorize } from '../../core/policy/policy.ts';
import { isAccessPurpose, PURPOSE_LIST_TEXT } from '../../core/policy/purposes.ts';
import type { Principal } from '../../core/policy/roles.ts';
import { checkOpen311Attributes, reportIncident, STAGES } from '../../core/workflow/index.ts';
import type { ReportSource, Stage } from '../../core/workflow/index.ts';
import type { AppContext } from '../../platform/context.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { decodeCursor, paginate } from '../../platform/http/pagination.ts';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findJurisdiction } from '../jurisdictions/jurisdictions.repository.ts';
import { locateGridCode } from '../grids/grids.service.ts';
import { loadWorkflow } from './categories.service.ts';
import { findDuplicates } from './duplicates.ts';
import { actorFor, canReadIncident, reporterOf, requireIncidentAccess } from './incident-access.ts';
import { columnsAfter } from './incident-columns.ts';
import { incidentEventPayload, workflowProblem } from './incident-events.ts';
import { presentIncident, presentSummary } from './incidents.presenter.ts';
import {
  findIncident,
  gridPlace,
  insertEvent,
  insertIncident,
  insertPhotos,
  insertSupporter,
  listIncidentRows,
  OPEN_STAGES,
  photoData,
  photoList,
  staffNames,
  supporterCount,
  timelineOf,
} from './incidents.repository.ts';
import { decodePhotos } from './photos.ts';

/** Public-health requests (quarantine needs, medical help…) are about someone's health: never published or previewed. */
export const PRIVATE_MAJOR_CLASSES: readonly string[] = ['07'];
export const isPrivateCategory = (code: string) => PRIVATE_MAJOR_CLASSES.includes(code.slice(0, 2));

/** Photos kept per incident, the original report's and those of reports attached to it. */
export const MAX_PHOTOS_PER_INCIDENT = 12;

export const CONTACT_METHODS = ['none', 'app', 'phone', 'sms', 'email'] as const;
export interface ContactPreference {
  method: (typeof CONTACT_METHODS)[number];
  phone?: string | undefined;
  email?: string | undefined;
  /** What an Open311 client sends about the person reporting: kept with the contact, never published. */
  name?: string | undefined;
  deviceId?: string | undefined;
  accountId?: string | undefined;
}

export interface ReportInput {
  categoryCode: string;
  description: string;
  lat: number;
  lng: number;
  address?: string | null | undefined;
  contact?: ContactPreference | undefined;
  photos?: readonly { data: string }[] | undefined;
  /** Staff name where a report came from (hotline, video, referral); residents and apps do not. */
  source?: ReportSource | undefined;
  attributes?: Readonly<Record<string, string | readonly string[]>> | undefined;
  mediaUrl?: string | null | undefined;
}

export interface ReportOptions {
  /** File even though an open incident of the same category lies within 50 m. */
  allowDuplicate?: boolean | undefined;
  /** Attach the report to this open incident instead of filing a new one. */
  duplicateOf?: string | undefined;
  /** Prefix of field names in error messages (`body.` for JSON, '' for Open311 form fields). */
  fieldPrefix?: string | undefined;
}

export type ReportOutcome =
  { kind: 'created'; id: string; token: string | null } | { kind: 'attached'; id: string; supporterId: string };

function sourceFor(principal: Principal, requested: ReportSource | undefined, f: (s: string) => string): ReportSource {
  if (principal.kind === 'device') return 'open311';
  if (principal.kind === 'resident') {
    if (requested && requested !== 'resident')
      throw unprocessable(`${f('source')}: residents report as 'resident'; only staff record another source`);
    return 'resident';
  }
  if (principal.kind === 'staff') {
    if (requested) {
      if (requested === 'resident' || requested === 'open311')
        throw unprocessable(`${f('source')}: staff cannot file a report as '${requested}'`);
      return requested;
    }
    return principal.role === 'grid_worker' ? 'grid_worker' : 'referral';
  }
  return 'resident';
}

/**
 * Files a report: category and attributes checked, photos decoded and type-checked, the point located in its
 * unit grid, duplicates offered, then the incident created with the first event of its timeline, audited and
 * announced. Every check runs before the single write transaction, so a rejected report leaves nothing behind.
 */
export async function fileReport(
  ctx: AppContext,
  principal: Principal,
  input: ReportInput,
  opts: ReportOptions = {},
): Promise<ReportOutcome> {
  const prefix = opts.fieldPrefix ?? 'body.';
  const f = (field: string) => `${prefix}${field}`;
  const { config } = await loadWorkflow(ctx);
  const category = config.categories.get(input.categoryCode);
  if (!category)
    throw unprocessable(`${f('categoryCode')}: unknown incident category '${input.categoryCode}'`, {
      errors: [{ field: f('categoryCode'), message: `unknown incident category '${input.categoryCode}'` }],
    });
  if (!category.active)
    throw unprocessable(
      `${f('categoryCode')}: category ${category.code} (${category.name.en}) is retired and takes no new reports`,
    );
  const attributes = input.attributes ?? {};
  const attributeProblems = checkOpen311Attributes(category, attributes);
  if (attributeProblems.length > 0)
    throw unprocessable(attributeProblems.map((p) => `${f(`attributes.${p.code}`)}: ${p.message}`).join('; '), {
      errors: attributeProblems.map((p) => ({ field: f(`attributes.${p.code}`), message: p.message })),
    });
  const photos = decodePhotos(input.photos ?? [], f('photos'));
  const gridCode = await locateGridCode(ctx.db, input.lat, input.lng);
  if (!gridCode)
    throw unprocessable(
      `${f('lat')}/${f('lng')}: the location (${input.lat}, ${input.lng}) lies outside every unit grid of this deployment`,
      { errors: [{ field: f('lat'), message: 'outside every unit grid' }] },
    );
  const place = await gridPlace(ctx.db, gridCode);
  if (!place) throw new Error(`grid ${gridCode} vanished`);
  requireIncidentAccess(principal, 'incident.report', place.path);
  const source = sourceFor(principal, input.source, f);
  const reporter = reporterOf(principal);
  const contact = { ...(input.contact ?? { method: 'none' }) } as Record<string, unknown>;
  const at = ctx.clock.now();

  if (opts.duplicateOf) {
    const target = await findIncident(ctx.db, opts.duplicateOf);
    if (!target) throw unprocessable(`duplicateOf: no incident ${opts.duplicateOf}`);
    if (principal.kind === 'staff') requireIncidentAccess(principal, 'incident.read', target.jurisdiction_path);
    if (target.category_code !== category.code)
      throw unprocessable(
        `duplicateOf: incident ${target.id} is category ${target.category_code}, this report is ${category.code}`,
      );
    if (!OPEN_STAGES.includes(target.stage as Stage))
      throw unprocessable(`duplicateOf: incident ${target.id} is ${target.stage}; file a new report instead`);
    const existing = await photoList(ctx.db, target.id);
    if (existing.length + photos.length > MAX_PHOTOS_PER_INCIDENT)
      throw unprocessable(
        `${f('photos')}: incident ${target.id} already has ${existing.length} photos; at most ${MAX_PHOTOS_PER_INCIDENT} are kept per incident`,
      );
    const supporterId = randomUUID();
    await ctx.db.transaction().execute(async (trx) => {
      await insertSupporter(trx, {
        id: supporterId,
        incidentId: target.id,
        reporterKind: reporter.kind,
        reporterId: reporter.id,
        description: input.description,
        contact,
        at,
      });
      await insertPhotos(trx, target.id, photos, reporter.id, at);
      await appendAudit(trx, at, {
        actor: actorOf(principal),
        action: 'incident.support',
        subjectKind: 'incident',
        subjectId: target.id,
        personId: reporter.kind === 'resident' ? reporter.id : null,
        detail: { supporterId, photos: photos.length },
      });
      await emitEvent(
        trx,
        at,
        'incident.supported',
        { incidentId: target.id, categoryCode: target.category_code, gridCode: target.grid_code, path: place.path },
        target.id,
      );
    });
    return { kind: 'attached', id: target.id, supporterId };
  }

  if (!opts.allowDuplicate) {
    const candidates = await findDuplicates(ctx.db, category.code, input.lat, input.lng, {
      preview: !isPrivateCategory(category.code),
    });
    if (candidates.length > 0)
      throw conflict(
        `An open incident of category ${category.code} lies ${candidates[0]?.distanceM} m away. Attach this report to it with duplicateOf=${candidates[0]?.id}, or file anyway with allowDuplicate=true.`,
        { candidates },
      );
  }

  const id = randomUUID();
  const result = reportIncident(
    {
      id,
      categoryCode: category.code,
      jurisdictionPath: place.path,
      gridCode,
      source,
      actor: actorFor(principal),
      at: at.getTime(),
    },
    config,
  );
  if (!result.ok) throw workflowProblem(result.error);
  const token = source === 'open311' ? randomBytes(12).toString('base64url') : null;
  await ctx.db.transaction().execute(async (trx) => {
    await insertIncident(
      trx,
      {
        id,
        categoryCode: category.code,
        gridCode,
        communityId: place.community_id,
        reportedAt: at,
        source,
        reporterKind: reporter.kind,
        reporterId: reporter.id,
        lat: input.lat,
        lng: input.lng,
        description: input.description,
        address: input.address ?? null,
        contact,
        attributes: attributes as Record<string, unknown>,
        mediaUrl: input.mediaUrl ?? null,
        open311Token: token,
      },
      columnsAfter(null, null, result.next, result.event, config),
      result.next,
    );
    await insertEvent(trx, result.event);
    await insertPhotos(trx, id, photos, reporter.id, at);
    await appendAudit(trx, at, {
      actor: actorOf(principal),
      action: 'incident.report',
      subjectKind: 'incident',
      subjectId: id,
      personId: reporter.kind === 'resident' ? reporter.id : null,
      detail: { categoryCode: category.code, gridCode, source, photos: photos.length },
    });
    await emitEvent(trx, at, 'incident.reported', incidentEventPayload(result.next, result.event), id);
  });
  return { kind: 'created', id, token };
}

/**
 * One incident with its timeline and photos. Staff who state a purpose also see the reporter's contact
 * preference, and that read is audited against the reporter.
 */
export async function getIncidentView(ctx: AppContext, principal: Principal, id: string, purpose?: string | undefined) {
  const row = await findIncident(ctx.db, id);
  if (!row) throw notFound(`No incident ${id}`);
  if (principal.kind === 'anonymous') requireIncidentAccess(principal, 'incident.read', row.jurisdiction_path);
  if (!canReadIncident(principal, row.jurisdiction_path, row.reporter_id)) {
    const d = authorize(principal, 'incident.read', {
      jurisdictionPath: row.jurisdiction_path,
      reporterId: row.reporter_id,
    });
    throw forbidden(d.reason);
  }
  const view = principal.kind === 'staff' ? 'staff' : 'reporter';
  let contact: Record<string, unknown> | null = null;
  const storedContact = (typeof row.contact === 'string' ? JSON.parse(row.contact) : row.contact) as Record<
    string,
    unknown
  >;
  if (view === 'reporter') contact = storedContact;
  else if (purpose !== undefined) {
    if (!isAccessPurpose(purpose))
      throw badRequest(`query.purpose: "${purpose}" is not one of ${PURPOSE_LIST_TEXT}`, {
        errors: [{ field: 'query.purpose', message: `must be one of ${PURPOSE_LIST_TEXT}` }],
      });
    contact = storedContact;
    const at = ctx.clock.now();
    await ctx.db.transaction().execute((trx) =>
      appendAudit(trx, at, {
        actor: actorOf(principal),
        action: 'incident.read_contact',
        subjectKind: 'incident',
        subjectId: id,
        personId: row.reporter_kind === 'resident' ? row.reporter_id : null,
        purpose,
      }),
    );
  }
  const { config } = await loadWorkflow(ctx);
  const timeline = await timelineOf(ctx.db, id);
  const photos = await photoList(ctx.db, id);
  const names = await staffNames(ctx.db, [
    ...timeline.map((e) => e.actor.id),
    ...timeline.flatMap((e) => (e.assignee ? [e.assignee.id] : [])),
  ]);
  return presentIncident(row, config.categories, ctx.clock.now(), {
    timeline,
    photos,
    names,
    supporters: await supporterCount(ctx.db, id),
    view,
    contact,
  });
}

export interface ListQuery {
  gridCode?: string | undefined;
  jurisdictionId?: string | undefined;
  stage?: string | undefined;
  overdue?: boolean | undefined;
  escalated?: boolean | undefined;
  cursor?: string | undefined;
  limit: number;
}

function parseStages(stage: string | undefined): Stage[] | undefined {
  if (stage === undefined || stage === '') return undefined;
  if (stage === 'open') return [...OPEN_STAGES];
  const list = stage.split(',').map((s) => s.trim());
  for (const s of list)
    if (!(STAGES as readonly string[]).includes(s))
      throw badRequest(`query.stage: unknown stage '${s}' (known: open, ${STAGES.join(', ')})`);
  return list as Stage[];
}

/**
 * Incidents newest first. Staff see their jurisdiction (or a grid or sub-jurisdiction of it); residents see the
 * incidents they reported.
 */
export async function listIncidents(ctx: AppContext, principal: Principal, q: ListQuery) {
  const stages = parseStages(q.stage);
  const c = decodeCursor(q.cursor);
  let after: { reportedAt: Date; id: string } | null = null;
  if (c) {
    if (typeof c[0] !== 'string' || typeof c[1] !== 'string' || Number.isNaN(Date.parse(c[0])))
      throw badRequest('query.cursor: not a cursor this API issued');
    after = { reportedAt: new Date(c[0]), id: c[1] };
  }
  const now = ctx.clock.now();
  let path: string | undefined;
  let reporterId: string | undefined;
  if (principal.kind === 'resident') reporterId = principal.id;
  else if (principal.kind === 'staff') {
    path = principal.scopePath;
    if (q.jurisdictionId) {
      const j = await findJurisdiction(ctx.db, q.jurisdictionId);
      if (!j) throw notFound(`No jurisdiction with code ${q.jurisdictionId}`);
      path = j.path;
    }
    if (q.gridCode) {
      const g = await gridPlace(ctx.db, q.gridCode);
      if (!g) throw notFound(`No unit grid with code ${q.gridCode}`);
      path = g.path;
    }
    requireIncidentAccess(principal, 'incident.read', path);
  } else requireIncidentAccess(principal, 'incident.read', '');
  const rows = await listIncidentRows(ctx.db, {
    path,
    gridCode: q.gridCode,
    stages,
    reporterId,
    overdueAt: q.overdue ? now : undefined,
    escalated: q.escalated === true,
    after,
    limit: q.limit,
  });
  const { config } = await loadWorkflow(ctx);
  const page = paginate(rows, q.limit, (r) => [new Date(r.reported_at).toISOString(), r.id]);
  return { items: page.items.map((r) => presentSummary(r, config.categories, now)), nextCursor: page.nextCursor };
}

export async function getPhoto(ctx: AppContext, principal: Principal, id: string, n: number) {
  const row = await findIncident(ctx.db, id);
  if (!row) throw notFound(`No incident ${id}`);
  requireIncidentAccess(principal, 'incident.read', row.jurisdiction_path, row.reporter_id);
  const photo = await photoData(ctx.db, id, n);
  if (!photo) throw notFound(`Incident ${id} has no photo ${n}`);
  return { contentType: photo.content_type, data: Buffer.from(photo.data), sha256: photo.sha256 };
}
