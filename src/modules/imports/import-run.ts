import type { Transaction } from 'kysely';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import type { ProgressFn, ReportBuilder } from './import-report.ts';

/** Everything one import needs; all reads and writes go through `trx`, so a rejected file leaves no trace. */
export interface ImportRun {
  ctx: AppContext;
  trx: Transaction<DB>;
  report: ReportBuilder;
  /** Who imports. Null is the local operator on the CLI, who may import anywhere in the database. */
  principal: Principal | null;
  progress: ProgressFn;
}

/** Rows validated and ready; `insert` writes them in batches. */
export interface Prepared {
  count: number;
  insert(): Promise<void>;
}

/** Why the importer may not write at `path`, or null. */
export function scopeProblem(principal: Principal | null, path: string): string | null {
  if (!principal) return null;
  const d = authorize(principal, 'registry.import', { jurisdictionPath: path });
  return d.allow ? null : d.reason;
}

export async function existingIds(
  trx: Transaction<DB>,
  table: 'households' | 'residents' | 'places',
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await trx.selectFrom(table).select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export const BATCH = 1000;

/** Inserts rows in batches, reporting progress; stops holding each batch once written. */
export async function insertInBatches<T>(
  run: ImportRun,
  rows: T[],
  write: (batch: T[]) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    await write(rows.slice(i, i + BATCH));
    run.report.inserted += Math.min(BATCH, rows.length - i);
    run.progress('insert', Math.min(i + BATCH, rows.length), rows.length);
  }
}
