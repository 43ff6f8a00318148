import { api, urlFor } from './client.ts';
import { ApiError, problemFrom } from './problem.ts';

export interface LabRecordOutcome {
  ref: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  factId: string | null;
  result: 'positive' | 'negative' | null;
  field: string | null;
  reason: string | null;
}

export interface LabReport {
  accepted: number;
  duplicates: number;
  rejected: number;
  casesOpened: number;
  records: LabRecordOutcome[];
}

export interface RecentLabResult {
  factId: string;
  specimenId: string;
  result: 'positive' | 'negative' | null;
  specimenCollectedAt: string | null;
  issuedAt: string;
  recordedAt: string;
  withdrawn: boolean;
}

export type LabFormat = 'fhir' | 'csv';

/** FHIR JSON or CSV as it was read from the file: the server parses and reports on every record. */
export async function submitLabFile(text: string, format: LabFormat, token: string | null): Promise<LabReport> {
  const headers: Record<string, string> = {
    accept: 'application/json, application/problem+json',
    'content-type': format === 'csv' ? 'text/csv' : 'application/fhir+json',
  };
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(urlFor('/lab-results'), { method: 'POST', headers, body: text });
  } catch (e) {
    throw new ApiError(0, 'Network error', e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) throw await problemFrom(res);
  return (await res.json()) as LabReport;
}

export const recentLabResults = (limit = 50, signal?: AbortSignal) =>
  api<{ items: RecentLabResult[] }>('/lab-results', { query: { limit }, ...(signal ? { signal } : {}) });
