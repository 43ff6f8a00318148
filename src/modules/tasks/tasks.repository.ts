import { sql, type Transaction, type Updateable } from 'kysely';
import type { Database } from '../../platform/database/database.ts';
import type { DB, TasksTable } from '../../platform/database/schema.ts';
import type { SubjectKind, TaskFormName, TaskKind, TaskStatus } from './task-forms.ts';

type Db = Database | Transaction<DB>;

export interface NewTaskRow {
  id: string;
  kind: TaskKind;
  subjectKind: SubjectKind;
  subjectId: string;
  gridCode: string;
  communityId: string;
  campaignId: string | null;
  form: TaskFormName;
  status: TaskStatus;
  assigneeId: string | null;
  dueAt: Date;
  note: string | null;
  createdAt: Date;
  createdBy: string;
  acceptedAt?: Date | null;
}

export async function insertTask(trx: Transaction<DB>, t: NewTaskRow): Promise<void> {
  await trx
    .insertInto('tasks')
    .values({
      id: t.id,
      kind: t.kind,
      subject_kind: t.subjectKind,
      subject_id: t.subjectId,
      grid_code: t.gridCode,
      community_id: t.communityId,
      campaign_id: t.campaignId,
      form: t.form,
      status: t.status,
      assignee_id: t.assigneeId,
      due_at: t.dueAt,
      note: t.note,
      created_at: t.createdAt,
      created_by: t.createdBy,
      accepted_at: t.acceptedAt ?? null,
    })
    .execute();
}

const taskColumns = [
  'tasks.id',
  'tasks.kind',
  'tasks.subject_kind',
  'tasks.subject_id',
  'tasks.grid_code',
  'tasks.community_id',
  'tasks.campaign_id',
  'tasks.form',
  'tasks.status',
  'tasks.assignee_id',
  'tasks.due_at',
  'tasks.attempts',
  'tasks.note',
  'tasks.result',
  'tasks.created_at',
  'tasks.created_by',
  'tasks.accepted_at',
  'tasks.completed_at',
  'tasks.completed_by',
  'jurisdictions.path as jurisdiction_path',
] as const;

function baseQuery(db: Db) {
  return db.selectFrom('tasks').innerJoin('jurisdictions', 'jurisdictions.id', 'tasks.community_id');
}

export async function findTask(db: Db, id: string) {
  return baseQuery(db).select(taskColumns).where('tasks.id', '=', id).executeTakeFirst();
}
export type TaskRow = NonNullable<Awaited<ReturnType<typeof findTask>>>;

export async function lockTask(trx: Transaction<DB>, id: string): Promise<TaskRow | undefined> {
  await trx.selectFrom('tasks').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  return findTask(trx, id);
}

export async function updateTask(trx: Transaction<DB>, id: string, changes: Updateable<TasksTable>): Promise<void> {
  await trx.updateTable('tasks').set(changes).where('id', '=', id).execute();
}

/** The open handling task of an incident (at most one exists). */
export async function openIncidentTask(db: Db, incidentId: string) {
  return baseQuery(db)
    .select(taskColumns)
    .where('tasks.subject_kind', '=', 'incident')
    .where('tasks.subject_id', '=', incidentId)
    .where('tasks.status', 'in', ['open', 'accepted'])
    .orderBy('tasks.created_at', 'desc')
    .executeTakeFirst();
}

export async function tasksOfIncident(db: Db, incidentId: string) {
  return baseQuery(db)
    .select(taskColumns)
    .where('tasks.subject_kind', '=', 'incident')
    .where('tasks.subject_id', '=', incidentId)
    .orderBy('tasks.created_at')
    .execute();
}

export interface TaskListFilter {
  assigneeId?: string | undefined;
  path?: string | undefined;
  gridCode?: string | undefined;
  kind?: TaskKind | undefined;
  campaignId?: string | undefined;
  statuses: readonly TaskStatus[];
  after?: { dueAt: Date; id: string } | null;
  limit: number;
}

/** Tasks by due time (soonest first), then id; the cursor continues after (dueAt, id). */
export async function listTasks(db: Db, f: TaskListFilter) {
  let q = baseQuery(db).select(taskColumns).where('tasks.status', 'in', f.statuses);
  if (f.assigneeId !== undefined) q = q.where('tasks.assignee_id', '=', f.assigneeId);
  if (f.gridCode !== undefined) q = q.where('tasks.grid_code', '=', f.gridCode);
  if (f.kind !== undefined) q = q.where('tasks.kind', '=', f.kind);
  if (f.campaignId !== undefined) q = q.where('tasks.campaign_id', '=', f.campaignId);
  if (f.path !== undefined) {
    const path = f.path;
    q = q.where((eb) => eb.or([eb('jurisdictions.path', '=', path), eb('jurisdictions.path', 'like', `${path}.%`)]));
  }
  if (f.after) q = q.where(sql<boolean>`(tasks.due_at, tasks.id) > (${f.after.dueAt}, ${f.after.id})`);
  return q
    .orderBy('tasks.due_at')
    .orderBy('tasks.id')
    .limit(f.limit + 1)
    .execute();
}

/** Open (or accepted) tasks per staff member; staff without any are absent from the map. */
export async function openTaskCounts(db: Db, staffIds: readonly string[]): Promise<Map<string, number>> {
  if (staffIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('tasks')
    .select(['assignee_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('assignee_id', 'in', staffIds)
    .where('status', 'in', ['open', 'accepted'])
    .groupBy('assignee_id')
    .execute();
  return new Map(rows.map((r) => [r.assignee_id as string, Number(r.n)]));
}

export async function staffForAssignment(db: Db, id: string) {
  return db
    .selectFrom('staff')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'staff.scope_jurisdiction_id')
    .select(['staff.id', 'staff.role', 'staff.active', 'staff.display_name', 'jurisdictions.path as scope_path'])
    .where('staff.id', '=', id)
    .executeTakeFirst();
}

/** Active grid workers of one grid. */
export async function gridWorkerIds(db: Db, gridCode: string): Promise<string[]> {
  const rows = await db
    .selectFrom('grid_workers')
    .innerJoin('staff', 'staff.id', 'grid_workers.staff_id')
    .select('staff.id')
    .where('grid_workers.grid_code', '=', gridCode)
    .where('staff.active', '=', true)
    .where('staff.role', '=', 'grid_worker')
    .execute();
  return rows.map((r) => r.id);
}

/** Active grid workers of any grid of a community (the fallback when a grid has none of its own). */
export async function communityWorkerIds(db: Db, communityId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('grid_workers')
    .innerJoin('grids', 'grids.code', 'grid_workers.grid_code')
    .innerJoin('staff', 'staff.id', 'grid_workers.staff_id')
    .select('staff.id')
    .distinct()
    .where('grids.community_id', '=', communityId)
    .where('staff.active', '=', true)
    .where('staff.role', '=', 'grid_worker')
    .execute();
  return rows.map((r) => r.id);
}

/** Active staff of a role whose jurisdiction contains `path`. */
export async function staffCoveringPath(db: Db, role: string, path: string): Promise<string[]> {
  const rows = await db
    .selectFrom('staff')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'staff.scope_jurisdiction_id')
    .select('staff.id')
    .where('staff.role', '=', role)
    .where('staff.active', '=', true)
    .where(sql<boolean>`(jurisdictions.path = ${path} or ${path} like jurisdictions.path || '.%')`)
    .execute();
  return rows.map((r) => r.id);
}

/** Where a subject lies: its grid and community. */
export async function subjectPlace(db: Db, kind: SubjectKind, id: string) {
  switch (kind) {
    case 'household':
      return db
        .selectFrom('households')
        .innerJoin('grids', 'grids.code', 'households.grid_code')
        .select(['grids.code as grid_code', 'grids.community_id'])
        .where('households.id', '=', id)
        .executeTakeFirst();
    case 'resident':
      return db
        .selectFrom('residents')
        .innerJoin('households', 'households.id', 'residents.household_id')
        .innerJoin('grids', 'grids.code', 'households.grid_code')
        .select(['grids.code as grid_code', 'grids.community_id'])
        .where('residents.id', '=', id)
        .executeTakeFirst();
    case 'incident':
      return db
        .selectFrom('incidents')
        .select(['incidents.grid_code', 'incidents.community_id'])
        .where('incidents.id', '=', id)
        .executeTakeFirst();
  }
}

export async function gridCommunity(db: Db, gridCode: string) {
  return db
    .selectFrom('grids')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
    .select(['grids.code', 'grids.community_id', 'jurisdictions.path'])
    .where('grids.code', '=', gridCode)
    .executeTakeFirst();
}
