import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { staffAuth, testServer } from '../../../test/support/http.ts';
import { Problem } from '../../platform/http/problem.ts';
import { hashPassword } from '../auth/passwords.ts';
import { DEMO_PASSWORD, seedDemoCity } from '../demo/demo-seed.service.ts';
import { createTask, type CreateTaskInput } from './tasks.service.ts';

const HOUR = 3_600_000;
const GRID = '990101001001001';

describeEachBackend('task engine', (env) => {
  let app: FastifyInstance;
  let households: { id: string; grid_code: string }[];
  let residentId: string;
  let worker1: string;
  let worker2: string;
  let officer: { authorization: string };

  beforeAll(async () => {
    const { ctx } = env();
    await seedDemoCity(ctx, { seed: 7, residents: 1500 });
    app = await testServer(ctx);
    households = await ctx.db
      .selectFrom('households')
      .select(['id', 'grid_code'])
      .where('grid_code', '=', GRID)
      .orderBy('id')
      .execute();
    residentId = (
      await ctx.db
        .selectFrom('residents')
        .select('id')
        .where('household_id', '=', households[0]?.id as string)
        .executeTakeFirstOrThrow()
    ).id;
    worker1 = (
      await ctx.db.selectFrom('staff').select('id').where('username', '=', `worker.${GRID}`).executeTakeFirstOrThrow()
    ).id;
    // A second worker in the same grid, so assignment has a choice to make.
    worker2 = randomUUID();
    await ctx.db
      .insertInto('staff')
      .values({
        id: worker2,
        username: 'worker2.grid1',
        display_name: 'Second grid worker',
        role: 'grid_worker',
        scope_jurisdiction_id: '990101001001',
        password_hash: await hashPassword(DEMO_PASSWORD),
      })
      .execute();
    await ctx.db.insertInto('grid_workers').values({ grid_code: GRID, staff_id: worker2 }).execute();
    officer = await staffAuth(app, 'community.990101001001');
  });

  const create = (input: Partial<CreateTaskInput>) =>
    env()
      .ctx.db.transaction()
      .execute((trx) =>
        createTask(trx, env().ctx, {
          kind: 'household_visit',
          subject: { kind: 'household', id: households[0]?.id as string },
          dueAt: new Date(env().clock.now().getTime() + 24 * HOUR),
          actor: { kind: 'system', id: 'test' },
          ...input,
        }),
      );

  it('assigns each new task to the grid worker with the fewest open tasks', async () => {
    const first = await create({});
    const lower = [worker1, worker2].sort()[0];
    expect(first.assigneeId).toBe(lower);
    const second = await create({ subject: { kind: 'household', id: households[1]?.id as string } });
    expect(second.assigneeId).toBe(first.assigneeId === worker1 ? worker2 : worker1);
    const third = await create({ subject: { kind: 'household', id: households[2]?.id as string } });
    expect(third.assigneeId).toBe(lower);
    expect(first).toMatchObject({ kind: 'household_visit', form: 'household_visit', status: 'open', gridCode: GRID });
  });

  it('is a service API other modules call in their transaction: checked, audited, announced', async () => {
    const t = await create({
      kind: 'quarantine_follow_up',
      subject: { kind: 'resident', id: residentId },
      note: 'Day 3 of home quarantine',
    });
    expect(t).toMatchObject({ kind: 'quarantine_follow_up', gridCode: GRID, form: 'quarantine_follow_up' });
    const audit = await env()
      .ctx.db.selectFrom('audit_log')
      .select(['action', 'person_id'])
      .where('subject_id', '=', t.id)
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ action: 'task.create', person_id: residentId });
    const event = await env()
      .ctx.db.selectFrom('outbox')
      .select(['topic', 'payload'])
      .where('key', '=', t.id)
      .executeTakeFirstOrThrow();
    expect(event.topic).toBe('task.created');
    // The feed would see the grid and the kind, not who is being followed up.
    const payload = typeof event.payload === 'string' ? JSON.parse(event.payload) : event.payload;
    expect(JSON.stringify(payload)).not.toContain(residentId);

    const problems: [Partial<CreateTaskInput>, string][] = [
      [
        { kind: 'quarantine_follow_up' },
        'subject.kind: a quarantine_follow_up task is about a resident, not a household',
      ],
      [
        { form: 'campaign_visit' },
        'form: form campaign_visit does not close a household_visit task (allowed: household_visit)',
      ],
      [{ dueAt: new Date(env().clock.now().getTime() - HOUR) }, 'dueAt: '],
      [{ subject: { kind: 'household', id: randomUUID() } }, 'subject.id: no household '],
      [{ gridCode: '990101001999999' }, 'gridCode: no unit grid 990101001999999'],
      [{ assigneeId: randomUUID() }, 'assigneeId: no staff member '],
    ];
    const before = await env().ctx.db.selectFrom('tasks').select('id').execute();
    for (const [input, message] of problems) {
      const err = await create(input).catch((e: unknown) => e);
      expect(err, message).toBeInstanceOf(Problem);
      expect((err as Problem).status).toBe(422);
      expect((err as Problem).detail.startsWith(message), (err as Problem).detail).toBe(true);
    }
    const officerId = (
      await env()
        .ctx.db.selectFrom('staff')
        .select('id')
        .where('username', '=', 'community.990101001001')
        .executeTakeFirstOrThrow()
    ).id;
    const notHandler = await create({ assigneeId: officerId }).catch((e: Problem) => e);
    expect((notHandler as Problem).detail).toMatch(/only to grid_worker or health_officer staff/);
    const elsewhere = (
      await env()
        .ctx.db.selectFrom('staff')
        .select('id')
        .where('username', '=', 'worker.990101001002001')
        .executeTakeFirst()
    )?.id;
    if (elsewhere)
      expect(((await create({ assigneeId: elsewhere }).catch((e: Problem) => e)) as Problem).detail).toMatch(
        /outside that scope/,
      );
    expect((await env().ctx.db.selectFrom('tasks').select('id').execute()).length).toBe(before.length);
  });

  it("lists a worker's open tasks soonest due first, page by page", async () => {
    const worker = await staffAuth(app, `worker.${GRID}`);
    for (const h of [30, 5, 12])
      await create({ dueAt: new Date(env().clock.now().getTime() + h * HOUR), assigneeId: worker1 });
    const all = (await app.inject({ url: '/api/v1/me/tasks?limit=1000', headers: worker })).json().items;
    const due = all.map((t: { dueAt: string }) => Date.parse(t.dueAt));
    expect(due).toEqual([...due].sort((a, b) => a - b));
    expect(all.every((t: { assigneeId: string }) => t.assigneeId === worker1)).toBe(true);
    const page1 = (await app.inject({ url: '/api/v1/me/tasks?limit=2', headers: worker })).json();
    const page2 = (
      await app.inject({ url: `/api/v1/me/tasks?limit=2&cursor=${page1.nextCursor}`, headers: worker })
    ).json();
    expect([...page1.items, ...page2.items].map((t: { id: string }) => t.id)).toEqual(
      all.slice(0, 4).map((t: { id: string }) => t.id),
    );
  });

  it('is accepted and completed by its assignee with a validated result form, reassigned by an officer', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: officer,
      payload: {
        kind: 'household_visit',
        subject: { kind: 'household', id: households[3]?.id },
        dueAt: new Date(env().clock.now().getTime() + 48 * HOUR).toISOString(),
        assigneeId: worker1,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    const worker = await staffAuth(app, `worker.${GRID}`);
    const other = await staffAuth(app, 'worker2.grid1');
    expect((await app.inject({ method: 'POST', url: `/api/v1/tasks/${id}/accept`, headers: other })).statusCode).toBe(
      403,
    );
    let r = await app.inject({ method: 'POST', url: `/api/v1/tasks/${id}/accept`, headers: worker });
    expect(r.json().status).toBe('accepted');
    r = await app.inject({ method: 'POST', url: `/api/v1/tasks/${id}/accept`, headers: worker });
    expect(r.statusCode).toBe(409);
    r = await app.inject({
      method: 'POST',
      url: `/api/v1/tasks/${id}/complete`,
      headers: worker,
      payload: { result: { outcome: 'maybe', extra: 1 } },
    });
    expect(r.statusCode).toBe(422);
    expect(
      r
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['body.result', 'body.result.outcome']);
    r = await app.inject({
      method: 'POST',
      url: `/api/v1/tasks/${id}/reassign`,
      headers: officer,
      payload: { reason: '' },
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().detail).toMatch(/written reason/);
    r = await app.inject({
      method: 'POST',
      url: `/api/v1/tasks/${id}/reassign`,
      headers: worker,
      payload: { reason: 'swap' },
    });
    expect(r.statusCode).toBe(403);
    r = await app.inject({
      method: 'POST',
      url: `/api/v1/tasks/${id}/reassign`,
      headers: officer,
      payload: { reason: 'closer to it' },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ assigneeId: worker2, status: 'open' });
    r = await app.inject({
      method: 'POST',
      url: `/api/v1/tasks/${id}/complete`,
      headers: other,
      payload: { result: { outcome: 'reached', note: 'all well' } },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ status: 'completed', result: { outcome: 'reached', note: 'all well' } });
    r = await app.inject({
      method: 'POST',
      url: `/api/v1/tasks/${id}/complete`,
      headers: other,
      payload: { result: { outcome: 'reached' } },
    });
    expect(r.statusCode).toBe(409);
    const audit = await env()
      .ctx.db.selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['task.create', 'task.accept', 'task.reassign', 'task.complete']);
  });

  it('refuses direct creation of incident and campaign tasks', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: officer,
      payload: {
        kind: 'campaign_visit',
        subject: { kind: 'household', id: households[0]?.id },
        dueAt: new Date(env().clock.now().getTime() + HOUR).toISOString(),
      },
    });
    expect(r.statusCode).toBe(400);
  });
});
