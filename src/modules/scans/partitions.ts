import { sql } from 'kysely';
import { DAY_MS, utcDay } from '../../core/tracing/windows.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Database } from '../../platform/database/database.ts';
import { appendAudit } from '../audit/audit.repository.ts';

/*
 * Scans live in one partition per UTC day (`scans_pYYYYMMDD`). Partitions are created ahead by the retention job and
 * on demand by ingestion, and dropped whole when every row in them is older than the retention period: dropping a
 * partition is instant and leaves nothing behind, unlike deleting rows.
 */

const PARTITION_LOCK = 7_400_001;
/** How many days ahead the job creates partitions, so ingestion at midnight never waits for DDL. */
const DAYS_AHEAD = 3;
/** Pseudonym → person mappings are what make a health code identifying; a checkpoint uploads within days. */
export const CODE_SUBJECT_RETENTION_DAYS = 7;

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

export const partitionName = (day: string) => `scans_p${day.replaceAll('-', '')}`;
const dayOfPartition = (name: string) => {
  const m = /^scans_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
};
export const addDays = (day: string, n: number) => utcDay(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS);

const known = new WeakMap<Database, Set<string>>();
function knownDays(db: Database): Set<string> {
  let s = known.get(db);
  if (!s) {
    s = new Set();
    known.set(db, s);
  }
  return s;
}

/** Creates the partitions for these days if they do not exist yet (idempotent, safe across processes). */
export async function ensureScanPartitions(ctx: AppContext, days: Iterable<string>): Promise<void> {
  const have = knownDays(ctx.db);
  const missing = [...new Set(days)].filter((d) => !have.has(d));
  if (missing.length === 0) return;
  for (const d of missing) if (!DAY_RE.test(d)) throw new Error(`not a day: ${d}`);
  await ctx.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${PARTITION_LOCK})`.execute(trx);
    for (const d of missing.sort())
      await sql`create table if not exists ${sql.table(partitionName(d))} partition of scans for values from (${sql.lit(d)}) to (${sql.lit(addDays(d, 1))})`.execute(
        trx,
      );
  });
  for (const d of missing) have.add(d);
}

/** The days that have a partition, oldest first. */
export async function scanPartitionDays(db: Database): Promise<string[]> {
  const rows = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'scans'::regclass`.execute(db);
  return rows.rows
    .map((r) => dayOfPartition(r.name))
    .filter((d): d is string => d !== null)
    .sort();
}

export interface RetentionReport {
  created: string[];
  dropped: Array<{ day: string; rows: number }>;
  codeSubjectsDeleted: number;
}

/**
 * The scheduled retention run: creates partitions ahead, drops every day partition whose rows are all older than
 * SCAN_RETENTION_DAYS and deletes old code-subject mappings. Each drop is recorded in the audit chain with its row
 * count, in the same transaction as the drop.
 */
export async function runScanRetention(ctx: AppContext): Promise<RetentionReport> {
  const now = ctx.clock.now();
  const retention = ctx.config.SCAN_RETENTION_DAYS;
  const today = utcDay(now.getTime());
  // A partition is dropped once its end (the next midnight) is at or before the cut-off day.
  const cutoff = utcDay(now.getTime() - retention * DAY_MS);
  const before = new Set(await scanPartitionDays(ctx.db));
  const wanted: string[] = [];
  for (let d = cutoff; d <= addDays(today, DAYS_AHEAD); d = addDays(d, 1)) wanted.push(d);
  knownDays(ctx.db).clear();
  await ensureScanPartitions(ctx, wanted);
  const created = wanted.filter((d) => !before.has(d));

  const dropped: RetentionReport['dropped'] = [];
  for (const day of [...before].filter((d) => addDays(d, 1) <= cutoff)) {
    await ctx.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${PARTITION_LOCK})`.execute(trx);
      const table = sql.table(partitionName(day));
      const count = await sql<{ n: number }>`select count(*)::int as n from ${table}`.execute(trx);
      const rows = count.rows[0]?.n ?? 0;
      await sql`drop table ${table}`.execute(trx);
      await appendAudit(trx, now, {
        actor: { kind: 'system', id: 'scan-retention' },
        action: 'scans.partition_drop',
        subjectKind: 'scan_partition',
        subjectId: day,
        detail: { day, rows, retentionDays: retention, table: partitionName(day) },
      });
      dropped.push({ day, rows });
    });
    knownDays(ctx.db).delete(day);
  }

  const subjectCutoff = addDays(today, -CODE_SUBJECT_RETENTION_DAYS);
  const codeSubjectsDeleted = await ctx.db.transaction().execute(async (trx) => {
    const r = await trx.deleteFrom('code_subjects').where('day', '<', subjectCutoff).executeTakeFirst();
    const n = Number(r.numDeletedRows);
    if (n > 0)
      await appendAudit(trx, now, {
        actor: { kind: 'system', id: 'scan-retention' },
        action: 'code_subjects.delete',
        subjectKind: 'code_subjects',
        subjectId: subjectCutoff,
        detail: { before: subjectCutoff, rows: n, retentionDays: CODE_SUBJECT_RETENTION_DAYS },
      });
    return n;
  });
  return { created, dropped, codeSubjectsDeleted };
}
