import type { AppContext } from '../../platform/context.ts';
import { presentAppeal } from '../appeals/appeals.presenter.ts';
import { presentOverride } from '../status/overrides.service.ts';
import { factsOf } from '../status/facts.repository.ts';
import { currentStatus } from '../status/status.service.ts';
import { accessLog } from './access-log.ts';

const parse = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);
const iso = (v: Date | string | null) => (v ? new Date(v).toISOString() : null);

/**
 * One page answering "what does the system hold about me, why am I this color, and who has looked": the status with
 * its reasons, every change with the rule-set version, every fact with its source, overrides, appeals and the access
 * log.
 */
export async function myTransparency(ctx: AppContext, personId: string) {
  const now = ctx.clock.now();
  const [status, history, facts, overrides, appeals, access] = await Promise.all([
    currentStatus(ctx, personId),
    ctx.db
      .selectFrom('status_history')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('id', 'desc')
      .limit(500)
      .execute(),
    factsOf(ctx.db, personId),
    ctx.db
      .selectFrom('overrides')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('proposed_at', 'desc')
      .execute(),
    ctx.db.selectFrom('appeals').selectAll().where('person_id', '=', personId).orderBy('created_at', 'desc').execute(),
    accessLog(ctx, personId, { limit: 100 }),
  ]);
  return {
    status,
    statusHistory: history.map((r) => ({
      color: r.color,
      vaccinated: r.vaccinated,
      since: iso(r.since),
      changedAt: new Date(r.changed_at).toISOString(),
      reasons: parse(r.reasons),
      summary: parse(r.summary),
      ruleSet: `${r.ruleset_id}@${r.ruleset_version}`,
      cause: r.cause,
    })),
    facts: facts.map((f) => ({
      id: f.id,
      kind: f.kind,
      occurredAt: new Date(f.occurred_at).toISOString(),
      recordedAt: new Date(f.recorded_at).toISOString(),
      recordedBy: f.recorded_by,
      recorderRole: f.recorder_role,
      source: parse(f.provenance) as Record<string, unknown>,
      withdrawnAt: iso(f.withdrawn_at),
      withdrawnReason: f.withdrawn_reason,
    })),
    overrides: overrides.map(presentOverride),
    appeals: appeals.map((a) => presentAppeal(a, now)),
    accessLog: access,
  };
}
