import { z } from 'zod';
import { requireSignedIn } from '../../platform/http/auth-hook.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import { notFound } from '../../platform/http/problem.ts';
import type { RouteModule } from '../../platform/http/types.ts';
import { findJurisdiction } from '../jurisdictions/jurisdictions.repository.ts';
import { acceptAnyTask, completeAnyTask, reassignAnyTask } from './task-actions.ts';
import { SUBJECT_KINDS, TASK_FORM_NAMES, TASK_KINDS } from './task-forms.ts';
import { getTask, listMyTasks, listTasksInScope, requestTask } from './tasks.service.ts';

const IdParam = z.object({ id: z.uuid('must be a task id (uuid)') });
const TaskOut = z.object({
  id: z.string(),
  kind: z.string(),
  subject: z.object({ kind: z.string(), id: z.string() }),
  gridCode: z.string(),
  jurisdictionPath: z.string(),
  campaignId: z.string().nullable(),
  form: z.string(),
  status: z.string(),
  assigneeId: z.string().nullable(),
  dueAt: z.string(),
  overdue: z.boolean(),
  attempts: z.number(),
  note: z.string().nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
  acceptedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
});
const TaskPage = z.object({ items: z.array(TaskOut), nextCursor: z.string().nullable() });
const Status = z.enum(['active', 'open', 'accepted', 'completed', 'cancelled', 'all']).default('active');

export const taskRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/me/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: "The signed-in worker's tasks, soonest due first (status=active: open and accepted)",
        querystring: PageQuery.extend({ status: Status, kind: z.enum(TASK_KINDS).optional() }),
        response: { 200: TaskPage },
      },
    },
    async (req) => listMyTasks(ctx, requireSignedIn(req), req.query),
  );
  app.get(
    '/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Tasks in a jurisdiction or grid, soonest due first (officers)',
        querystring: PageQuery.extend({
          jurisdictionId: z.string().min(1).max(20).optional(),
          gridCode: z
            .string()
            .regex(/^\d{15}$/, 'must be a 15-digit unit-grid code')
            .optional(),
          campaignId: z.uuid().optional(),
          status: Status,
          kind: z.enum(TASK_KINDS).optional(),
        }),
        response: { 200: TaskPage },
      },
    },
    async (req) => {
      const principal = requireSignedIn(req);
      let path = principal.kind === 'staff' ? principal.scopePath : '';
      if (req.query.jurisdictionId) {
        const j = await findJurisdiction(ctx.db, req.query.jurisdictionId);
        if (!j) throw notFound(`No jurisdiction with code ${req.query.jurisdictionId}`);
        path = j.path;
      }
      return listTasksInScope(ctx, principal, { ...req.query, path });
    },
  );
  app.post(
    '/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary:
          'Create a household visit or quarantine follow-up task (officers). The least-loaded grid worker of the grid is assigned unless one is named.',
        body: z.strictObject({
          kind: z.enum(['household_visit', 'quarantine_follow_up']),
          subject: z.strictObject({ kind: z.enum(SUBJECT_KINDS), id: z.uuid() }),
          gridCode: z
            .string()
            .regex(/^\d{15}$/, 'must be a 15-digit unit-grid code')
            .optional(),
          dueAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' }),
          form: z.enum(TASK_FORM_NAMES as [string, ...string[]]).optional(),
          assigneeId: z.uuid().optional(),
          note: z.string().max(2000).optional(),
        }),
        response: { 201: TaskOut },
      },
    },
    async (req, reply) =>
      reply.status(201).send(
        await requestTask(ctx, requireSignedIn(req), {
          ...req.body,
          form: req.body.form as (typeof TASK_FORM_NAMES)[number] | undefined,
        }),
      ),
  );
  app.get(
    '/tasks/:id',
    {
      schema: {
        tags: ['tasks'],
        summary: 'A task (its assignee, officers in scope)',
        params: IdParam,
        response: { 200: TaskOut },
      },
    },
    async (req) => getTask(ctx, requireSignedIn(req), req.params.id),
  );
  app.post(
    '/tasks/:id/accept',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Accept a task assigned to you',
        params: IdParam,
        response: { 200: TaskOut },
      },
    },
    async (req) => acceptAnyTask(ctx, requireSignedIn(req), req.params.id),
  );
  app.post(
    '/tasks/:id/complete',
    {
      schema: {
        tags: ['tasks'],
        summary:
          'Complete a task with its result form (incident_feedback {result}, household_visit/campaign_visit {outcome, note}, quarantine_follow_up {contacted, needs, note}). A campaign visit where nobody was home keeps the task open.',
        params: IdParam,
        body: z.strictObject({ result: z.record(z.string(), z.unknown()) }),
        response: { 200: TaskOut },
      },
    },
    async (req) => completeAnyTask(ctx, requireSignedIn(req), req.params.id, req.body.result),
  );
  app.post(
    '/tasks/:id/reassign',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Give a task to another worker (officers); by default the least-loaded worker of its grid',
        params: IdParam,
        body: z.strictObject({ assigneeId: z.uuid().optional(), reason: z.string().max(4000) }),
        response: { 200: TaskOut },
      },
    },
    async (req) => reassignAnyTask(ctx, requireSignedIn(req), req.params.id, req.body),
  );
};
