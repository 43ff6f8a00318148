export const IMPORT_KINDS = ['jurisdictions', 'grids', 'households', 'residents', 'places'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const GEOJSON_KINDS: readonly ImportKind[] = ['jurisdictions', 'grids'];

/** One reason a row was refused: where (CSV line incl. header, or feature index), which field, why. */
export interface Rejection {
  line?: number;
  feature?: number;
  field: string;
  reason: string;
}

export interface ImportReport {
  kind: ImportKind;
  dryRun: boolean;
  /** True when every row was valid (and, unless a dry run, everything was written). */
  ok: boolean;
  rows: number;
  rejectedRows: number;
  inserted: number;
  rejections: Rejection[];
  /** More rejections existed than the report lists. */
  truncated: boolean;
  ms: number;
}

export type Where = { line: number } | { feature: number };

/** A long broken file should still give a readable report: list this many rejections, count them all. */
const MAX_LISTED = 10_000;

export class ReportBuilder {
  rows = 0;
  inserted = 0;
  private readonly rejectedAt = new Set<string>();
  private readonly list: Rejection[] = [];
  private truncated = false;
  private readonly t0 = performance.now();

  constructor(
    readonly kind: ImportKind,
    readonly dryRun: boolean,
  ) {}

  reject(where: Where, field: string, reason: string): void {
    this.rejectedAt.add('line' in where ? `l${where.line}` : `f${where.feature}`);
    if (this.list.length >= MAX_LISTED) {
      this.truncated = true;
      return;
    }
    this.list.push({ ...where, field, reason });
  }

  get ok(): boolean {
    return this.rejectedAt.size === 0;
  }

  build(): ImportReport {
    return {
      kind: this.kind,
      dryRun: this.dryRun,
      ok: this.ok,
      rows: this.rows,
      rejectedRows: this.rejectedAt.size,
      inserted: this.ok && !this.dryRun ? this.inserted : 0,
      rejections: this.list,
      truncated: this.truncated,
      ms: Math.round(performance.now() - this.t0),
    };
  }
}

export type ProgressFn = (phase: string, done: number, total: number) => void;
