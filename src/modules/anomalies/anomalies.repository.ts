import { randomUUID } from 'node:crypto';
import type { Severity } from '../../core/anomaly/thresholds.ts';
import type { AppContext } from '../../platform/context.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { appendAudit } from '../audit/audit.repository.ts';

export interface FlagInput {
  detector: string;
  /** One open flag per key: new evidence for the same pattern updates it instead of raising another. */
  dedupKey: string;
  severity: Severity;
  summary: string;
  evidence: Record<string, unknown>;
  subjectCount: number;
  firstEventAt: Date | null;
  triggerEventAt: Date | null;
  /** Evidence arrays that accumulate across updates (people, facts) instead of being replaced; capped. */
  accumulate?: readonly string[];
}

const ACCUMULATE_CAP = 1000;

function mergeEvidence(prev: Record<string, unknown>, next: Record<string, unknown>, keys: readonly string[]) {
  const out = { ...prev, ...next };
  for (const k of keys) {
    const a = Array.isArray(prev[k]) ? (prev[k] as unknown[]) : [];
    const b = Array.isArray(next[k]) ? (next[k] as unknown[]) : [];
    out[k] = [...new Set([...a, ...b])].slice(0, ACCUMULATE_CAP);
  }
  return out;
}

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2 };
const parse = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);

/**
 * Raises a flag, or updates the open flag with the same key (the severity never goes down while it is open).
 * Returns whether a new flag was raised. Raising is audited and announced, so the flag itself cannot be made to vanish.
 */
export async function raiseFlag(ctx: AppContext, f: FlagInput): Promise<{ id: string; created: boolean }> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const open = await trx
      .selectFrom('anomaly_flags')
      .select(['id', 'severity', 'subject_count', 'first_event_at', 'evidence'])
      .where('dedup_key', '=', f.dedupKey)
      .where('state', '=', 'open')
      .forUpdate()
      .executeTakeFirst();
    if (open) {
      const severity = RANK[f.severity] > RANK[open.severity] ? f.severity : open.severity;
      const prev = (parse(open.evidence) as Record<string, unknown>) ?? {};
      const evidence = mergeEvidence(prev, f.evidence, f.accumulate ?? []);
      const accumulated = f.accumulate?.[0] ? (evidence[f.accumulate[0]] as unknown[]).length : 0;
      await trx
        .updateTable('anomaly_flags')
        .set({
          severity,
          summary: f.summary,
          evidence: JSON.stringify(evidence),
          subject_count: Math.max(open.subject_count, f.subjectCount, accumulated),
          updated_at: now,
        })
        .where('id', '=', open.id)
        .execute();
      return { id: open.id, created: false };
    }
    const id = randomUUID();
    await trx
      .insertInto('anomaly_flags')
      .values({
        id,
        detector: f.detector,
        dedup_key: f.dedupKey,
        severity: f.severity,
        summary: f.summary,
        evidence: JSON.stringify(f.evidence),
        subject_count: f.subjectCount,
        first_event_at: f.firstEventAt,
        trigger_event_at: f.triggerEventAt,
        detected_at: now,
        updated_at: now,
        state: 'open',
      })
      .execute();
    await appendAudit(trx, now, {
      actor: { kind: 'system', id: 'anomaly-detection' },
      action: 'anomaly.flag',
      subjectKind: 'anomaly_flag',
      subjectId: id,
      detail: { detector: f.detector, severity: f.severity, key: f.dedupKey, subjects: f.subjectCount },
    });
    await emitEvent(trx, now, 'anomaly.flagged', { id, detector: f.detector, severity: f.severity, key: f.dedupKey });
    return { id, created: true };
  });
}

export function presentFlag(r: {
  id: string;
  detector: string;
  dedup_key: string;
  severity: string;
  summary: string;
  evidence: unknown;
  subject_count: number;
  first_event_at: Date | string | null;
  trigger_event_at: Date | string | null;
  detected_at: Date | string;
  updated_at: Date | string;
  state: string;
  resolved_at: Date | string | null;
  resolved_by: string | null;
  resolution_note: string | null;
}) {
  const iso = (v: Date | string | null) => (v ? new Date(v).toISOString() : null);
  return {
    id: r.id,
    detector: r.detector,
    key: r.dedup_key,
    severity: r.severity,
    summary: r.summary,
    evidence: parse(r.evidence) as Record<string, unknown>,
    subjectCount: r.subject_count,
    firstEventAt: iso(r.first_event_at),
    triggerEventAt: iso(r.trigger_event_at),
    detectedAt: new Date(r.detected_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    state: r.state,
    resolvedAt: iso(r.resolved_at),
    resolvedBy: r.resolved_by,
    resolutionNote: r.resolution_note,
  };
}
