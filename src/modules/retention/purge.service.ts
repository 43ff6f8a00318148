import { sql } from 'kysely';
import {
  emergencyCutoffs,
  EMERGENCY_CATEGORIES,
  RETENTION_CATEGORIES,
  rollingCutoff,
  type RetentionCategory,
  type RetentionDays,
} from '../../core/retention/policy.ts';
import type { SignedCertificate } from '../../core/audit/certificate.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Config } from '../../platform/config.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { conflict } from '../../platform/http/problem.ts';
import { appendAudit, type AuditActor } from '../audit/audit.repository.ts';
import { auditSigningKey } from '../audit/audit-keys.ts';
import { CHAIN_BASE_SETTING, chainBase } from '../audit/checkpoints.service.ts';
import { declarationPeriods } from '../emergencies/emergencies.service.ts';
import { certifyDeletionTx } from './certificates.service.ts';
import { STORES, type Candidate, type DueRule } from './stores.ts';

export function retentionDays(config: Config): RetentionDays {
  return {
    scans: config.SCAN_RETENTION_DAYS,
    health_facts: config.RETENTION_HEALTH_FACTS_DAYS,
    statuses: config.RETENTION_STATUSES_DAYS,
    cases_contacts: config.RETENTION_CASES_CONTACTS_DAYS,
    incident_photos: config.RETENTION_INCIDENT_PHOTOS_DAYS,
    audit_entries: config.RETENTION_AUDIT_ENTRIES_DAYS,
  };
}

export interface CategoryReport {
  category: RetentionCategory;
  retentionDays: number;
  cutoff: string;
  emergencyEnded: Array<{ path: string; cutoff: string }>;
  due: number;
  deleted: number;
  held: number;
  /** Why records are kept although due: the first few, with their reasons. */
  heldSample: Array<{ id: string; reason: string }>;
  range: { from: string | null; to: string | null };
  certificate: SignedCertificate | null;
  note?: string;
}

export interface PurgeReport {
  dryRun: boolean;
  at: string;
  trigger: string;
  categories: CategoryReport[];
}

/** At most this many records per category and run; the next run continues (each run certifies what it deleted). */
const PER_RUN = 500_000;

/**
 * Deletes what is past its retention period (or whose emergency ended), category by category, never what an open
 * case still needs, and issues a signed deletion certificate per category in the same transaction as the deletion.
 * A dry run reports the same numbers and deletes nothing.
 */
export async function runPurge(
  ctx: AppContext,
  opts: {
    dryRun: boolean;
    trigger: string;
    actor: AuditActor;
    categories?: readonly RetentionCategory[];
    /** Refuse the whole category instead of keeping held records back (an operator's explicit request). */
    strict?: boolean;
  },
): Promise<PurgeReport> {
  const now = ctx.clock.now();
  const days = retentionDays(ctx.config);
  const ended = emergencyCutoffs(await declarationPeriods(ctx), ctx.config.RETENTION_AFTER_EMERGENCY_DAYS, now);
  const key = opts.dryRun ? null : await auditSigningKey(ctx);
  const report: PurgeReport = { dryRun: opts.dryRun, at: now.toISOString(), trigger: opts.trigger, categories: [] };
  const wanted = opts.categories ?? RETENTION_CATEGORIES;
  for (const category of RETENTION_CATEGORIES) {
    if (!wanted.includes(category)) continue;
    const cutoff = rollingCutoff(category, days, now);
    const rule: DueRule = {
      cutoff,
      emergency: EMERGENCY_CATEGORIES.includes(category) ? ended.map((e) => ({ path: e.path, cutoff: e.cutoff })) : [],
    };
    const base: CategoryReport = {
      category,
      retentionDays: days[category],
      cutoff: cutoff.toISOString(),
      emergencyEnded: rule.emergency.map((e) => ({ path: e.path, cutoff: e.cutoff.toISOString() })),
      due: 0,
      deleted: 0,
      held: 0,
      heldSample: [],
      range: { from: null, to: null },
      certificate: null,
    };
    if (category === 'audit_entries') {
      report.categories.push(await purgeAuditPrefix(ctx, base, cutoff, opts, key));
      continue;
    }
    const store = STORES.find((s) => s.category === category);
    if (!store || !(await store.available(ctx))) {
      report.categories.push({ ...base, note: 'no such data in this deployment' });
      continue;
    }
    const due = await store.due(ctx, rule, PER_RUN);
    const held = await store.held(ctx, due);
    const go = due.filter((c) => !held.has(c.id));
    const entry: CategoryReport = {
      ...base,
      due: due.length,
      held: held.size,
      heldSample: [...held.entries()].slice(0, 20).map(([id, reason]) => ({ id, reason })),
      range: rangeOf(go),
    };
    if (held.size && opts.strict)
      throw conflict(
        `Purge refused: ${held.size} ${category} records are still needed (${entry.heldSample
          .slice(0, 5)
          .map((h) => `${h.id}: ${h.reason}`)
          .join('; ')}). Nothing was deleted.`,
        { category, held: entry.heldSample },
      );
    if (!opts.dryRun && key && go.length) {
      const basis = basisText(category, days[category], rule, go, cutoff);
      entry.certificate = await ctx.db.transaction().execute(async (trx) => {
        entry.deleted = await store.remove(trx, go);
        if (entry.deleted !== go.length)
          throw conflict(
            `${category}: expected to delete ${go.length} records but deleted ${entry.deleted}; rolled back`,
          );
        const cert = await certifyDeletionTx(trx, now, key, {
          category,
          ids: go.map((c) => c.id),
          times: go.map((c) => c.at),
          basis,
          trigger: opts.trigger,
        });
        await appendAudit(trx, now, {
          actor: opts.actor,
          action: 'retention.purge',
          subjectKind: 'deletion_certificate',
          subjectId: cert.certificate.id,
          detail: { category, deleted: entry.deleted, held: held.size, cutoff: cutoff.toISOString() },
        });
        await emitEvent(trx, now, 'retention.purged', {
          category,
          deleted: entry.deleted,
          certificate: cert.certificate.id,
        });
        return cert;
      });
    }
    report.categories.push(entry);
  }
  return report;
}

function rangeOf(cs: readonly Candidate[]) {
  let from: Date | null = null;
  let to: Date | null = null;
  for (const c of cs) {
    if (!from || c.at < from) from = c.at;
    if (!to || c.at > to) to = c.at;
  }
  return { from: from?.toISOString() ?? null, to: to?.toISOString() ?? null };
}

function basisText(category: string, days: number, rule: DueRule, go: readonly Candidate[], cutoff: Date) {
  const byAge = go.some((c) => c.at <= cutoff);
  const parts = byAge
    ? [`retention period of ${days} days for ${category} (records up to ${cutoff.toISOString()})`]
    : [];
  for (const e of rule.emergency) parts.push(`emergency for ${e.path} ended ${e.cutoff.toISOString()}`);
  return parts.join('; ');
}

/**
 * Audit entries older than their retention go as a prefix of the chain, up to a signed checkpoint, so verification
 * can start from that checkpoint's hash instead of genesis.
 */
async function purgeAuditPrefix(
  ctx: AppContext,
  base: CategoryReport,
  cutoff: Date,
  opts: { dryRun: boolean; trigger: string; actor: AuditActor },
  key: Awaited<ReturnType<typeof auditSigningKey>>,
): Promise<CategoryReport> {
  const start = await chainBase(ctx.db);
  const cp = await sql<{ seq: number; head_hash: string }>`
    select c.seq, c.head_hash from audit_checkpoints c
    where c.seq > ${start.seq}
      and (select a.at from audit_log a where a.chain_pos = c.seq) <= ${cutoff}
    order by c.seq desc limit 1`.execute(ctx.db);
  const target = cp.rows[0];
  if (!target) return { ...base, note: 'no signed checkpoint older than the retention period yet' };
  const upTo = Math.min(Number(target.seq), start.seq + PER_RUN);
  if (upTo !== Number(target.seq))
    return { ...base, note: `more than ${PER_RUN} entries due: purge the older part first` };
  const rows = await ctx.db
    .selectFrom('audit_log')
    .select(['chain_pos', 'at'])
    .where('chain_pos', '>', start.seq)
    .where('chain_pos', '<=', upTo)
    .orderBy('chain_pos')
    .execute();
  const go: Candidate[] = rows.map((r) => ({ id: `audit:${r.chain_pos}`, at: new Date(r.at), personId: null }));
  const entry: CategoryReport = { ...base, due: go.length, range: rangeOf(go) };
  if (opts.dryRun || !key || go.length === 0) return entry;
  entry.certificate = await ctx.db.transaction().execute(async (trx) => {
    const r = await trx
      .deleteFrom('audit_log')
      .where('chain_pos', '>', start.seq)
      .where('chain_pos', '<=', upTo)
      .executeTakeFirst();
    entry.deleted = Number(r.numDeletedRows);
    const cert = await certifyDeletionTx(trx, ctx.clock.now(), key, {
      category: 'audit_entries',
      ids: go.map((c) => c.id),
      times: go.map((c) => c.at),
      basis: `retention period of ${base.retentionDays} days for audit entries; chain now starts after the signed checkpoint at position ${upTo}`,
      trigger: opts.trigger,
    });
    await trx
      .insertInto('settings')
      .values({
        key: CHAIN_BASE_SETTING,
        value: JSON.stringify({ seq: upTo, hash: target.head_hash, certificateId: cert.certificate.id }),
      })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          value: JSON.stringify({ seq: upTo, hash: target.head_hash, certificateId: cert.certificate.id }),
        }),
      )
      .execute();
    await appendAudit(trx, ctx.clock.now(), {
      actor: opts.actor,
      action: 'retention.purge',
      subjectKind: 'deletion_certificate',
      subjectId: cert.certificate.id,
      detail: { category: 'audit_entries', deleted: entry.deleted, upToSeq: upTo },
    });
    return cert;
  });
  return entry;
}
