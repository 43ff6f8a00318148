import { Readable } from 'node:stream';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { forbidden } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit, type AuditActor } from '../audit/audit.repository.ts';
import { invalidateGridCache } from '../grids/grids.service.ts';
import { importGrids } from './grids.import.ts';
import { prepareHouseholds } from './households.import.ts';
import { GEOJSON_KINDS, ReportBuilder, type ImportKind, type ImportReport, type ProgressFn } from './import-report.ts';
import type { ImportRun, Prepared } from './import-run.ts';
import { importJurisdictions } from './jurisdictions.import.ts';
import { preparePlaces } from './places.import.ts';
import { prepareResidents } from './residents.import.ts';

export type ImportSource = { text: string } | { stream: Readable; bytes: number };

export interface ImportOptions {
  kind: ImportKind;
  source: ImportSource;
  /** Null: the local operator on the CLI (`cliUser` names them in the audit log). */
  principal: Principal | null;
  cliUser?: string;
  dryRun?: boolean;
  onProgress?: ProgressFn;
}

class RollBack extends Error {}

/**
 * Validates a whole file, then writes it in one transaction with one audit entry, or writes nothing:
 * a file with any rejected row, or a dry run, rolls back and returns the report.
 */
export async function runImport(ctx: AppContext, opts: ImportOptions): Promise<ImportReport> {
  if (opts.principal) {
    const decision = authorize(opts.principal, 'registry.import');
    if (!decision.allow) throw forbidden(decision.reason);
  }
  const report = new ReportBuilder(opts.kind, opts.dryRun === true);
  const progress = opts.onProgress ?? (() => {});
  const actor: AuditActor = opts.principal
    ? actorOf(opts.principal)
    : { kind: 'system', id: `cli:${opts.cliUser ?? 'operator'}` };
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const run: ImportRun = { ctx, trx, report, principal: opts.principal, progress };
      if (GEOJSON_KINDS.includes(opts.kind)) {
        const text = 'text' in opts.source ? opts.source.text : await readAll(opts.source.stream);
        await (opts.kind === 'jurisdictions' ? importJurisdictions(run, text) : importGrids(run, text));
      } else {
        const { stream, bytes } =
          'text' in opts.source
            ? { stream: Readable.from([opts.source.text]), bytes: Buffer.byteLength(opts.source.text) }
            : opts.source;
        const prepared = await prepareCsv(run, opts.kind, stream, bytes);
        if (!report.ok || report.dryRun) throw new RollBack();
        await prepared.insert();
      }
      if (!report.ok || report.dryRun) throw new RollBack();
      await appendAudit(trx, ctx.clock.now(), {
        actor,
        action: 'registry.import',
        subjectKind: opts.kind,
        detail: { rows: report.rows, inserted: report.inserted },
      });
    });
  } catch (err) {
    if (!(err instanceof RollBack)) throw err;
  }
  if (opts.kind === 'grids' && report.ok && !report.dryRun) invalidateGridCache(ctx.db);
  return report.build();
}

function prepareCsv(run: ImportRun, kind: ImportKind, stream: Readable, bytes: number): Promise<Prepared> {
  switch (kind) {
    case 'households':
      return prepareHouseholds(run, stream, bytes);
    case 'residents':
      return prepareResidents(run, stream, bytes);
    case 'places':
      return preparePlaces(run, stream, bytes);
    default:
      throw new Error(`${kind} is not a CSV import`);
  }
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
