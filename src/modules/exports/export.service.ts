import { stringify } from 'csv-stringify/sync';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Database } from '../../platform/database/database.ts';
import { forbidden, notFound } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { parseJson } from '../jurisdictions/jurisdictions.presenter.ts';
import type { ImportKind } from '../imports/import-report.ts';
import { exportQueries, type CsvQuery, type ExportQuery, type ExportRow, type GeoJsonQuery } from './export.queries.ts';

export interface ExportOptions {
  kind: ImportKind;
  /** Only this jurisdiction's subtree (default: everything). */
  jurisdiction?: string | undefined;
  /** Null: the local operator on the CLI (`cliUser` names them in the audit log). */
  principal: Principal | null;
  cliUser?: string;
}

export interface ExportStream {
  count: number;
  format: 'geojson' | 'csv';
  chunks: AsyncGenerator<string>;
}

const PAGE = 5000;

/**
 * Starts an export in the import formats (GeoJSON for jurisdictions and grids, CSV for the registry),
 * so a file exported here imports elsewhere. The audit entry is written before any data leaves.
 * Residents carry the masked ID number only: the HMAC and the number never leave the database.
 */
export async function startExport(ctx: AppContext, opts: ExportOptions): Promise<ExportStream> {
  let root: string | null = null;
  if (opts.jurisdiction) {
    const j = await ctx.db
      .selectFrom('jurisdictions')
      .select('path')
      .where('id', '=', opts.jurisdiction)
      .executeTakeFirst();
    if (!j) throw notFound(`No jurisdiction with code ${opts.jurisdiction}`);
    root = j.path;
  }
  if (opts.principal) {
    const decision = authorize(opts.principal, 'registry.export', root ? { jurisdictionPath: root } : {});
    if (!decision.allow) throw forbidden(decision.reason);
  }
  const q = exportQueries[opts.kind];
  const count = await q.count(ctx.db, root);
  await ctx.db.transaction().execute((trx) =>
    appendAudit(trx, ctx.clock.now(), {
      actor: opts.principal ? actorOf(opts.principal) : { kind: 'system', id: `cli:${opts.cliUser ?? 'operator'}` },
      action: 'registry.export',
      subjectKind: opts.kind,
      subjectId: opts.jurisdiction ?? null,
      purpose: 'registry_maintenance',
      detail: { count, jurisdiction: opts.jurisdiction ?? null },
    }),
  );
  return {
    count,
    format: q.format,
    chunks: q.format === 'geojson' ? geojsonChunks(ctx.db, q, root) : csvChunks(ctx.db, q, root),
  };
}

async function* pages(db: Database, q: ExportQuery, root: string | null) {
  let after: string | null = null;
  for (;;) {
    const rows = await q.page(db, root, after, PAGE);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < PAGE) return;
    after = q.key(rows[rows.length - 1] as ExportRow);
  }
}

async function* geojsonChunks(db: Database, q: GeoJsonQuery, root: string | null): AsyncGenerator<string> {
  yield '{"type":"FeatureCollection","features":[\n';
  let first = true;
  for await (const rows of pages(db, q, root)) {
    const text = rows
      .map((r) => {
        const { id, geometry, properties } = q.toFeature(r);
        return JSON.stringify({ type: 'Feature', id, geometry: parseJson(geometry), properties });
      })
      .join(',\n');
    yield first ? text : `,\n${text}`;
    first = false;
  }
  yield '\n]}\n';
}

async function* csvChunks(db: Database, q: CsvQuery, root: string | null): AsyncGenerator<string> {
  yield stringify([q.columns]);
  for await (const rows of pages(db, q, root)) yield stringify(rows.map((r) => q.columns.map((c) => r[c])));
}
