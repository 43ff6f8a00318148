import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import { decodeCursor, paginate } from '../../platform/http/pagination.ts';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit, type AuditActor } from '../audit/audit.repository.ts';
import { checkAssignee, defaultGridAssignee } from './assignment.ts';
import {
  checkResult,
  FORMS_OF_KIND,
  SUBJECT_OF_KIND,
  TASK_FORM_NAMES,
  TASK_KINDS,
  type SubjectKind,
  type TaskFormName,
  type TaskKind,
  type TaskStatus,
} from './task-forms.ts';
import { emitTaskEvent, eventTaskOf, presentTask, type TaskView } from './tasks.presenter.ts';
import {
  findTask,
  gridCommunity,
  insertTask,
  listTasks,
  lockTask,
  subjectPlace,
  updateTask,
  type TaskRow,
} from './tasks.repository.ts';

/** What other modules (tracing, campaigns, officers' requests) pass to create one task. */
export interface CreateTaskInput {
  kind: TaskKind;
  /** What the work is about: an incident, a household or a resident. */
  subject: { kind: SubjectKind; id: string };
  /** Defaults to the subject's grid (the household's, the resident's home, the incident's). */
  gridCode?: string | undefined;
  dueAt: Date;
  /** Result form that closes the task; defaults to the kind's standard form. */
  form?: TaskFormName | undefined;
  /** Defaults to the grid worker of the grid with the fewest open tasks; null when the grid has none. */
  assigneeId?: string | null | undefined;
  note?: string | null | undefined;
  /** Who asks for the work (recorded in the audit log and on the task). */
  actor: AuditActor;
  /** Defaults to the clock's now. */
  at?: Date | undefined;
}

function fail(field: string, message: string): never {
  throw unprocessable(`${field}: ${message}`, { errors: [{ field, message }] });
}

/**
 * Creates one task inside the caller's transaction: validates the kind, subject, form and assignee, assigns the
 * least-loaded worker of the grid when none is named, audits and announces it. Uses only `trx` (PGlite has one
 * connection). Throws a 422 problem naming the field on bad input; the caller's transaction then rolls back.
 */
export function createTask(trx: Transaction<DB>, ctx: AppContext, input: CreateTaskInput): Promise<TaskView> {
  return createTaskWithPrefix(trx, ctx, input, '');
}

/** `prefix` names where the fields came from in error messages (`body.` for an HTTP request). */
async function createTaskWithPrefix(
  trx: Transaction<DB>,
  ctx: AppContext,
  input: CreateTaskInput,
  prefix: string,
): Promise<TaskView> {
  const fail: (field: string, message: string) => never = (field, message) => {
    throw unprocessable(`${prefix}${field}: ${message}`, { errors: [{ field: `${prefix}${field}`, message }] });
  };
  if (!TASK_KINDS.includes(input.kind))
    fail('kind', `unknown task kind '${String(input.kind)}' (known: ${TASK_KINDS.join(', ')})`);
  const expected = SUBJECT_OF_KIND[input.kind];
  if (input.subject.kind !== expected)
    fail('subject.kind', `a ${input.kind} task is about a ${expected}, not a ${String(input.subject.kind)}`);
  const form = (input.form ?? FORMS_OF_KIND[input.kind][0]) as TaskFormName;
  if (!FORMS_OF_KIND[input.kind].includes(form))
    fail(
      'form',
      TASK_FORM_NAMES.includes(form as TaskFormName)
        ? `form ${form} does not close a ${input.kind} task (allowed: ${FORMS_OF_KIND[input.kind].join(', ')})`
        : `unknown form '${String(form)}' (known: ${TASK_FORM_NAMES.join(', ')})`,
    );
  if (!(input.dueAt instanceof Date) || Number.isNaN(input.dueAt.getTime())) fail('dueAt', 'not a valid instant');
  const at = input.at ?? ctx.clock.now();
  if (input.dueAt <= at) fail('dueAt', `${input.dueAt.toISOString()} is not after now (${at.toISOString()})`);
  if (!/^[0-9a-f-]{36}$/i.test(input.subject.id)) fail('subject.id', `'${input.subject.id}' is not a uuid`);
  const subject = await subjectPlace(trx, input.subject.kind, input.subject.id);
  if (!subject) fail('subject.id', `no ${input.subject.kind} ${input.subject.id}`);
  const gridCode = input.gridCode ?? subject.grid_code;
  const grid = await gridCommunity(trx, gridCode);
  if (!grid) fail('gridCode', `no unit grid ${gridCode}`);

  let assigneeId: string | null;
  if (input.assigneeId) {
    const check = await checkAssignee(trx, input.assigneeId, grid.path);
    if (!check.ok) fail('assigneeId', check.message);
    assigneeId = check.staff.id;
  } else assigneeId = await defaultGridAssignee(trx, grid.code, grid.community_id);

  const id = randomUUID();
  const note = input.note?.trim() || null;
  if (note && note.length > 2000) fail('note', 'a note is at most 2000 characters');
  await insertTask(trx, {
    id,
    kind: input.kind,
    subjectKind: input.subject.kind,
    subjectId: input.subject.id,
    gridCode: grid.code,
    communityId: grid.community_id,
    campaignId: null,
    form,
    status: 'open',
    assigneeId,
    dueAt: input.dueAt,
    note,
    createdAt: at,
    createdBy: input.actor.id ?? input.actor.kind,
  });
  await appendAudit(trx, at, {
    actor: input.actor,
    action: 'task.create',
    subjectKind: 'task',
    subjectId: id,
    personId: input.subject.kind === 'resident' ? input.subject.id : null,
    detail: { kind: input.kind, subject: input.subject, gridCode: grid.code, assigneeId, form },
  });
  const row = (await findTask(trx, id)) as TaskRow;
  await emitTaskEvent(trx, at, 'task.created', eventTaskOf(row));
  return presentTask(row, at);
}

/** An officer's request to create a visit or follow-up task. */
export async function requestTask(
  ctx: AppContext,
  principal: Principal,
  body: Omit<CreateTaskInput, 'actor' | 'at' | 'dueAt'> & { dueAt: string },
): Promise<TaskView> {
  if (body.kind === 'incident_handling' || body.kind === 'campaign_visit')
    throw unprocessable(
      `body.kind: ${body.kind} tasks are created by ${body.kind === 'incident_handling' ? 'dispatching the incident' : 'creating a campaign'}, not directly`,
    );
  return ctx.db.transaction().execute(async (trx) => {
    const place = await subjectPlace(trx, body.subject.kind, body.subject.id);
    const grid = place ? await gridCommunity(trx, body.gridCode ?? place.grid_code) : undefined;
    const decision = authorize(principal, 'task.assign', grid ? { jurisdictionPath: grid.path } : {});
    if (!decision.allow) throw forbidden(decision.reason);
    const input = { ...body, dueAt: new Date(body.dueAt), actor: actorOf(principal) };
    return createTaskWithPrefix(trx, ctx, input, 'body.');
  });
}

/** Who may see a task: its assignee, and officers whose jurisdiction contains it. */
function canSee(principal: Principal, t: TaskRow): boolean {
  if (principal.kind !== 'staff') return false;
  if (t.assignee_id === principal.id) return true;
  return authorize(principal, 'task.assign', { jurisdictionPath: t.jurisdiction_path }).allow;
}

export async function getTask(ctx: AppContext, principal: Principal, id: string): Promise<TaskView> {
  const t = await findTask(ctx.db, id);
  if (!t) throw notFound(`No task ${id}`);
  if (!canSee(principal, t))
    throw forbidden(
      principal.kind === 'staff'
        ? `task ${id} is assigned to someone else and lies outside what you may dispatch`
        : 'tasks are for staff accounts',
    );
  return presentTask(t, ctx.clock.now());
}

const OPEN: readonly TaskStatus[] = ['open', 'accepted'];

function statusesOf(status: string | undefined): readonly TaskStatus[] {
  if (status === undefined || status === 'active') return OPEN;
  if (status === 'all') return ['open', 'accepted', 'completed', 'cancelled'];
  return [status as TaskStatus];
}

function afterOf(cursor: string | undefined): { dueAt: Date; id: string } | null {
  const c = decodeCursor(cursor);
  if (!c) return null;
  const [dueAt, id] = c;
  if (typeof dueAt !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(dueAt)))
    throw badRequest('query.cursor: not a cursor this API issued');
  return { dueAt: new Date(dueAt), id };
}

/** A worker's tasks, soonest due first. */
export async function listMyTasks(
  ctx: AppContext,
  principal: Principal,
  q: { status?: string | undefined; kind?: TaskKind | undefined; cursor?: string | undefined; limit: number },
) {
  if (principal.kind !== 'staff') throw forbidden('The task list is for staff accounts.');
  const rows = await listTasks(ctx.db, {
    assigneeId: principal.id,
    kind: q.kind,
    statuses: statusesOf(q.status),
    after: afterOf(q.cursor),
    limit: q.limit,
  });
  const now = ctx.clock.now();
  const page = paginate(rows, q.limit, (r) => [new Date(r.due_at).toISOString(), r.id]);
  return { items: page.items.map((r) => presentTask(r, now)), nextCursor: page.nextCursor };
}

/** Tasks in a jurisdiction or grid for officers who dispatch there. */
export async function listTasksInScope(
  ctx: AppContext,
  principal: Principal,
  q: {
    path: string;
    gridCode?: string | undefined;
    status?: string | undefined;
    kind?: TaskKind | undefined;
    campaignId?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
) {
  const decision = authorize(principal, 'task.assign', { jurisdictionPath: q.path });
  if (!decision.allow) throw forbidden(decision.reason);
  const rows = await listTasks(ctx.db, {
    path: q.path,
    gridCode: q.gridCode,
    kind: q.kind,
    campaignId: q.campaignId,
    statuses: statusesOf(q.status),
    after: afterOf(q.cursor),
    limit: q.limit,
  });
  const now = ctx.clock.now();
  const page = paginate(rows, q.limit, (r) => [new Date(r.due_at).toISOString(), r.id]);
  return { items: page.items.map((r) => presentTask(r, now)), nextCursor: page.nextCursor };
}

/** Loads a task for its assignee to work on, or explains why they may not. */
export async function lockOwnTask(trx: Transaction<DB>, principal: Principal, id: string): Promise<TaskRow> {
  const t = await lockTask(trx, id);
  if (!t) throw notFound(`No task ${id}`);
  const decision = authorize(principal, 'task.work', { jurisdictionPath: t.jurisdiction_path });
  if (!decision.allow) throw forbidden(decision.reason);
  if (principal.kind !== 'staff' || t.assignee_id !== principal.id)
    throw forbidden(
      t.assignee_id
        ? `task ${id} is assigned to staff ${t.assignee_id}; only the assignee may work on it`
        : `task ${id} is not assigned yet; an officer assigns it first`,
    );
  if (t.status === 'completed') throw conflict(`task ${id} is already completed`);
  if (t.status === 'cancelled') throw conflict(`task ${id} was cancelled`);
  return t;
}

export async function acceptTask(ctx: AppContext, principal: Principal, id: string): Promise<TaskView> {
  const at = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const t = await lockOwnTask(trx, principal, id);
    if (t.status === 'accepted') throw conflict(`task ${id} was already accepted`);
    await updateTask(trx, id, { status: 'accepted', accepted_at: at });
    await appendAudit(trx, at, {
      actor: actorOf(principal),
      action: 'task.accept',
      subjectKind: 'task',
      subjectId: id,
    });
    await emitTaskEvent(trx, at, 'task.accepted', { ...eventTaskOf(t), status: 'accepted' });
  });
  return getTask(ctx, principal, id);
}

/**
 * Completes a task with its result form. `onResult` lets the owner of a kind act on the result in the same
 * transaction (a campaign visit records the visit; nobody home keeps the task open) and returns whether the task
 * is finished.
 */
export async function completeTask(
  ctx: AppContext,
  principal: Principal,
  id: string,
  result: unknown,
  onResult?: (trx: Transaction<DB>, task: TaskRow, value: Record<string, unknown>, at: Date) => Promise<boolean>,
): Promise<TaskView> {
  const at = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const t = await lockOwnTask(trx, principal, id);
    const checked = checkResult(t.form as TaskFormName, result);
    if (!checked.ok)
      throw unprocessable(checked.errors.map((e) => `${e.field}: ${e.message}`).join('; '), {
        errors: checked.errors,
      });
    const finished = onResult ? await onResult(trx, t, checked.value, at) : true;
    const staffId = principal.kind === 'staff' ? principal.id : null;
    await updateTask(trx, id, {
      result: JSON.stringify(checked.value),
      attempts: t.attempts + 1,
      ...(finished
        ? { status: 'completed', completed_at: at, completed_by: staffId, accepted_at: t.accepted_at ?? at }
        : {}),
    });
    await appendAudit(trx, at, {
      actor: actorOf(principal),
      action: finished ? 'task.complete' : 'task.attempt',
      subjectKind: 'task',
      subjectId: id,
      personId: t.subject_kind === 'resident' ? t.subject_id : null,
      detail: { form: t.form, result: checked.value },
    });
    await emitTaskEvent(trx, at, finished ? 'task.completed' : 'task.visited', {
      ...eventTaskOf(t),
      status: finished ? 'completed' : t.status,
    });
  });
  return getTask(ctx, principal, id);
}

/** Gives an open task to another worker (officer); by default the least-loaded worker of the grid. */
export async function reassignTask(
  ctx: AppContext,
  principal: Principal,
  id: string,
  body: { assigneeId?: string | undefined; reason: string },
): Promise<TaskView> {
  const at = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const t = await lockTask(trx, id);
    if (!t) throw notFound(`No task ${id}`);
    const decision = authorize(principal, 'task.assign', { jurisdictionPath: t.jurisdiction_path });
    if (!decision.allow) throw forbidden(decision.reason);
    if (!OPEN.includes(t.status)) throw conflict(`task ${id} is ${t.status}; only open tasks can be reassigned`);
    const reason = body.reason.trim();
    if ([...reason].length < 2) fail('body.reason', 'a reassignment needs a written reason (at least 2 characters)');
    let next: string;
    if (body.assigneeId) {
      const check = await checkAssignee(trx, body.assigneeId, t.jurisdiction_path);
      if (!check.ok) fail('body.assigneeId', check.message);
      next = check.staff.id;
    } else {
      const pick = await defaultGridAssignee(trx, t.grid_code, t.community_id, t.assignee_id);
      if (!pick) fail('body.assigneeId', `grid ${t.grid_code} has no other grid worker; name the assignee`);
      next = pick;
    }
    if (next === t.assignee_id) fail('body.assigneeId', `task ${id} is already assigned to ${next}`);
    await updateTask(trx, id, { assignee_id: next, status: 'open', accepted_at: null });
    await appendAudit(trx, at, {
      actor: actorOf(principal),
      action: 'task.reassign',
      subjectKind: 'task',
      subjectId: id,
      detail: { from: t.assignee_id, to: next, reason },
    });
    await emitTaskEvent(trx, at, 'task.reassigned', { ...eventTaskOf(t), status: 'open', assigneeId: next });
  });
  return getTask(ctx, principal, id);
}
