import {
  checkPublication,
  defaultRuleSet,
  selectRuleSet,
  validateRuleSet,
  type RuleSet,
} from '../../core/rules/index.ts';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import type { Database } from '../../platform/database/database.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { forbidden, notFound, unprocessable } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';

const cache = new WeakMap<Database, Promise<RuleSet[]>>();

/** Every published rule set (all versions stay public). The default rule set is published on first use. */
export async function publishedRuleSets(ctx: AppContext): Promise<RuleSet[]> {
  let p = cache.get(ctx.db);
  if (!p) {
    p = loadAll(ctx);
    cache.set(ctx.db, p);
    p.catch(() => cache.delete(ctx.db));
  }
  return p;
}

async function loadAll(ctx: AppContext): Promise<RuleSet[]> {
  let rows = await ctx.db.selectFrom('rulesets').select('document').orderBy('published_at').execute();
  if (rows.length === 0) {
    const now = ctx.clock.now();
    await ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('rulesets')
        .values({
          id: defaultRuleSet.id,
          version: defaultRuleSet.version,
          jurisdiction_id: defaultRuleSet.jurisdiction,
          effective_from: defaultRuleSet.effectiveFrom,
          document: JSON.stringify(defaultRuleSet),
          published_at: now,
          published_by: 'system',
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      await appendAudit(trx, now, {
        actor: { kind: 'system', id: 'rulesets' },
        action: 'ruleset.publish',
        subjectKind: 'ruleset',
        subjectId: `${defaultRuleSet.id}@${defaultRuleSet.version}`,
      });
    });
    rows = await ctx.db.selectFrom('rulesets').select('document').orderBy('published_at').execute();
  }
  return rows.map((r) => (typeof r.document === 'string' ? JSON.parse(r.document) : r.document) as RuleSet);
}

/** The rule set in force for a city at an instant: its own, else the published default. */
export async function ruleSetFor(ctx: AppContext, cityId: string, at: Date): Promise<RuleSet> {
  const all = await publishedRuleSets(ctx);
  return (
    selectRuleSet(all, cityId, at.toISOString()) ?? selectRuleSet(all, 'default', at.toISOString()) ?? defaultRuleSet
  );
}

export async function publishRuleSet(ctx: AppContext, principal: Principal, document: unknown) {
  const validation = validateRuleSet(document);
  if (!validation.ok)
    throw unprocessable(
      `The rule set was rejected: ${validation.errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; ')}`,
      { errors: validation.errors },
    );
  const ruleSet = validation.ruleSet;
  const scope = await ctx.db
    .selectFrom('jurisdictions')
    .select('path')
    .where('id', '=', ruleSet.jurisdiction)
    .executeTakeFirst();
  if (!scope) throw unprocessable(`/jurisdiction: no jurisdiction ${ruleSet.jurisdiction} here`);
  const decision = authorize(principal, 'ruleset.publish', { jurisdictionPath: scope.path });
  if (!decision.allow) throw forbidden(decision.reason);
  const now = ctx.clock.now();
  const errors = checkPublication(ruleSet, await publishedRuleSets(ctx), now.toISOString());
  if (errors.length)
    throw unprocessable(`The rule set cannot be published: ${errors.map((e) => e.message).join('; ')}`, { errors });
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('rulesets')
      .values({
        id: ruleSet.id,
        version: ruleSet.version,
        jurisdiction_id: ruleSet.jurisdiction,
        effective_from: ruleSet.effectiveFrom,
        document: JSON.stringify(ruleSet),
        published_at: now,
        published_by: principal.kind === 'staff' ? principal.id : 'system',
      })
      .execute();
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: 'ruleset.publish',
      subjectKind: 'ruleset',
      subjectId: `${ruleSet.id}@${ruleSet.version}`,
      detail: { jurisdiction: ruleSet.jurisdiction, effectiveFrom: ruleSet.effectiveFrom },
    });
    // Everyone with a stored status is re-evaluated when the new rules take effect (people with no facts stay green).
    await trx
      .updateTable('statuses')
      .set({
        next_check_at: sql`least(coalesce(next_check_at, ${new Date(ruleSet.effectiveFrom)}), ${new Date(ruleSet.effectiveFrom)})`,
      })
      .execute();
    await emitEvent(trx, now, 'ruleset.published', {
      id: ruleSet.id,
      version: ruleSet.version,
      jurisdiction: ruleSet.jurisdiction,
      effectiveFrom: ruleSet.effectiveFrom,
    });
  });
  cache.delete(ctx.db);
  return ruleSet;
}

export async function getRuleSet(ctx: AppContext, id: string, version: number) {
  const all = await publishedRuleSets(ctx);
  const r = all.find((x) => x.id === id && x.version === version);
  if (!r) throw notFound(`No published rule set ${id} version ${version}`);
  return r;
}
