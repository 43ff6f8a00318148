import { sql } from 'kysely';
import { burstVerdict } from '../../core/anomaly/burst.ts';
import { defectGroupKey, statusChainDefects, type CitedFact } from '../../core/anomaly/fact-chain.ts';
import { massFlipVerdict } from '../../core/anomaly/mass-flip.ts';
import { scopeVerdict } from '../../core/anomaly/scope.ts';
import { DEFAULT_THRESHOLDS, type AnomalyThresholds, type Severity } from '../../core/anomaly/thresholds.ts';
import type { AppContext } from '../../platform/context.ts';
import { personScope } from '../status/person-scope.ts';
import { raiseFlag } from './anomalies.repository.ts';
import { SupportChecker } from './support.ts';

const parse = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);
const SAMPLE = 200;

/** The district a jurisdiction path lies in: the segment below the city. */
export function districtOf(path: string): string {
  const parts = path.split('.');
  const cityAt = parts[0]?.endsWith('0000') && parts.length > 1 ? 1 : 0;
  return parts[cityAt + 1] ?? parts[cityAt] ?? path;
}

interface ExposureRow {
  id: string;
  person_id: string;
  recorded_by: string;
  recorded_at: Date | string;
  occurred_at: Date | string;
  data: unknown;
}

export interface DetectionOutcome {
  raised: number;
  updated: number;
}

/**
 * The detectors. Each takes one triggering thing (a fact, a status, an override, a rule-set version), looks at what
 * surrounds it in the database, and raises or updates a flag that names its evidence.
 */
export class Detectors {
  readonly outcome: DetectionOutcome = { raised: 0, updated: 0 };

  constructor(
    private ctx: AppContext,
    readonly t: AnomalyThresholds = DEFAULT_THRESHOLDS,
  ) {}

  private async flag(input: Parameters<typeof raiseFlag>[1]) {
    const r = await raiseFlag(this.ctx, input);
    if (r.created) this.outcome.raised++;
    else this.outcome.updated++;
  }

  /** A red or yellow status whose cited facts are missing, withdrawn, baseless or not approved by two people. */
  async statusChain(personId: string, trigger: Date | null, support = new SupportChecker(this.ctx)): Promise<void> {
    const st = await this.ctx.db
      .selectFrom('statuses')
      .select(['color', 'reasons', 'ruleset_id', 'ruleset_version'])
      .where('person_id', '=', personId)
      .executeTakeFirst();
    if (!st || st.color === 'green') return;
    const reasons = (parse(st.reasons) as Array<{ factIds?: string[] }>) ?? [];
    const cited = [...new Set(reasons.flatMap((r) => r.factIds ?? []))];
    const rows = cited.length
      ? await this.ctx.db
          .selectFrom('health_facts')
          .select(['id', 'kind', 'data', 'withdrawn_at', 'recorded_at', 'recorded_by', 'occurred_at'])
          .where('id', 'in', cited)
          .execute()
      : [];
    const approved = new Set(
      (
        await this.ctx.db
          .selectFrom('overrides')
          .select('fact_id')
          .where('fact_id', 'in', cited.length ? cited : ['-'])
          .where('decision', '=', 'approved')
          .whereRef('decided_by', '!=', 'proposed_by')
          .execute()
      ).map((r) => r.fact_id),
    );
    const facts = new Map<string, CitedFact & { recordedAt: Date; recordedBy: string }>();
    for (const r of rows) {
      const data = parse(r.data) as { degree?: string; caseId?: string | null; placeId?: string | null };
      facts.set(r.id, {
        id: r.id,
        kind: r.kind,
        withdrawn: r.withdrawn_at !== null,
        supported: r.kind === 'exposure' ? await support.exposureSupported(data, new Date(r.occurred_at)) : true,
        twoPerson: r.kind === 'override' ? approved.has(r.id) : undefined,
        caseId: data.caseId ?? null,
        placeId: data.placeId ?? null,
        recordedAt: new Date(r.recorded_at),
        recordedBy: r.recorded_by,
      });
    }
    const defects = statusChainDefects(st.color, cited, facts);
    const groups = new Map<string, typeof defects>();
    for (const d of defects)
      groups.set(defectGroupKey(d, personId), [...(groups.get(defectGroupKey(d, personId)) ?? []), d]);
    for (const [key, ds] of groups) {
      const d = ds[0]!;
      const fact = 'factId' in d ? facts.get(d.factId) : undefined;
      const grouped = d.kind === 'unsupported-exposure';
      const where = grouped ? (d.placeId ? `place ${d.placeId}` : `case ${d.caseId ?? '(none named)'}`) : '';
      const summary = {
        'no-reasons': `A ${st.color} status cites no facts at all`,
        'missing-fact': `A ${st.color} status cites a fact that does not exist (removed from the database?)`,
        'withdrawn-fact': `A ${st.color} status still rests on a withdrawn fact`,
        'unsupported-exposure': `People turned ${st.color} by exposures at ${where} with no confirmed case behind them`,
        'unapproved-override': `A ${st.color} status rests on an override fact no second person approved`,
      }[d.kind];
      await this.flag({
        detector: 'unsupported-status',
        dedupKey: `unsupported-status:${key}`,
        severity: grouped ? 'medium' : 'high',
        summary,
        evidence: {
          defect: d.kind,
          color: st.color,
          ruleSet: `${st.ruleset_id}@${st.ruleset_version}`,
          ...(grouped ? { placeId: d.placeId, caseId: d.caseId } : {}),
          personIds: [personId],
          factIds: ds.map((x) => ('factId' in x ? x.factId : null)).filter(Boolean),
          recorders: fact ? [fact.recordedBy] : [],
        },
        accumulate: ['personIds', 'factIds', 'recorders'],
        subjectCount: 1,
        firstEventAt: fact?.recordedAt ?? trigger,
        triggerEventAt: trigger,
      });
    }
  }

  /**
   * Exposures concentrated on one place, recorder, case or home district within the window, far above that key's
   * usual rate, mostly without a confirmed case behind them (the Zhengzhou pattern).
   */
  async exposureBurst(factId: string, trigger: Date | null, support = new SupportChecker(this.ctx)): Promise<void> {
    const f = await this.ctx.db
      .selectFrom('health_facts')
      .select(['id', 'person_id', 'kind', 'recorded_by', 'recorded_at', 'data'])
      .where('id', '=', factId)
      .executeTakeFirst();
    if (!f || f.kind !== 'exposure') return;
    const data = parse(f.data) as { placeId?: string | null; caseId?: string | null };
    const scope = await personScope(this.ctx.db, f.person_id);
    const dims: Array<[string, string | null | undefined]> = [
      ['place', data.placeId],
      ['recorder', f.recorded_by],
      ['case', data.caseId],
      ['region', scope ? districtOf(scope.path) : null],
    ];
    for (const [dim, key] of dims)
      if (key) await this.exposureBurstFor(dim, key, new Date(f.recorded_at), trigger, support);
  }

  async exposureBurstFor(dim: string, key: string, at: Date, trigger: Date | null, support: SupportChecker) {
    const from = new Date(at.getTime() - this.t.windowMs);
    const baseFrom = new Date(from.getTime() - this.t.baselineMs);
    const filter =
      dim === 'place'
        ? sql`f.data->>'placeId' = ${key}`
        : dim === 'recorder'
          ? sql`f.recorded_by = ${key}`
          : dim === 'case'
            ? sql`f.data->>'caseId' = ${key}`
            : sql`f.person_id in (select r.id from residents r join households h on h.id = r.household_id
                  join grids g on g.code = h.grid_code join jurisdictions j on j.id = g.community_id
                  where j.path like ${`%.${key}.%`} or j.path like ${`${key}.%`})`;
    const rows = (
      await sql<ExposureRow>`
        select f.id, f.person_id, f.recorded_by, f.recorded_at, f.occurred_at, f.data from health_facts f
        where f.kind = 'exposure' and f.withdrawn_at is null and f.recorded_at > ${from} and f.recorded_at <= ${at}
          and ${filter}
        order by f.recorded_at
        limit 20000`.execute(this.ctx.db)
    ).rows;
    const people = new Set(rows.map((r) => r.person_id));
    if (people.size < this.t.burstMinPeople) return;
    const baseline = await sql<{ n: number }>`
      select count(*)::int as n from health_facts f
      where f.kind = 'exposure' and f.recorded_at > ${baseFrom} and f.recorded_at <= ${from} and ${filter}`.execute(
      this.ctx.db,
    );
    const unsupportedPeople = new Set<string>();
    const recorders = new Map<string, number>();
    const places = new Map<string, number>();
    for (const r of rows) {
      const d = parse(r.data) as { degree?: string; caseId?: string | null; placeId?: string | null };
      if (!(await support.exposureSupported(d, new Date(r.occurred_at)))) unsupportedPeople.add(r.person_id);
      recorders.set(r.recorded_by, (recorders.get(r.recorded_by) ?? 0) + 1);
      if (d.placeId) places.set(d.placeId, (places.get(d.placeId) ?? 0) + 1);
    }
    const verdict = burstVerdict(
      { people: people.size, baselineEvents: Number(baseline.rows[0]?.n ?? 0), unsupported: unsupportedPeople.size },
      { ...this.t, minPeople: this.t.burstMinPeople },
    );
    // A burst with a confirmed case behind it is an outbreak, not an anomaly.
    if (!verdict || unsupportedPeople.size * 2 < people.size) return;
    const top = (m: Map<string, number>) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10)
        .map(([k, n]) => ({ id: k, facts: n }));
    await this.flag({
      detector: 'exposure-burst',
      dedupKey: `exposure-burst:${dim}:${key}`,
      severity: verdict.severity,
      summary: `${people.size} people given exposures by ${dim} ${key} within ${Math.round(this.t.windowMs / 60_000)} minutes; ${unsupportedPeople.size} with no confirmed case behind them`,
      evidence: {
        dimension: dim,
        key,
        window: { from: from.toISOString(), to: at.toISOString() },
        people: people.size,
        unsupported: unsupportedPeople.size,
        usualPerWindow: Number(verdict.expectedPerWindow.toFixed(3)),
        ratio: Number(verdict.ratio.toFixed(1)),
        reasons: verdict.reasons,
        recorders: top(recorders),
        places: top(places),
        factIds: rows.slice(0, SAMPLE).map((r) => r.id),
        personIds: [...unsupportedPeople].slice(0, SAMPLE),
      },
      subjectCount: people.size,
      firstEventAt: rows[0] ? new Date(rows[0].recorded_at) : null,
      triggerEventAt: trigger,
    });
  }

  /** Overrides concentrated on one proposer, approver, pair, community, district, or simply on one hour. */
  async overrideBurst(overrideId: string, trigger: Date | null): Promise<void> {
    const o = await this.ctx.db.selectFrom('overrides').selectAll().where('id', '=', overrideId).executeTakeFirst();
    if (!o) return;
    const scope = await personScope(this.ctx.db, o.person_id);
    const at = new Date(o.decided_at ?? o.proposed_at);
    const dims: Array<[string, string | null]> = [
      ['proposer', o.proposed_by],
      ['approver', o.decision === 'approved' ? o.decided_by : null],
      ['pair', o.decision === 'approved' && o.decided_by ? `${o.proposed_by}+${o.decided_by}` : null],
      ['community', scope ? (scope.path.split('.').at(-1) ?? null) : null],
      ['region', scope ? districtOf(scope.path) : null],
      ['window', 'all'],
    ];
    for (const [dim, key] of dims) if (key) await this.overrideBurstFor(dim, key, at, trigger);
  }

  async overrideBurstFor(dim: string, key: string, at: Date, trigger: Date | null) {
    const from = new Date(at.getTime() - this.t.windowMs);
    const baseFrom = new Date(from.getTime() - this.t.baselineMs);
    const time = dim === 'approver' || dim === 'pair' ? sql.ref('o.decided_at') : sql.ref('o.proposed_at');
    const personIn = (needle: string) => sql`o.person_id in (select r.id from residents r
      join households h on h.id = r.household_id join grids g on g.code = h.grid_code
      join jurisdictions j on j.id = g.community_id where j.path like ${needle})`;
    const filter =
      dim === 'proposer'
        ? sql`o.proposed_by = ${key}::uuid`
        : dim === 'approver'
          ? sql`o.decided_by = ${key}::uuid and o.decision = 'approved'`
          : dim === 'pair'
            ? sql`o.proposed_by::text || '+' || o.decided_by::text = ${key} and o.decision = 'approved'`
            : dim === 'community'
              ? personIn(`%${key}`)
              : dim === 'region'
                ? personIn(`%.${key}.%`)
                : sql`true`;
    const rows = (
      await sql<{
        id: string;
        person_id: string;
        target: string;
        reason_code: string;
        proposed_by: string;
        decided_by: string | null;
        t: Date | string;
      }>`
        select o.id, o.person_id, o.target, o.reason_code, o.proposed_by, o.decided_by, ${time} as t from overrides o
        where ${time} > ${from} and ${time} <= ${at} and ${filter} order by ${time} limit 5000`.execute(this.ctx.db)
    ).rows;
    const people = new Set(rows.map((r) => r.person_id));
    if (people.size < this.t.overrideBurstMinPeople) return;
    const baseline = await sql<{ n: number }>`
      select count(*)::int as n from overrides o where ${time} > ${baseFrom} and ${time} <= ${from} and ${filter}`.execute(
      this.ctx.db,
    );
    const verdict = burstVerdict(
      { people: people.size, baselineEvents: Number(baseline.rows[0]?.n ?? 0), unsupported: 0 },
      { ...this.t, minPeople: this.t.overrideBurstMinPeople },
    );
    if (!verdict) return;
    const worsening = rows.filter((r) => r.target === 'red' || r.target === 'yellow').length;
    const severity: Severity = worsening * 2 >= rows.length ? 'high' : verdict.severity;
    const count = (f: (r: (typeof rows)[number]) => string | null) => {
      const m = new Map<string, number>();
      for (const r of rows) {
        const k = f(r);
        if (k) m.set(k, (m.get(k) ?? 0) + 1);
      }
      return Object.fromEntries(m);
    };
    await this.flag({
      detector: 'override-burst',
      dedupKey: `override-burst:${dim}:${key}`,
      severity,
      summary: `${people.size} people's statuses overridden by ${dim === 'window' ? 'anyone' : `${dim} ${key}`} within ${Math.round(this.t.windowMs / 60_000)} minutes (${worsening} to red or yellow)`,
      evidence: {
        dimension: dim,
        key,
        window: { from: from.toISOString(), to: at.toISOString() },
        people: people.size,
        usualPerWindow: Number(verdict.expectedPerWindow.toFixed(3)),
        ratio: Number(verdict.ratio.toFixed(1)),
        targets: count((r) => r.target),
        reasonCodes: count((r) => r.reason_code),
        proposers: count((r) => r.proposed_by),
        approvers: count((r) => r.decided_by),
        overrideIds: rows.slice(0, SAMPLE).map((r) => r.id),
      },
      subjectCount: people.size,
      firstEventAt: rows[0] ? new Date(rows[0].t) : null,
      triggerEventAt: trigger,
    });
  }

  /** A fact recorded outside the recorder's jurisdiction, or far from where a local recorder usually works. */
  async recorderScope(factId: string, trigger: Date | null): Promise<void> {
    const f = await this.ctx.db
      .selectFrom('health_facts')
      .leftJoin('jurisdictions', 'jurisdictions.id', 'health_facts.recorder_scope')
      .select([
        'health_facts.id',
        'health_facts.person_id',
        'health_facts.kind',
        'health_facts.recorded_by',
        'health_facts.recorder_role',
        'health_facts.recorded_at',
        'jurisdictions.path',
        'jurisdictions.level',
      ])
      .where('health_facts.id', '=', factId)
      .executeTakeFirst();
    if (!f || !f.path) return;
    const scope = await personScope(this.ctx.db, f.person_id);
    if (!scope) return;
    const district = districtOf(scope.path);
    const at = new Date(f.recorded_at);
    const from = new Date(at.getTime() - this.t.windowMs);
    const local = f.level !== 'city' && f.level !== 'province';
    const byDistrict = local
      ? (
          await sql<{ path: string; n: number; recent: boolean }>`
            select j.path, count(*)::int as n, (hf.recorded_at > ${from}) as recent
            from health_facts hf join residents r on r.id = hf.person_id join households h on h.id = r.household_id
            join grids g on g.code = h.grid_code join jurisdictions j on j.id = g.community_id
            where hf.recorded_by = ${f.recorded_by} and hf.recorded_at > ${new Date(from.getTime() - this.t.baselineMs)}
              and hf.recorded_at <= ${at}
            group by 1, 3`.execute(this.ctx.db)
        ).rows
      : [];
    const history = new Map<string, number>();
    let recentInDistrict = 0;
    for (const r of byDistrict) {
      const dj = districtOf(r.path);
      if (r.recent) {
        if (dj === district) recentInDistrict += Number(r.n);
      } else history.set(dj, (history.get(dj) ?? 0) + Number(r.n));
    }
    const verdict = scopeVerdict(
      {
        recorderScopePath: f.path,
        personPath: scope.path,
        personDistrict: district,
        history,
        recentInDistrict,
        localRecorder: local,
      },
      this.t,
    );
    if (!verdict) return;
    await this.flag({
      detector: 'recorder-scope',
      dedupKey: `recorder-scope:${f.recorded_by}:${district}`,
      severity: verdict.severity,
      summary: `${f.recorder_role ?? 'recorder'} ${f.recorded_by} recorded facts about people in district ${district}: ${verdict.reason}`,
      evidence: {
        recorder: f.recorded_by,
        recorderRole: f.recorder_role,
        recorderScope: f.path,
        district,
        usualShare: verdict.usualShare,
        history: Object.fromEntries(history),
        recentInDistrict,
        factIds: [f.id],
        personIds: [f.person_id],
      },
      accumulate: ['factIds', 'personIds'],
      subjectCount: 1,
      firstEventAt: at,
      triggerEventAt: trigger,
    });
  }

  /** A rule-set version that turned many people red or yellow at once. */
  async massFlip(ruleSetId: string, version: number, trigger: Date | null): Promise<void> {
    const rows = (
      await sql<{ color: string; prev: string | null }>`
        select h.color,
          (select p.color from status_history p where p.person_id = h.person_id and p.id < h.id
           order by p.id desc limit 1) as prev
        from status_history h
        where h.cause = 'ruleset' and h.ruleset_id = ${ruleSetId} and h.ruleset_version = ${version}`.execute(
        this.ctx.db,
      )
    ).rows;
    const toColor: Record<string, number> = {};
    for (const r of rows) if (r.color !== (r.prev ?? 'green')) toColor[r.color] = (toColor[r.color] ?? 0) + 1;
    const evaluated = await this.ctx.db
      .selectFrom('statuses')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('ruleset_id', '=', ruleSetId)
      .where('ruleset_version', '=', version)
      .executeTakeFirst();
    const verdict = massFlipVerdict({ toColor, evaluated: Number(evaluated?.n ?? 0) }, this.t.massFlipMinPeople);
    if (!verdict) return;
    const published = await this.ctx.db
      .selectFrom('rulesets')
      .select(['published_by', 'published_at', 'jurisdiction_id'])
      .where('id', '=', ruleSetId)
      .where('version', '=', version)
      .executeTakeFirst();
    await this.flag({
      detector: 'ruleset-mass-flip',
      dedupKey: `ruleset-mass-flip:${ruleSetId}@${version}`,
      severity: verdict.severity,
      summary: `Rule set ${ruleSetId}@${version}: ${verdict.reason}`,
      evidence: {
        ruleSet: `${ruleSetId}@${version}`,
        toColor,
        evaluated: Number(evaluated?.n ?? 0),
        publishedBy: published?.published_by ?? null,
        publishedAt: published?.published_at ? new Date(published.published_at).toISOString() : null,
        jurisdiction: published?.jurisdiction_id ?? null,
      },
      subjectCount: verdict.worsened,
      firstEventAt: published?.published_at ? new Date(published.published_at) : null,
      triggerEventAt: trigger,
    });
  }
}
