import type { Transaction } from 'kysely';
import type { Principal, StaffRole } from '../../core/policy/roles.ts';
import { transition } from '../../core/workflow/index.ts';
import type {
  ActionType,
  Assignee,
  IndexedCategory,
  RejectionKind,
  TimeUnit,
  WorkflowAction,
} from '../../core/workflow/index.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { badRequest, conflict, notFound, unprocessable } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { defaultHandler } from '../tasks/assignment.ts';
import { syncIncidentTask } from '../tasks/incident-tasks.ts';
import { staffForAssignment } from '../tasks/tasks.repository.ts';
import { loadWorkflow } from './categories.service.ts';
import { actorFor, requireIncidentAccess } from './incident-access.ts';
import { columnsAfter } from './incident-columns.ts';
import { incidentEventPayload, workflowProblem } from './incident-events.ts';
import { getIncidentView, MAX_PHOTOS_PER_INCIDENT } from './incidents.service.ts';
import { decodePhotos } from './photos.ts';
import {
  columnsOf,
  findIncident,
  insertEvent,
  insertPhotos,
  lockIncident,
  photoList,
  updateIncident,
  type IncidentRow,
} from './incidents.repository.ts';

export interface ActionInput {
  type: ActionType;
  reason?: string | undefined;
  /** file: correct the category while filing. */
  categoryCode?: string | undefined;
  /** reject: why it is not a case; a duplicate names the original. */
  rejection?: RejectionKind | undefined;
  duplicateOf?: string | undefined;
  /** dispatch, reassign: who handles it; by default the least-loaded handler of the category's role there. */
  assigneeId?: string | undefined;
  /** request_extension: how much more time. */
  extension?: { amount: number; unit: TimeUnit } | undefined;
  /** evaluate: 1–5. */
  rating?: number | undefined;
  /** Text for the reporter and Open311 status notes, chosen by an officer (internal reasons never are). */
  publicNote?: string | undefined;
  /** Refuse the action if the incident changed since this version was read. */
  expectedVersion?: number | undefined;
  /** feedback: on-site photos of the result, kept with the incident's photos. */
  photos?: readonly { data: string }[] | undefined;
}

const ONLY_FOR: ReadonlyArray<[keyof ActionInput, readonly ActionType[], string]> = [
  ['categoryCode', ['file'], 'a file action'],
  ['rejection', ['reject'], 'a reject action'],
  ['duplicateOf', ['reject'], 'a reject action'],
  ['assigneeId', ['dispatch', 'reassign'], 'a dispatch or reassign action'],
  ['extension', ['request_extension'], 'a request_extension action'],
  ['rating', ['evaluate'], 'an evaluate action'],
  ['photos', ['feedback'], 'a feedback action'],
];
const ASSIGNEE_STEPS: readonly ActionType[] = ['accept', 'feedback', 'return', 'request_extension'];

function checkFields(input: ActionInput): void {
  for (const [field, types, what] of ONLY_FOR)
    if (input[field] !== undefined && !types.includes(input.type))
      throw badRequest(`body.${field}: only ${what} takes ${field}; this is a ${input.type} action`);
  if (input.publicNote !== undefined && ASSIGNEE_STEPS.includes(input.type))
    throw badRequest(`body.publicNote: public notes are written by officers, not with a ${input.type} action`);
  if (input.type === 'request_extension' && input.extension === undefined)
    throw badRequest('body.extension: say how much more time is needed, e.g. {"amount": 2, "unit": "days"}');
}

async function resolveAssignee(
  trx: Transaction<DB>,
  row: IncidentRow,
  category: IndexedCategory,
  assigneeId: string | undefined,
): Promise<Assignee> {
  let id = assigneeId;
  if (id === undefined) {
    const pick = await defaultHandler(
      trx,
      category.handler.role,
      { gridCode: row.grid_code, communityId: row.community_id, path: row.jurisdiction_path },
      row.state.assignee?.id ?? null,
    );
    if (!pick)
      throw unprocessable(
        category.handler.role === 'grid_worker'
          ? `body.assigneeId: grid ${row.grid_code} and its community have no other active grid worker; name the assignee`
          : `body.assigneeId: no other active ${category.handler.role} covers ${row.jurisdiction_path}; name the assignee`,
      );
    id = pick;
  }
  const s = await staffForAssignment(trx, id);
  if (!s) throw unprocessable(`body.assigneeId: no staff member ${id}`);
  if (!s.active) throw unprocessable(`body.assigneeId: staff member ${id} (${s.display_name}) is deactivated`);
  // Role and scope are judged by the state machine, which words the refusal.
  return {
    id: s.id,
    role: s.role as StaffRole,
    jurisdictionPath: s.scope_path,
    department: category.handler.department,
  };
}

/**
 * Applies one workflow step to a stored incident: scope checked by the policy, the step judged by the state
 * machine, then the incident, its timeline, its handling task, the audit log and the outbox change together in
 * one transaction. A refused step changes nothing.
 */
export async function applyIncidentAction(ctx: AppContext, principal: Principal, id: string, input: ActionInput) {
  checkFields(input);
  const photos = decodePhotos(input.photos ?? [], 'body.photos');
  const { config } = await loadWorkflow(ctx);
  const at = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await lockIncident(trx, id);
    if (!row) throw notFound(`No incident ${id}`);
    requireIncidentAccess(principal, 'incident.act', row.jurisdiction_path);
    if (input.expectedVersion !== undefined && input.expectedVersion !== row.version)
      throw conflict(
        `body.expectedVersion: incident ${id} is at version ${row.version}, not ${input.expectedVersion}; reload it and try again`,
        { version: row.version },
      );
    const category = config.categories.get(row.state.categoryCode);
    if (!category) throw unprocessable(`incident ${id} has category ${row.state.categoryCode}, which no longer exists`);
    if (input.duplicateOf !== undefined) {
      const original = await findIncident(trx, input.duplicateOf);
      if (!original) throw unprocessable(`body.duplicateOf: no incident ${input.duplicateOf}`);
    }
    const base = { actor: actorFor(principal), at: at.getTime(), reason: input.reason };
    let action: WorkflowAction;
    switch (input.type) {
      case 'file':
        action = { ...base, type: 'file', categoryCode: input.categoryCode };
        break;
      case 'reject':
        action = { ...base, type: 'reject', rejection: input.rejection, duplicateOf: input.duplicateOf };
        break;
      case 'dispatch':
      case 'reassign':
        action = { ...base, type: input.type, assignee: await resolveAssignee(trx, row, category, input.assigneeId) };
        break;
      case 'request_extension':
        action = {
          ...base,
          type: 'request_extension',
          extension: input.extension as { amount: number; unit: TimeUnit },
        };
        break;
      case 'evaluate':
        action = { ...base, type: 'evaluate', rating: input.rating };
        break;
      default:
        action = { ...base, type: input.type } as WorkflowAction;
    }
    const result = transition(row.state, action, config);
    if (!result.ok) throw workflowProblem(result.error);
    if (photos.length > 0) {
      const existing = (await photoList(trx, id)).length;
      if (existing + photos.length > MAX_PHOTOS_PER_INCIDENT)
        throw unprocessable(
          `body.photos: incident ${id} already has ${existing} photos; at most ${MAX_PHOTOS_PER_INCIDENT} are kept per incident`,
        );
      await insertPhotos(trx, id, photos, principal.kind === 'anonymous' ? 'anonymous' : principal.id, at);
    }
    const { next, event } = result;
    const publicNote = input.publicNote === undefined ? undefined : input.publicNote.trim() || null;
    await updateIncident(trx, id, columnsAfter(columnsOf(row), row.state, next, event, config), next, publicNote);
    if (event.rejection?.duplicateOf)
      await trx
        .updateTable('incident_details')
        .set({ duplicate_of: event.rejection.duplicateOf })
        .where('incident_id', '=', id)
        .execute();
    await insertEvent(trx, event);
    const taskId = await syncIncidentTask(
      trx,
      { id, gridCode: row.grid_code, communityId: row.community_id },
      next,
      event,
    );
    await appendAudit(trx, at, {
      actor: actorOf(principal),
      action: `incident.${event.type}`,
      subjectKind: 'incident',
      subjectId: id,
      detail: {
        seq: event.seq,
        from: event.from,
        to: event.to,
        reason: event.reason,
        taskId,
        ...(event.assignee ? { assigneeId: event.assignee.id } : {}),
        ...(event.rejection ? { rejection: event.rejection } : {}),
        ...(event.rating !== undefined ? { rating: event.rating } : {}),
        ...(photos.length > 0 ? { photos: photos.map((p) => p.sha256) } : {}),
      },
    });
    await emitEvent(trx, at, `incident.${event.type}`, incidentEventPayload(next, event), id);
  });
  return getIncidentView(ctx, principal, id);
}
