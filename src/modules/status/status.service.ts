import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Transaction } from 'kysely';
import { evaluate, nextChangeAt, type Status } from '../../core/rules/index.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import { appendAuditMany, type AuditInput } from '../audit/audit.repository.ts';
import { activeFactsOf } from './facts.repository.ts';
import { cityOfPath, personScope, personScopes } from './person-scope.ts';
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
  const [one] = await recomputeStatusesTx(trx, ctx, [personId], now, [cause]);
  return one!;
}

/**
 * The same for many people at once, with set-based statements (tracing turns thousands of contacts red in one
 * transaction). `causes` is one cause for all, or one per person. Results are in the order of `personIds`.
 */
export async function recomputeStatusesTx(
  trx: Transaction<DB>,
  ctx: AppContext,
  personIds: string[],
  now: Date,
  causes: string[],
): Promise<Array<{ status: Status; changed: boolean }>> {
  if (personIds.length === 0) return [];
  const causeOf = (i: number) => causes[causes.length === 1 ? 0 : i]!;
  // Rule sets must be loaded before the transaction (PGlite has one connection); callers do so via publishedRuleSets.
  // Serialize recomputation per person so concurrent facts cannot interleave a stale evaluation (in id order: no
  // deadlock between two batches).
  const ids = [...new Set(personIds)];
  await sql`select pg_advisory_xact_lock(hashtext(id)) from unnest(${[...ids].sort()}::text[]) as id`.execute(trx);
  const scopes = await personScopes(trx, ids);
  const factsOf = await activeFactsOf(trx, ids);
  const prevOf = new Map(
    (await trx.selectFrom('statuses').selectAll().where('person_id', 'in', ids).execute()).map((r) => [r.person_id, r]),
  );
  const upserts: Insertable<DB['statuses']>[] = [];
  const history: Insertable<DB['status_history']>[] = [];
  const audits: AuditInput[] = [];
  const events: Insertable<DB['outbox']>[] = [];
  const notes: Insertable<DB['notifications']>[] = [];
  const out = new Map<string, { status: Status; changed: boolean }>();
  const ruleSets = new Map<string, Awaited<ReturnType<typeof ruleSetFor>>>();
  for (const [i, personId] of personIds.entries()) {
    if (out.has(personId)) continue;
    const cause = causeOf(i);
    const scope = scopes.get(personId);
    if (!scope) throw new Error(`no resident ${personId}`);
    let ruleSet = ruleSets.get(scope.cityId);
    if (!ruleSet) ruleSets.set(scope.cityId, (ruleSet = await ruleSetFor(ctx, scope.cityId, now)));
    const facts = factsOf.get(personId) ?? [];
    const status = evaluate(facts, ruleSet, now.toISOString());
    const next = nextChangeAt(facts, ruleSet, now.toISOString());
    const prev = prevOf.get(personId);
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
    out.set(personId, { status, changed });
    if (!prev && !changed && facts.length === 0) continue;
    upserts.push({ person_id: personId, ...row });
    if (!changed) continue;
    history.push({
      person_id: personId,
      color: status.color,
      vaccinated: status.vaccinated,
      since: status.since,
      reasons: row.reasons,
      clears: row.clears,
      summary: row.summary,
      ruleset_id: status.ruleSetId,
      ruleset_version: status.ruleSetVersion,
      changed_at: now,
      cause,
    });
    audits.push({
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
    events.push({
      topic: 'status.changed',
      key: personId,
      payload: JSON.stringify({
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
      }),
      created_at: now,
    });
    if (colorChanged)
      notes.push({
        id: randomUUID(),
        person_id: personId,
        kind: 'status_changed',
        payload: JSON.stringify({ color: status.color, summary: status.summary }),
        created_at: now,
      });
  }
  const CHUNK = 500;
  for (let i = 0; i < upserts.length; i += CHUNK)
    await trx
      .insertInto('statuses')
      .values(upserts.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.column('person_id').doUpdateSet((eb) => ({
          color: eb.ref('excluded.color'),
          vaccinated: eb.ref('excluded.vaccinated'),
          since: eb.ref('excluded.since'),
          reasons: eb.ref('excluded.reasons'),
          clears: eb.ref('excluded.clears'),
          summary: eb.ref('excluded.summary'),
          ruleset_id: eb.ref('excluded.ruleset_id'),
          ruleset_version: eb.ref('excluded.ruleset_version'),
          evaluated_at: eb.ref('excluded.evaluated_at'),
          next_check_at: eb.ref('excluded.next_check_at'),
        })),
      )
      .execute();
  for (let i = 0; i < history.length; i += CHUNK)
    await trx
      .insertInto('status_history')
      .values(history.slice(i, i + CHUNK))
      .execute();
  await appendAuditMany(trx, now, audits);
  for (let i = 0; i < events.length; i += CHUNK)
    await trx
      .insertInto('outbox')
      .values(events.slice(i, i + CHUNK))
      .execute();
  for (let i = 0; i < notes.length; i += CHUNK)
    await trx
      .insertInto('notifications')
      .values(notes.slice(i, i + CHUNK))
      .execute();
  return personIds.map((id) => out.get(id)!);
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
    // One set-based recomputation per chunk: a handful of statements for `batch` people, not ~8 per person.
    const results = await ctx.db.transaction().execute((trx) => recomputeStatusesTx(trx, ctx, chunk, now, ['ruleset']));
    changed += results.filter((r) => r.changed).length;
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
