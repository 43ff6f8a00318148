/** A laboratory result reduced to what Tessera records, whatever format it arrived in. */
export interface LabRecord {
  /** Where in the submission: `entry[3]` of a Bundle, `Observation`, or `line 4` of a CSV file. */
  ref: string;
  nationalId: string;
  specimenId: string;
  specimenCollectedAt: string;
  /** When the result was issued; null means "now" to the receiver. */
  issuedAt: string | null;
  result: 'positive' | 'negative';
}

export interface LabRejection {
  ref: string;
  field: string;
  reason: string;
}

export interface ParsedSubmission {
  records: LabRecord[];
  rejected: LabRejection[];
}

export const SARS_COV_2_RNA_LOINC = '94500-6';
export const SNOMED_DETECTED = '260373001';
export const SNOMED_NOT_DETECTED = '260415000';

/** A specimen identifier travels into a health fact's provenance, so it must be a plain token. */
export const SPECIMEN_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/** An instant with a time and an offset; a bare date cannot place a specimen within an infectious period. */
export function instantProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a date-time string';
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value))
    return `${value} must be a date-time with a time and an offset (e.g. 2026-03-01T09:30:00+08:00)`;
  if (Number.isNaN(Date.parse(value))) return `${value} is not a valid date-time`;
  return null;
}
