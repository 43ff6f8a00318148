import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { ReportBuilder } from './import-report.ts';

export interface CsvSpec {
  required: readonly string[];
  optional: readonly string[];
}

export interface CsvRow {
  line: number;
  /** Column name → trimmed text; optional columns absent from the header are missing here. */
  values: Record<string, string>;
}

/**
 * Streams a CSV file's data rows with their line numbers (header = line 1). Header problems
 * (missing, unknown or repeated columns), rows with the wrong number of fields and unparseable
 * text are reported; only well-formed rows are yielded.
 */
export async function* readCsvRows(
  source: Readable,
  spec: CsvSpec,
  report: ReportBuilder,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<CsvRow> {
  const parser = source.pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true }),
  );
  let header: string[] | null = null;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number; bytes: number } }>) {
      const { record, info } = item;
      if (!header) {
        header = record.map((h) => h.toLowerCase());
        if (!checkHeader(header, spec, report, info.lines)) {
          source.destroy();
          return;
        }
        continue;
      }
      report.rows++;
      onBytes?.(info.bytes);
      if (record.length !== header.length) {
        report.reject(
          { line: info.lines },
          record.length < header.length ? (header[record.length] ?? '(row)') : '(row)',
          `the row has ${record.length} fields but the header has ${header.length} columns`,
        );
        continue;
      }
      const values: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) values[header[i] as string] = record[i] ?? '';
      yield { line: info.lines, values };
    }
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    report.reject({ line: e.lines ?? 0 }, '(file)', `not readable as CSV: ${e.message ?? String(err)}`);
    return;
  }
  if (!header) report.reject({ line: 1 }, '(file)', `the file is empty; expected a header: ${spec.required.join(',')}`);
}

function checkHeader(header: string[], spec: CsvSpec, report: ReportBuilder, line: number): boolean {
  const known = new Set([...spec.required, ...spec.optional]);
  let ok = true;
  const seen = new Set<string>();
  for (const h of header) {
    if (!known.has(h)) {
      report.reject({ line }, h, `unknown column "${h}"; the columns are ${[...known].join(', ')}`);
      ok = false;
    } else if (seen.has(h)) {
      report.reject({ line }, h, `column "${h}" appears twice`);
      ok = false;
    }
    seen.add(h);
  }
  for (const r of spec.required)
    if (!seen.has(r)) {
      report.reject({ line }, r, `missing column "${r}"; required: ${spec.required.join(', ')}`);
      ok = false;
    }
  return ok;
}

/** The text of an optional column, or '' when the column is absent. */
export const cell = (row: CsvRow, column: string): string => row.values[column] ?? '';

/** A decimal coordinate, or a reason it is not one. */
export function parseCoordinate(text: string, axis: 'lat' | 'lng'): number | string {
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return `"${text}" is not a decimal number`;
  const v = Number(text);
  const max = axis === 'lat' ? 90 : 180;
  if (v < -max || v > max) return `${v} is outside -${max}..${max}`;
  return v;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
