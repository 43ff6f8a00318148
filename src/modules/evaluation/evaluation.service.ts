import { authorize, inScope } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { WorkflowMetrics } from '../../core/workflow/index.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Database } from '../../platform/database/database.ts';
import { badRequest, forbidden, notFound } from '../../platform/http/problem.ts';
import { findJurisdiction } from '../jurisdictions/jurisdictions.repository.ts';
import { loadWorkflow } from '../incidents/categories.service.ts';
import { evaluationSums, type EvaluationGrouping, type GroupSums } from './evaluation.queries.ts';

const ZERO: Omit<GroupSums, 'key'> = {
  reported: 0,
  rejected: 0,
  filed: 0,
  closed: 0,
  closedOnTime: 0,
  open: 0,
  parked: 0,
  overdue: 0,
  handled: 0,
  reworked: 0,
  handlingMsSum: 0,
  closingMsSum: 0,
};

function add(a: Omit<GroupSums, 'key'>, b: Omit<GroupSums, 'key'>): Omit<GroupSums, 'key'> {
  const out = { ...a };
  for (const k of Object.keys(ZERO) as (keyof typeof ZERO)[]) out[k] = a[k] + b[k];
  return out;
}

const ratio = (n: number, d: number) => (d === 0 ? null : n / d);

/** The same arithmetic as the core's accumulator, so SQL sums give exactly `evaluateIncidents`' metrics. */
export function metricsOf(s: Omit<GroupSums, 'key'>): WorkflowMetrics {
  const dueForClosure = s.closed + s.overdue;
  return {
    reported: s.reported,
    rejected: s.rejected,
    filed: s.filed,
    dueForClosure,
    closed: s.closed,
    closedOnTime: s.closedOnTime,
    open: s.open,
    parked: s.parked,
    overdue: s.overdue,
    handled: s.handled,
    reworked: s.reworked,
    closureRate: ratio(s.closed, dueForClosure),
    onTimeClosureRate: ratio(s.closedOnTime, dueForClosure),
    reworkRate: ratio(s.reworked, s.handled),
    averageHandlingMs: s.closed > 0 ? s.handlingMsSum / s.closed : null,
    averageClosingMs: s.closed > 0 ? s.closingMsSum / s.closed : null,
  };
}

const byKey = (a: { key: string | null }, b: { key: string | null }) =>
  a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

export interface EvaluationGroup {
  key: string | null;
  metrics: WorkflowMetrics;
}

/**
 * Metrics per group, computed in SQL. For `jurisdiction` the per-community sums are rolled up to every ancestor
 * at or below `keepUnder`, so each level of the tree gets its totals (sums are additive per incident).
 */
export async function evaluateInDatabase(
  db: Database,
  q: { from: Date; to: Date; asOf: Date; scopePath: string | null; groupBy: EvaluationGrouping; keepUnder?: string },
): Promise<{ groups: EvaluationGroup[]; total: WorkflowMetrics }> {
  const sums = await evaluationSums(db, q);
  const total = metricsOf(sums.reduce((acc, s) => add(acc, s), ZERO));
  if (q.groupBy !== 'jurisdiction')
    return { groups: sums.map((s) => ({ key: s.key, metrics: metricsOf(s) })).sort(byKey), total };
  const ids = sums.map((s) => s.key).filter((k): k is string => k !== null);
  const paths = new Map(
    ids.length === 0
      ? []
      : (await db.selectFrom('jurisdictions').select(['id', 'path']).where('id', 'in', ids).execute()).map((r) => [
          r.id,
          r.path,
        ]),
  );
  const rolled = new Map<string, Omit<GroupSums, 'key'>>();
  for (const s of sums) {
    const path = s.key === null ? null : paths.get(s.key);
    if (!path) continue;
    const segments = path.split('.');
    for (let i = 1; i <= segments.length; i++) {
      const ancestor = segments.slice(0, i).join('.');
      if (q.keepUnder !== undefined && !inScope(q.keepUnder, ancestor)) continue;
      rolled.set(ancestor, add(rolled.get(ancestor) ?? ZERO, s));
    }
  }
  return {
    groups: [...rolled.entries()].map(([key, s]) => ({ key, metrics: metricsOf(s) })).sort(byKey),
    total,
  };
}

const MAX_PERIOD_MS = 2 * 366 * 24 * 3_600_000;

export interface EvaluationRequest {
  from: string;
  to: string;
  asOf?: string | undefined;
  groupBy: EvaluationGrouping;
  jurisdictionId?: string | undefined;
}

/** Evaluation of the incidents in the viewer's jurisdiction (or a part of it) over a period. */
export async function evaluation(ctx: AppContext, principal: Principal, q: EvaluationRequest) {
  const from = new Date(q.from);
  const to = new Date(q.to);
  if (!(from < to)) throw badRequest(`query.to: the period must end after it starts (from ${q.from}, to ${q.to})`);
  if (to.getTime() - from.getTime() > MAX_PERIOD_MS)
    throw badRequest('query.to: a period covers at most two years; evaluate longer spans year by year');
  const now = ctx.clock.now();
  // Past periods are evaluated as of their end; the current one as of now, not at a future instant.
  const asOf = q.asOf ? new Date(q.asOf) : to < now ? to : now;
  if (asOf < from) throw badRequest(`query.asOf: ${asOf.toISOString()} precedes the start of the period`);
  if (principal.kind !== 'staff') throw forbidden('Evaluation is for officers.');
  let scopePath = principal.scopePath;
  if (q.jurisdictionId) {
    const j = await findJurisdiction(ctx.db, q.jurisdictionId);
    if (!j) throw notFound(`No jurisdiction with code ${q.jurisdictionId}`);
    scopePath = j.path;
  }
  const decision = authorize(principal, 'incident.evaluate', { jurisdictionPath: scopePath });
  if (!decision.allow) throw forbidden(decision.reason);
  const { groups, total } = await evaluateInDatabase(ctx.db, {
    from,
    to,
    asOf,
    scopePath,
    groupBy: q.groupBy,
    keepUnder: scopePath,
  });
  const labels = await labelsFor(
    ctx,
    q.groupBy,
    groups.map((g) => g.key).filter((k): k is string => k !== null),
  );
  return {
    period: { from: from.toISOString(), to: to.toISOString(), asOf: asOf.toISOString() },
    scope: scopePath,
    groupBy: q.groupBy,
    total,
    groups: groups.map((g) => ({
      key: g.key,
      label: g.key === null ? null : (labels.get(g.key) ?? null),
      metrics: g.metrics,
    })),
  };
}

type Label = { 'zh-CN': string; en: string };

async function labelsFor(ctx: AppContext, groupBy: EvaluationGrouping, keys: string[]): Promise<Map<string, Label>> {
  if (keys.length === 0) return new Map();
  const db = ctx.db;
  switch (groupBy) {
    case 'grid':
      return new Map(
        (await db.selectFrom('grids').select(['code', 'name_zh', 'name_en']).where('code', 'in', keys).execute()).map(
          (r) => [r.code, { 'zh-CN': r.name_zh, en: r.name_en }],
        ),
      );
    case 'worker': {
      const uuids = keys.filter((k) => /^[0-9a-f-]{36}$/i.test(k));
      if (uuids.length === 0) return new Map();
      const rows = await db.selectFrom('staff').select(['id', 'display_name']).where('id', 'in', uuids).execute();
      return new Map(rows.map((r) => [r.id, { 'zh-CN': r.display_name, en: r.display_name }]));
    }
    case 'jurisdiction': {
      const ids = keys.map((k) => k.split('.').at(-1) as string);
      const rows = await db
        .selectFrom('jurisdictions')
        .select(['path', 'name_zh', 'name_en'])
        .where('id', 'in', ids)
        .execute();
      return new Map(rows.map((r) => [r.path, { 'zh-CN': r.name_zh, en: r.name_en }]));
    }
    case 'department': {
      const { tree } = await loadWorkflow(ctx);
      return new Map(tree.departments.map((d) => [d.code, d.name]));
    }
    case 'category': {
      const { config } = await loadWorkflow(ctx);
      return new Map([...config.categories.values()].map((c) => [c.code, c.name]));
    }
    case 'none':
      return new Map();
  }
}
