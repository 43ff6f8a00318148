import { parse } from 'csv-parse/sync';
import {
  instantProblem,
  SARS_COV_2_RNA_LOINC,
  SPECIMEN_ID_RE,
  type LabRecord,
  type LabRejection,
  type ParsedSubmission,
} from './lab-records.ts';

/*
 * The CSV form for labs without FHIR: one result per line under a header naming at least
 * national_id, specimen_id, collected_at and result (detected | not_detected, or positive | negative); optional
 * reported_at and loinc (must be 94500-6 when present).
 */
const REQUIRED = ['national_id', 'specimen_id', 'collected_at', 'result'] as const;
const RESULTS: Record<string, 'positive' | 'negative'> = {
  detected: 'positive',
  positive: 'positive',
  '260373001': 'positive',
  not_detected: 'negative',
  'not detected': 'negative',
  negative: 'negative',
  '260415000': 'negative',
};

export function parseLabCsv(text: string): ParsedSubmission {
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  } catch (err) {
    return {
      records: [],
      rejected: [{ ref: 'file', field: 'csv', reason: `not readable as CSV: ${(err as Error).message}` }],
    };
  }
  const header = (rows[0] ?? []).map((h) => h.toLowerCase());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length)
    return {
      records: [],
      rejected: [
        {
          ref: 'line 1',
          field: 'header',
          reason: `missing column(s) ${missing.join(', ')}; the header must name ${REQUIRED.join(', ')}`,
        },
      ],
    };
  const col = (row: string[], name: string) => {
    const i = header.indexOf(name);
    return i < 0 ? undefined : (row[i] ?? '');
  };
  const records: LabRecord[] = [];
  const rejected: LabRejection[] = [];
  rows.slice(1).forEach((row, i) => {
    const ref = `line ${i + 2}`;
    const reject = (field: string, reason: string) => rejected.push({ ref, field, reason });
    const nationalId = (col(row, 'national_id') ?? '').toUpperCase();
    if (!nationalId) return reject('national_id', 'missing identifier: national_id is empty');
    const specimenId = col(row, 'specimen_id') ?? '';
    if (!SPECIMEN_ID_RE.test(specimenId))
      return reject(
        'specimen_id',
        specimenId
          ? `${JSON.stringify(specimenId)} is not a plain identifier`
          : 'missing identifier: specimen_id is empty',
      );
    const collected = col(row, 'collected_at') ?? '';
    const cp = instantProblem(collected);
    if (cp) return reject('collected_at', cp);
    const reported = col(row, 'reported_at');
    if (reported) {
      const rp = instantProblem(reported);
      if (rp) return reject('reported_at', rp);
    }
    const loinc = col(row, 'loinc');
    if (loinc && loinc !== SARS_COV_2_RNA_LOINC)
      return reject('loinc', `bad code: expected LOINC ${SARS_COV_2_RNA_LOINC} (SARS-CoV-2 RNA), got ${loinc}`);
    const result = RESULTS[(col(row, 'result') ?? '').toLowerCase()];
    if (!result)
      return reject('result', `bad value ${JSON.stringify(col(row, 'result'))}: expected detected or not_detected`);
    records.push({ ref, nationalId, specimenId, specimenCollectedAt: collected, issuedAt: reported || null, result });
  });
  return { records, rejected };
}
