import { sql } from 'kysely';
import { publishCount, suppressSmallCounts, SMALL_COUNT_LIMIT } from '../../core/transparency/suppress.ts';
import type { AppContext } from '../../platform/context.ts';
import { latestCheckpoint } from '../audit/checkpoints.service.ts';
import { listEmergencies } from '../emergencies/emergencies.service.ts';
import { listCertificates } from '../retention/certificates.service.ts';
import { retentionDays } from '../retention/purge.service.ts';
import { currentStatusCounts } from './status-counts.ts';

const HOUR = 3600_000;

/** A `date` column as YYYY-MM-DD, whether the driver returns text or a Date at local midnight. */
function dayText(v: unknown): string {
  if (!(v instanceof Date)) return String(v).slice(0, 10);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${v.getFullYear()}-${pad(v.getMonth() + 1)}-${pad(v.getDate())}`;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * The public transparency report: aggregates only, every count from 1 to 4 withheld (and one more per group where a
 * withheld count could be recovered by subtraction). Nothing in it names or singles out a person.
 */
export async function transparencyReport(ctx: AppContext, opts: { days?: number } = {}) {
  const now = ctx.clock.now();
  const days = opts.days ?? 90;
  const since = new Date(now.getTime() - days * 24 * HOUR).toISOString().slice(0, 10);

  const current = await currentStatusCounts(ctx);
  const daily = await ctx.db
    .selectFrom('status_daily_counts')
    .selectAll()
    .where('day', '>=', since)
    .orderBy('day')
    .orderBy('jurisdiction_id')
    .execute();

  const facts = await sql<{ kind: string; source: string; withdrawn: boolean; n: number }>`
    select kind, provenance->>'source' as source, (withdrawn_at is not null) as withdrawn, count(*)::int as n
    from health_facts group by 1, 2, 3 order by 1, 2, 3`.execute(ctx.db);

  const overrides = await sql<{ decision: string | null; target: string; reason_code: string; n: number }>`
    select decision, target, reason_code, count(*)::int as n from overrides group by 1, 2, 3`.execute(ctx.db);
  const ov = { proposed: 0, approved: 0, rejected: 0, pending: 0 };
  const ovByTarget = new Map<string, number>();
  for (const r of overrides.rows) {
    ov.proposed += r.n;
    if (r.decision === 'approved') ov.approved += r.n;
    else if (r.decision === 'rejected') ov.rejected += r.n;
    else ov.pending += r.n;
    ovByTarget.set(r.target, (ovByTarget.get(r.target) ?? 0) + r.n);
  }

  const appeals = await ctx.db
    .selectFrom('appeals')
    .select(['state', 'subject_kind', 'created_at', 'decided_at', 'deadline_at'])
    .execute();
  const ap = { filed: appeals.length, open: 0, overdue: 0, upheld: 0, rejected: 0, decidedLate: 0 };
  const decisionHours: number[] = [];
  for (const a of appeals) {
    if (a.state === 'open') {
      ap.open++;
      if (new Date(a.deadline_at) < now) ap.overdue++;
    } else {
      if (a.state === 'upheld') ap.upheld++;
      else ap.rejected++;
      if (a.decided_at) {
        decisionHours.push((new Date(a.decided_at).getTime() - new Date(a.created_at).getTime()) / HOUR);
        if (new Date(a.decided_at) > new Date(a.deadline_at)) ap.decidedLate++;
      }
    }
  }

  const flags = await ctx.db
    .selectFrom('anomaly_flags')
    .select(['detector', 'state', 'severity', 'detected_at', 'resolved_at'])
    .execute();
  const byDetector = new Map<string, { open: number; resolved: number; high: number }>();
  const resolutionHours: number[] = [];
  for (const f of flags) {
    const e = byDetector.get(f.detector) ?? { open: 0, resolved: 0, high: 0 };
    if (f.state === 'open') e.open++;
    else e.resolved++;
    if (f.severity === 'high') e.high++;
    byDetector.set(f.detector, e);
    if (f.resolved_at)
      resolutionHours.push((new Date(f.resolved_at).getTime() - new Date(f.detected_at).getTime()) / HOUR);
  }

  const ruleSets = await ctx.db
    .selectFrom('rulesets')
    .select(['id', 'version', 'jurisdiction_id', 'effective_from', 'published_at'])
    .orderBy('published_at')
    .execute();
  const certificates = await listCertificates(ctx, 1000);
  const deletedByCategory = new Map<string, number>();
  for (const c of certificates) deletedByCategory.set(c.category, (deletedByCategory.get(c.category) ?? 0) + c.count);
  const head = await ctx.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  const checkpoint = await latestCheckpoint(ctx);

  const pub = (n: number) => publishCount(n);
  return {
    generatedAt: now.toISOString(),
    suppression: {
      smallCountsUpTo: SMALL_COUNT_LIMIT,
      note: `Counts from 1 to ${SMALL_COUNT_LIMIT} are withheld (null), with one more count per group where a withheld one could be derived from the others.`,
    },
    statuses: {
      current: suppressSmallCounts(current.map((c) => ({ ...c, group: c.jurisdictionId }))).map(
        ({ group: _g, ...c }) => c,
      ),
      daily: suppressSmallCounts(
        daily.map((d) => ({
          day: dayText(d.day),
          jurisdictionId: d.jurisdiction_id,
          color: d.color,
          count: d.count,
          group: `${dayText(d.day)}/${d.jurisdiction_id}`,
        })),
      ).map(({ group: _g, ...c }) => c),
    },
    facts: suppressSmallCounts(
      facts.rows.map((r) => ({
        kind: r.kind,
        source: r.source,
        withdrawn: r.withdrawn,
        count: r.n,
        group: r.kind,
      })),
    ).map(({ group: _g, ...c }) => c),
    overrides: {
      proposed: pub(ov.proposed),
      approved: pub(ov.approved),
      rejected: pub(ov.rejected),
      pending: pub(ov.pending),
      byTarget: Object.fromEntries([...ovByTarget.entries()].map(([k, n]) => [k, pub(n)])),
    },
    appeals: {
      filed: pub(ap.filed),
      open: pub(ap.open),
      overdue: pub(ap.overdue),
      upheld: pub(ap.upheld),
      rejected: pub(ap.rejected),
      decidedAfterDeadline: pub(ap.decidedLate),
      medianHoursToDecision: ap.upheld + ap.rejected > SMALL_COUNT_LIMIT ? median(decisionHours) : null,
    },
    anomalies: {
      byDetector: [...byDetector.entries()].map(([detector, e]) => ({
        detector,
        open: pub(e.open),
        resolved: pub(e.resolved),
        high: pub(e.high),
      })),
      medianHoursToResolution: resolutionHours.length > SMALL_COUNT_LIMIT ? median(resolutionHours) : null,
    },
    ruleSets: ruleSets.map((r) => ({
      id: r.id,
      version: r.version,
      jurisdiction: r.jurisdiction_id,
      effectiveFrom: new Date(r.effective_from).toISOString(),
      publishedAt: new Date(r.published_at).toISOString(),
    })),
    emergencies: await listEmergencies(ctx),
    deletionCertificates: {
      totals: Object.fromEntries(deletedByCategory),
      items: certificates,
    },
    retention: {
      retentionDays: retentionDays(ctx.config),
      afterEmergencyEndsDays: ctx.config.RETENTION_AFTER_EMERGENCY_DAYS,
    },
    audit: {
      entries: Number(head?.seq ?? 0),
      latestCheckpoint: checkpoint
        ? {
            seq: checkpoint.statement.seq,
            headHash: checkpoint.statement.headHash,
            signedAt: checkpoint.statement.signedAt,
          }
        : null,
    },
  };
}
