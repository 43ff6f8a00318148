import { sql, type Transaction } from 'kysely';
import type { IncidentState, Stage, TimelineEvent } from '../../core/workflow/index.ts';
import type { Database } from '../../platform/database/database.ts';
import type { DB } from '../../platform/database/schema.ts';
import type { WorkflowColumns } from './incident-columns.ts';
import type { DecodedPhoto } from './photos.ts';

type Db = Database | Transaction<DB>;

export const OPEN_STAGES: readonly Stage[] = [
  'collected',
  'filed',
  'dispatched',
  'handling',
  'handled',
  'returned',
  'parked',
];

export interface NewIncident {
  id: string;
  categoryCode: string;
  gridCode: string;
  communityId: string;
  reportedAt: Date;
  source: string;
  reporterKind: 'resident' | 'staff' | 'open311';
  reporterId: string;
  lat: number;
  lng: number;
  description: string;
  address: string | null;
  contact: Record<string, unknown>;
  attributes: Record<string, unknown>;
  mediaUrl: string | null;
  open311Token: string | null;
}

function parse<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

export async function insertIncident(
  trx: Transaction<DB>,
  input: NewIncident,
  columns: WorkflowColumns,
  state: IncidentState,
): Promise<void> {
  await trx
    .insertInto('incidents')
    .values({
      id: input.id,
      category_code: input.categoryCode,
      grid_code: input.gridCode,
      community_id: input.communityId,
      reported_at: input.reportedAt,
      ...columns,
    })
    .execute();
  await trx
    .insertInto('incident_details')
    .values({
      incident_id: input.id,
      source: input.source,
      reporter_kind: input.reporterKind,
      reporter_id: input.reporterId,
      lat: input.lat,
      lng: input.lng,
      description: input.description,
      address: input.address,
      contact: JSON.stringify(input.contact),
      attributes: JSON.stringify(input.attributes),
      media_url: input.mediaUrl,
      open311_token: input.open311Token,
      state: JSON.stringify(state),
    })
    .execute();
}

export async function insertEvent(trx: Transaction<DB>, e: TimelineEvent): Promise<void> {
  await trx
    .insertInto('incident_events')
    .values({
      incident_id: e.incidentId,
      seq: e.seq,
      type: e.type,
      at: new Date(e.at),
      actor_id: e.actor.id,
      actor_role: e.actor.role,
      from_stage: e.from,
      to_stage: e.to,
      reason: e.reason,
      event: JSON.stringify(e),
    })
    .execute();
}

export async function insertPhotos(
  trx: Transaction<DB>,
  incidentId: string,
  photos: readonly DecodedPhoto[],
  by: string,
  at: Date,
): Promise<void> {
  if (photos.length === 0) return;
  const r = await trx
    .selectFrom('incident_photos')
    .select((eb) => eb.fn.max('n').as('n'))
    .where('incident_id', '=', incidentId)
    .executeTakeFirst();
  const first = Number(r?.n ?? 0) + 1;
  await trx
    .insertInto('incident_photos')
    .values(
      photos.map((p, i) => ({
        incident_id: incidentId,
        n: first + i,
        content_type: p.contentType,
        bytes: p.bytes,
        sha256: p.sha256,
        data: p.data,
        uploaded_by: by,
        created_at: at,
      })),
    )
    .execute();
}

const incidentColumns = [
  'incidents.id',
  'incidents.category_code',
  'incidents.grid_code',
  'incidents.community_id',
  'incidents.stage',
  'incidents.reported_at',
  'incidents.updated_at',
  'incidents.version',
  'incidents.due_at',
  'incidents.escalation_level',
  'incidents.assignee_id',
  'incidents.closed_at',
  'incidents.filed_at',
  'incidents.rejected_at',
  'incidents.late_at',
  'incidents.first_feedback_at',
  'incidents.first_rework_at',
  'incidents.handling_ms',
  'incidents.last_feedback_by',
  'incidents.last_assignee_id',
  'incidents.last_department',
  'incidents.next_escalation_at',
  'jurisdictions.path as jurisdiction_path',
] as const;

const detailColumns = [
  'incident_details.source',
  'incident_details.reporter_kind',
  'incident_details.reporter_id',
  'incident_details.lat',
  'incident_details.lng',
  'incident_details.description',
  'incident_details.address',
  'incident_details.contact',
  'incident_details.attributes',
  'incident_details.public_note',
  'incident_details.media_url',
  'incident_details.duplicate_of',
  'incident_details.open311_token',
  'incident_details.state',
] as const;

function baseQuery(db: Db) {
  return db
    .selectFrom('incidents')
    .innerJoin('incident_details', 'incident_details.incident_id', 'incidents.id')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'incidents.community_id');
}

export async function findIncident(db: Db, id: string) {
  const row = await baseQuery(db)
    .select([...incidentColumns, ...detailColumns])
    .where('incidents.id', '=', id)
    .executeTakeFirst();
  return row ? { ...row, state: parse<IncidentState>(row.state) } : undefined;
}
export type IncidentRow = NonNullable<Awaited<ReturnType<typeof findIncident>>>;

/** The incident locked for the rest of the transaction, so concurrent actions apply one after the other. */
export async function lockIncident(trx: Transaction<DB>, id: string): Promise<IncidentRow | undefined> {
  await trx.selectFrom('incidents').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  return findIncident(trx, id);
}

export async function updateIncident(
  trx: Transaction<DB>,
  id: string,
  columns: WorkflowColumns,
  state: IncidentState,
  publicNote?: string | null,
): Promise<void> {
  await trx.updateTable('incidents').set(columns).where('id', '=', id).execute();
  await trx
    .updateTable('incident_details')
    .set({ state: JSON.stringify(state), ...(publicNote !== undefined ? { public_note: publicNote } : {}) })
    .where('incident_id', '=', id)
    .execute();
}

export function columnsOf(row: IncidentRow): WorkflowColumns {
  const d = (v: Date | string | null) => (v === null ? null : new Date(v));
  return {
    stage: row.stage as Stage,
    updated_at: new Date(row.updated_at),
    version: row.version,
    due_at: d(row.due_at),
    next_escalation_at: d(row.next_escalation_at),
    escalation_level: row.escalation_level,
    assignee_id: row.assignee_id,
    filed_at: d(row.filed_at),
    rejected_at: d(row.rejected_at),
    closed_at: d(row.closed_at),
    late_at: d(row.late_at),
    first_feedback_at: d(row.first_feedback_at),
    first_rework_at: d(row.first_rework_at),
    handling_ms: Number(row.handling_ms),
    last_feedback_by: row.last_feedback_by,
    last_assignee_id: row.last_assignee_id,
    last_department: row.last_department,
  };
}

export async function timelineOf(db: Db, id: string): Promise<TimelineEvent[]> {
  const rows = await db
    .selectFrom('incident_events')
    .select('event')
    .where('incident_id', '=', id)
    .orderBy('seq')
    .execute();
  return rows.map((r) => parse<TimelineEvent>(r.event));
}

export async function photoList(db: Db, id: string) {
  return db
    .selectFrom('incident_photos')
    .select(['n', 'content_type', 'bytes', 'sha256'])
    .where('incident_id', '=', id)
    .orderBy('n')
    .execute();
}

export async function photoData(db: Db, id: string, n: number) {
  return db
    .selectFrom('incident_photos')
    .select(['content_type', 'data', 'bytes', 'sha256'])
    .where('incident_id', '=', id)
    .where('n', '=', n)
    .executeTakeFirst();
}

export async function staffNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  const uuids = [...new Set(ids)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (uuids.length === 0) return new Map();
  const rows = await db.selectFrom('staff').select(['id', 'display_name']).where('id', 'in', uuids).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** Open incidents of a category in a lat/lng box (the caller measures exact distances). */
export async function openIncidentsInBox(
  db: Db,
  categoryCode: string,
  box: { minLat: number; maxLat: number; minLng: number; maxLng: number },
) {
  return db
    .selectFrom('incidents')
    .innerJoin('incident_details', 'incident_details.incident_id', 'incidents.id')
    .select([
      'incidents.id',
      'incidents.stage',
      'incidents.reported_at',
      'incidents.grid_code',
      'incident_details.lat',
      'incident_details.lng',
      'incident_details.description',
    ])
    .where('incidents.category_code', '=', categoryCode)
    .where('incidents.stage', 'in', OPEN_STAGES)
    .where('incident_details.lat', '>=', box.minLat)
    .where('incident_details.lat', '<=', box.maxLat)
    .where('incident_details.lng', '>=', box.minLng)
    .where('incident_details.lng', '<=', box.maxLng)
    .limit(50)
    .execute();
}

export interface ListFilter {
  /** Jurisdiction subtree (path) the incidents lie in. */
  path?: string | undefined;
  gridCode?: string | undefined;
  stages?: readonly Stage[] | undefined;
  reporterId?: string | undefined;
  overdueAt?: Date | undefined;
  escalated?: boolean | undefined;
  after?: { reportedAt: Date; id: string } | null;
  limit: number;
}

export async function listIncidentRows(db: Db, f: ListFilter) {
  let q = baseQuery(db).select([
    ...incidentColumns,
    'incident_details.lat',
    'incident_details.lng',
    'incident_details.reporter_id',
  ]);
  if (f.path !== undefined) {
    const path = f.path;
    q = q.where((eb) => eb.or([eb('jurisdictions.path', '=', path), eb('jurisdictions.path', 'like', `${path}.%`)]));
  }
  if (f.gridCode !== undefined) q = q.where('incidents.grid_code', '=', f.gridCode);
  if (f.stages !== undefined && f.stages.length > 0) q = q.where('incidents.stage', 'in', f.stages);
  if (f.reporterId !== undefined) q = q.where('incident_details.reporter_id', '=', f.reporterId);
  if (f.overdueAt !== undefined)
    q = q
      .where('incidents.due_at', '<', f.overdueAt)
      .where('incidents.stage', 'not in', ['parked', 'closed', 'evaluated', 'rejected']);
  if (f.escalated)
    q = q
      .where('incidents.escalation_level', '>', 0)
      .where('incidents.stage', 'not in', ['parked', 'closed', 'evaluated', 'rejected']);
  if (f.after)
    q = q.where(sql<boolean>`(incidents.reported_at, incidents.id) < (${f.after.reportedAt}, ${f.after.id})`);
  return q
    .orderBy('incidents.reported_at', 'desc')
    .orderBy('incidents.id', 'desc')
    .limit(f.limit + 1)
    .execute();
}
export type IncidentListRow = Awaited<ReturnType<typeof listIncidentRows>>[number];

export async function insertSupporter(
  trx: Transaction<DB>,
  s: {
    id: string;
    incidentId: string;
    reporterKind: string;
    reporterId: string;
    description: string;
    contact: Record<string, unknown>;
    at: Date;
  },
) {
  await trx
    .insertInto('incident_supporters')
    .values({
      id: s.id,
      incident_id: s.incidentId,
      reporter_kind: s.reporterKind,
      reporter_id: s.reporterId,
      description: s.description,
      contact: JSON.stringify(s.contact),
      at: s.at,
    })
    .execute();
}

export async function supporterCount(db: Db, id: string): Promise<number> {
  const r = await db
    .selectFrom('incident_supporters')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('incident_id', '=', id)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** The grid's community and its path, for routing a located report. */
export async function gridPlace(db: Db, gridCode: string) {
  return db
    .selectFrom('grids')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
    .select(['grids.code', 'grids.community_id', 'jurisdictions.path'])
    .where('grids.code', '=', gridCode)
    .executeTakeFirst();
}
