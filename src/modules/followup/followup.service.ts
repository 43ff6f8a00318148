import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { SYMPTOMS } from '../../core/rules/index.ts';
import type { Principal } from '../../core/policy/roles.ts';
import { DAY_MS, utcDay } from '../../core/tracing/windows.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { badRequest } from '../../platform/http/problem.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { recordFact } from '../status/facts.service.ts';
import { personScope } from '../status/person-scope.ts';
import { publishedRuleSets } from '../status/rulesets.service.ts';
import { runStatusScheduler } from '../status/status.service.ts';
import { followUpTask } from './followup.tasks.ts';

/*
 * Quarantine and isolation follow-up. While a person is red or yellow they have one active follow-up; every day of it
 * their grid worker gets a follow-up task and the resident a symptom check-in prompt. A day that passes without a
 * check-in is escalated to the worker as a task of its own. The follow-up ends when the status turns green, which only
 * the rules decide.
 */

/** An escalated missed check-in must be acted on within this time. */
const ESCALATION_DUE_MS = 4 * 3600_000;

const endOfDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS - 1000);

type Followup = {
  id: string;
  person_id: string;
  grid_code: string;
  color: 'red' | 'yellow';
  started_at: Date | string;
};

async function notify(
  trx: Transaction<DB>,
  personId: string,
  kind: string,
  payload: Record<string, unknown>,
  at: Date,
) {
  await trx
    .insertInto('notifications')
    .values({ id: randomUUID(), person_id: personId, kind, payload: JSON.stringify(payload), created_at: at })
    .execute();
}

/** Creates the day's task and check-in prompt, once per follow-up and day. */
async function planDay(trx: Transaction<DB>, ctx: AppContext, f: Followup, day: string, now: Date): Promise<boolean> {
  const inserted = await trx
    .insertInto('followup_days')
    .values({ followup_id: f.id, day, prompted_at: now })
    .onConflict((oc) => oc.columns(['followup_id', 'day']).doNothing())
    .returning('day')
    .executeTakeFirst();
  if (!inserted) return false;
  const n =
    Math.floor((Date.parse(`${day}T00:00:00Z`) - Date.parse(utcDay(new Date(f.started_at).getTime()))) / DAY_MS) + 1;
  const label = f.color === 'red' ? 'quarantine (red)' : 'self-isolation (yellow)';
  const due = new Date(Math.max(endOfDay(day).getTime(), now.getTime() + 3600_000));
  const taskId = await followUpTask(trx, ctx, {
    personId: f.person_id,
    gridCode: f.grid_code.trim(),
    dueAt: due,
    at: now,
    note: `Daily follow-up, day ${n} of ${label}: ask how they are and what they need; remind the symptom check-in. 每日随访：询问健康状况与生活需要，提醒完成症状打卡。`,
  });
  await trx
    .updateTable('followup_days')
    .set({ task_id: taskId })
    .where('followup_id', '=', f.id)
    .where('day', '=', day)
    .execute();
  await notify(
    trx,
    f.person_id,
    'symptom_checkin_due',
    {
      day,
      text: {
        'zh-CN': '请完成今天的症状打卡（无症状也请打卡）。',
        en: "Please complete today's symptom check-in (also when you have no symptoms).",
      },
    },
    now,
  );
  return true;
}

/** True when the person checked in on `day`: a check-in, or a symptom report they made that day. */
async function checkedIn(trx: Transaction<DB>, personId: string, day: string): Promise<boolean> {
  const r = await sql<{ ok: number }>`
    select 1 as ok from checkins where person_id = ${personId}::uuid and day = ${day}::date
    union all
    select 1 from health_facts
    where person_id = ${personId}::uuid and kind = 'symptom_report' and provenance->>'source' = 'self_reported'
      and recorded_at >= ${`${day}T00:00:00Z`}::timestamptz and recorded_at < ${`${day}T00:00:00Z`}::timestamptz + interval '1 day'
    limit 1`.execute(trx);
  return r.rows.length > 0;
}

/** Missed check-ins of past days go to the grid worker as a task of their own, once. */
async function escalateMissed(trx: Transaction<DB>, ctx: AppContext, f: Followup, today: string, now: Date) {
  const days = await trx
    .selectFrom('followup_days')
    .select((eb) => [eb.cast<string>('day', 'text').as('day')])
    .where('followup_id', '=', f.id)
    .where('day', '<', today)
    .where('checked_in_at', 'is', null)
    .where('escalated_at', 'is', null)
    .execute();
  let escalated = 0;
  for (const { day } of days) {
    if (await checkedIn(trx, f.person_id, day)) {
      await trx
        .updateTable('followup_days')
        .set({ checked_in_at: now })
        .where('followup_id', '=', f.id)
        .where('day', '=', day)
        .execute();
      continue;
    }
    const taskId = await followUpTask(trx, ctx, {
      personId: f.person_id,
      gridCode: f.grid_code.trim(),
      dueAt: new Date(now.getTime() + ESCALATION_DUE_MS),
      at: now,
      note: `Missed symptom check-in on ${day}: call or visit today. ${day}未完成症状打卡：请今日电话或上门随访。`,
    });
    await trx
      .updateTable('followup_days')
      .set({ escalated_at: now, escalation_task_id: taskId })
      .where('followup_id', '=', f.id)
      .where('day', '=', day)
      .execute();
    await notify(
      trx,
      f.person_id,
      'symptom_checkin_missed',
      {
        day,
        text: {
          'zh-CN': `您${day}未完成症状打卡，网格员将与您联系。`,
          en: `You did not check in on ${day}; your grid worker will contact you.`,
        },
      },
      now,
    );
    await appendAudit(trx, now, {
      actor: { kind: 'system', id: 'followup' },
      action: 'followup.escalate',
      subjectKind: 'followup',
      subjectId: f.id,
      personId: f.person_id,
      purpose: 'follow_up',
      detail: { day, taskId },
    });
    escalated++;
  }
  return escalated;
}

/** Reacts to a status change: starts, recolours or ends the person's follow-up. */
export async function onStatusChanged(ctx: AppContext, personId: string, to: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`followup:${personId}`}))`.execute(trx);
    // The event may be stale (relayed late): act on the status as it is now.
    const current = await trx
      .selectFrom('statuses')
      .select('color')
      .where('person_id', '=', personId)
      .executeTakeFirst();
    const color = current?.color ?? to;
    const active = await trx
      .selectFrom('followups')
      .selectAll()
      .where('person_id', '=', personId)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    if (color === 'green') {
      if (!active) return;
      await trx
        .updateTable('followups')
        .set({ ended_at: now, end_reason: 'released' })
        .where('id', '=', active.id)
        .execute();
      await appendAudit(trx, now, {
        actor: { kind: 'system', id: 'followup' },
        action: 'followup.end',
        subjectKind: 'followup',
        subjectId: active.id,
        personId,
        purpose: 'follow_up',
        detail: { reason: 'released' },
      });
      await emitEvent(trx, now, 'followup.ended', { followupId: active.id, personId }, personId);
      return;
    }
    if (color !== 'red' && color !== 'yellow') return;
    if (active) {
      if (active.color !== color)
        await trx.updateTable('followups').set({ color }).where('id', '=', active.id).execute();
      return;
    }
    const scope = await personScope(trx, personId);
    if (!scope) return;
    const f: Followup = { id: randomUUID(), person_id: personId, grid_code: scope.gridCode, color, started_at: now };
    await trx
      .insertInto('followups')
      .values({ ...f, started_at: now })
      .execute();
    await appendAudit(trx, now, {
      actor: { kind: 'system', id: 'followup' },
      action: 'followup.start',
      subjectKind: 'followup',
      subjectId: f.id,
      personId,
      purpose: 'follow_up',
      detail: { color, gridCode: scope.gridCode },
    });
    await emitEvent(
      trx,
      now,
      'followup.started',
      { followupId: f.id, personId, color, gridCode: scope.gridCode },
      personId,
    );
    await planDay(trx, ctx, f, utcDay(now.getTime()), now);
  });
}

/**
 * The daily run (idempotent, scheduled every few minutes): statuses whose period may have ended are re-evaluated first
 * (so released people leave follow-up), then every active follow-up gets today's task and prompt, and missed check-ins
 * of earlier days are escalated.
 */
export async function runFollowUpDaily(
  ctx: AppContext,
): Promise<{ planned: number; escalated: number; ended: number }> {
  await runStatusScheduler(ctx);
  const now = ctx.clock.now();
  const today = utcDay(now.getTime());
  const active = await ctx.db.selectFrom('followups').selectAll().where('ended_at', 'is', null).execute();
  let planned = 0;
  let escalated = 0;
  let ended = 0;
  for (const f of active) {
    const status = await ctx.db
      .selectFrom('statuses')
      .select('color')
      .where('person_id', '=', f.person_id)
      .executeTakeFirst();
    if (!status || status.color === 'green') {
      await onStatusChanged(ctx, f.person_id, 'green');
      ended++;
      continue;
    }
    await ctx.db.transaction().execute(async (trx) => {
      escalated += await escalateMissed(trx, ctx, f, today, now);
      if (await planDay(trx, ctx, f, today, now)) planned++;
    });
  }
  return { planned, escalated, ended };
}

export interface CheckinInput {
  symptoms: string[];
  temperatureC?: number | null | undefined;
}

/**
 * The resident's daily check-in. "No symptoms" is a check-in too, but not a health fact; reported symptoms are recorded
 * as a self-reported symptom fact, so the rules decide what they mean.
 */
export async function checkIn(
  ctx: AppContext,
  principal: Extract<Principal, { kind: 'resident' }>,
  input: CheckinInput,
) {
  const unknown = input.symptoms.filter((s) => !(SYMPTOMS as readonly string[]).includes(s));
  if (unknown.length)
    throw badRequest(`body.symptoms: unknown symptom ${unknown.join(', ')}; known: ${SYMPTOMS.join(', ')}`);
  await publishedRuleSets(ctx);
  const now = ctx.clock.now();
  const day = utcDay(now.getTime());
  return ctx.db.transaction().execute(async (trx) => {
    let factId: string | null = null;
    if (input.symptoms.length > 0) {
      const r = await recordFact(
        ctx,
        principal,
        {
          personId: principal.id,
          kind: 'symptom_report',
          occurredAt: now.toISOString(),
          symptoms: [...new Set(input.symptoms)],
          onsetAt: null,
          provenance: { source: 'self_reported' },
        },
        { trx, purpose: 'self_report' },
      );
      factId = r.fact.id;
    }
    const id = randomUUID();
    const row = {
      id,
      person_id: principal.id,
      day,
      at: now,
      symptoms: JSON.stringify(input.symptoms),
      temperature_c: input.temperatureC ?? null,
      fact_id: factId,
    };
    await trx
      .insertInto('checkins')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['person_id', 'day']).doUpdateSet({
          at: now,
          symptoms: row.symptoms,
          temperature_c: row.temperature_c,
          fact_id: factId ? factId : sql`checkins.fact_id`,
        }),
      )
      .execute();
    await trx
      .updateTable('followup_days')
      .set({ checked_in_at: now })
      .where('day', '=', day)
      .where('checked_in_at', 'is', null)
      .where('followup_id', 'in', (eb) =>
        eb.selectFrom('followups').select('id').where('person_id', '=', principal.id).where('ended_at', 'is', null),
      )
      .execute();
    await appendAudit(trx, now, {
      actor: { kind: 'resident', id: principal.id },
      action: 'checkin.record',
      subjectKind: 'checkin',
      subjectId: day,
      personId: principal.id,
      purpose: 'self_report',
      detail: { symptoms: input.symptoms.length, factId },
    });
    return { day, at: now.toISOString(), symptoms: input.symptoms, temperatureC: input.temperatureC ?? null, factId };
  });
}

/** The resident's own follow-up: whether they are in one, since when, and whether today's check-in is done. */
export async function myFollowUp(ctx: AppContext, personId: string) {
  const now = ctx.clock.now();
  const today = utcDay(now.getTime());
  const f = await ctx.db
    .selectFrom('followups')
    .selectAll()
    .where('person_id', '=', personId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  const checkins = await ctx.db
    .selectFrom('checkins')
    .select(['at', 'symptoms', 'temperature_c'])
    .select((eb) => eb.cast<string>('day', 'text').as('day'))
    .where('person_id', '=', personId)
    .orderBy('day', 'desc')
    .limit(30)
    .execute();
  return {
    active: Boolean(f),
    color: f?.color ?? null,
    startedAt: f ? new Date(f.started_at).toISOString() : null,
    today: { day: today, checkedIn: checkins.some((c) => c.day === today) },
    checkins: checkins.map((c) => ({
      day: c.day,
      at: new Date(c.at).toISOString(),
      symptoms: (typeof c.symptoms === 'string' ? JSON.parse(c.symptoms) : c.symptoms) as string[],
      temperatureC: c.temperature_c === null ? null : Number(c.temperature_c),
    })),
  };
}
