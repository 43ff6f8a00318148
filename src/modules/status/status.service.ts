import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { evaluate, nextChangeAt, type Status } from '../../core/rules/index.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { activeFacts } from './facts.repository.ts';
import { cityOfPath, personScope } from './person-scope.ts';
import { publishedRuleSets, ruleSetFor } from './rulesets.service.ts';

export interface StoredStatus {
  color: 'green' | 'yellow' | 'red';
  vaccinated: boolean;
  since: string | null;
  reasons: Status['reasons'];
  clears: Status['clears'];
  summary: Status['summary'] | null;
  ruleSetId: string;
  ruleSetVersion: number;
  evaluatedAt: string;
  nextCheckAt: string | null;
}

/** The part of a status whose change is a change of status (not the evaluation time). */
function fingerprint(s: {
  color: string;
  vaccinated: boolean;
  since: string | null;
  reasons: unknown;
  clears: unknown;
}) {
  return JSON.stringify([s.color, s.vaccinated, s.since, s.reasons, s.clears]);
}

/**
 * Re-evaluates one person's status from their facts under the rule set in force, inside the caller's transaction.
 * A change is stored with its history, audited, announced in the outbox and notified to the resident.
 */
export async function recomputeStatusTx(
  trx: Transaction<DB>,
  ctx: AppContext,
  personId: string,
  now: Date,
  cause: string,
): Promise<{ status: Status; changed: boolean }> {
  // Rule sets must be loaded before the transaction (PGlite has one connection); callers do so via publishedRuleSets.
  // Serialize recomputation per person so concurrent facts cannot interleave a stale evaluation.
  await sql`select pg_advisory_xact_lock(hashtext(${personId}))`.execute(trx);
  const scope = await personScope(trx, personId);
  if (!scope) throw new Error(`no resident ${personId}`);
  const ruleSet = await ruleSetFor(ctx, scope.cityId, now);
  const facts = await activeFacts(trx, personId);
  const status = evaluate(facts, ruleSet, now.toISOString());
  const next = nextChangeAt(facts, ruleSet, now.toISOString());
  const prev = await trx.selectFrom('statuses').selectAll().where('person_id', '=', personId).executeTakeFirst();
  const prevFp = prev
    ? fingerprint({
        color: prev.color,
        vaccinated: prev.vaccinated,
        since: prev.since ? new Date(prev.since).toISOString() : null,
        reasons: parse(prev.reasons),
        clears: parse(prev.clears),
      })
    : fingerprint({ color: 'green', vaccinated: false, since: null, reasons: [], clears: null });
  const row = {
    color: status.color,
    vaccinated: status.vaccinated,
    since: status.since,
    reasons: JSON.stringify(status.reasons),
    clears: status.clears ? JSON.stringify(status.clears) : null,
    summary: JSON.stringify(status.summary),
    ruleset_id: status.ruleSetId,
    ruleset_version: status.ruleSetVersion,
    evaluated_at: now,
    next_check_at: next,
  };
  const changed =
    prevFp !==
      fingerprint({
        color: status.color,
        vaccinated: status.vaccinated,
        since: status.since ? new Date(status.since).toISOString() : null,
        reasons: status.reasons,
        clears: status.clears,
      }) ||
    (prev !== undefined && (prev.ruleset_id !== status.ruleSetId || prev.ruleset_version !== status.ruleSetVersion));
  if (!prev && !changed && facts.length === 0) return { status, changed: false };
  await trx
    .insertInto('statuses')
    .values({ person_id: personId, ...row })
    .onConflict((oc) => oc.column('person_id').doUpdateSet(row))
    .execute();
  if (!changed) return { status, changed: false };
  await trx
    .insertInto('status_history')
    .values({
      person_id: personId,
      color: status.color,
      vaccinated: status.vaccinated,
      since: status.since,
      reasons: JSON.stringify(status.reasons),
      clears: row.clears,
      summary: row.summary,
      ruleset_id: status.ruleSetId,
      ruleset_version: status.ruleSetVersion,
      changed_at: now,
      cause,
    })
    .execute();
  await appendAudit(trx, now, {
    actor: { kind: 'system', id: 'status-engine' },
    action: 'status.change',
    subjectKind: 'resident',
    subjectId: personId,
    personId,
    detail: {
      from: prev?.color ?? 'green',
      to: status.color,
      ruleSet: `${status.ruleSetId}@${status.ruleSetVersion}`,
      rules: status.reasons.map((r) => r.ruleId),
      facts: status.reasons.flatMap((r) => r.factIds),
      cause,
    },
  });
  const colorChanged = (prev?.color ?? 'green') !== status.color;
  await emitEvent(
    trx,
    now,
    'status.changed',
    {
      personId,
      from: prev?.color ?? 'green',
      to: status.color,
      colorChanged,
      gridCode: scope.gridCode,
      path: scope.path,
      ruleSet: `${status.ruleSetId}@${status.ruleSetVersion}`,
      rules: status.reasons.map((r) => r.ruleId),
      factIds: status.reasons.flatMap((r) => r.factIds),
      cause,
    },
    personId,
  );
  if (colorChanged)
    await trx
      .insertInto('notifications')
      .values({
        id: randomUUID(),
        person_id: personId,
        kind: 'status_changed',
        payload: JSON.stringify({ color: status.color, summary: status.summary }),
        created_at: now,
      })
      .execute();
  return { status, changed };
}

export async function recomputeStatus(ctx: AppContext, personId: string, cause: string) {
  await publishedRuleSets(ctx);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute((trx) => recomputeStatusTx(trx, ctx, personId, now, cause));
}

/** The scheduler: re-evaluates everyone whose status can change by now (a period ended, an override expired). */
export async function runStatusScheduler(ctx: AppContext, limit = 5000): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .selectFrom('statuses')
    .select('person_id')
    .where('next_check_at', '<=', now)
    .orderBy('next_check_at')
    .limit(limit)
    .execute();
  for (const d of due) await recomputeStatus(ctx, d.person_id, 'scheduler');
  return due.length;
}

/**
 * Full recomputation (after a rule-set change): everyone with a stored status or a fact.
 * People with neither are green by definition and need no row.
 */
export async function recomputeAll(
  ctx: AppContext,
  opts: { batch?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ evaluated: number; changed: number }> {
  const batch = opts.batch ?? 500;
  await publishedRuleSets(ctx);
  const now = ctx.clock.now();
  const ids = (
    await sql<{ person_id: string }>`
      select person_id from statuses
      union
      select distinct person_id from health_facts where withdrawn_at is null
      order by person_id`.execute(ctx.db)
  ).rows.map((r) => r.person_id);
  let changed = 0;
  for (let i = 0; i < ids.length; i += batch) {
    const chunk = ids.slice(i, i + batch);
    await ctx.db.transaction().execute(async (trx) => {
      for (const id of chunk) if ((await recomputeStatusTx(trx, ctx, id, now, 'ruleset')).changed) changed++;
    });
    opts.onProgress?.(Math.min(i + batch, ids.length), ids.length);
  }
  return { evaluated: ids.length, changed };
}

function parse(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}

/** The stored status, or green with no reasons for someone with no health facts at all. */
export async function currentStatus(ctx: AppContext, personId: string): Promise<StoredStatus> {
  const row = await ctx.db.selectFrom('statuses').selectAll().where('person_id', '=', personId).executeTakeFirst();
  if (!row) {
    const scope = await personScope(ctx.db, personId);
    const ruleSet = await ruleSetFor(ctx, scope ? cityOfPath(scope.path) : 'default', ctx.clock.now());
    const s = evaluate([], ruleSet, ctx.clock.now().toISOString());
    return {
      color: s.color,
      vaccinated: s.vaccinated,
      since: s.since,
      reasons: s.reasons,
      clears: s.clears,
      summary: s.summary,
      ruleSetId: s.ruleSetId,
      ruleSetVersion: s.ruleSetVersion,
      evaluatedAt: s.evaluatedAt,
      nextCheckAt: null,
    };
  }
  return {
    color: row.color,
    vaccinated: row.vaccinated,
    since: row.since ? new Date(row.since).toISOString() : null,
    reasons: parse(row.reasons) as Status['reasons'],
    clears: parse(row.clears) as Status['clears'],
    summary: parse(row.summary) as Status['summary'] | null,
    ruleSetId: row.ruleset_id,
    ruleSetVersion: row.ruleset_version,
    evaluatedAt: new Date(row.evaluated_at).toISOString(),
    nextCheckAt: row.next_check_at ? new Date(row.next_check_at).toISOString() : null,
  };
}
