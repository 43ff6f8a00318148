import { api } from './client.ts';
import type { CertificateSummary } from './certificates.ts';
import type { Emergency } from './emergencies.ts';

/** A published count: null when withheld (small counts, and one more per group where it could be derived). */
export type Count = number | null;
export interface Published {
  count: Count;
  suppressed: boolean;
}
export type Color = 'green' | 'yellow' | 'red';

export interface TransparencyReport {
  generatedAt: string;
  suppression: { smallCountsUpTo: number; note: string };
  statuses: {
    current: Array<{ jurisdictionId: string; color: Color; count: Count; suppressed: boolean }>;
    daily: Array<{ day: string; jurisdictionId: string; color: Color; count: Count; suppressed: boolean }>;
  };
  facts: Array<{ kind: string; source: string | null; withdrawn: boolean; count: Count; suppressed: boolean }>;
  overrides: {
    proposed: Published;
    approved: Published;
    rejected: Published;
    pending: Published;
    byTarget: Record<string, Published>;
  };
  appeals: {
    filed: Published;
    open: Published;
    overdue: Published;
    upheld: Published;
    rejected: Published;
    decidedAfterDeadline: Published;
    medianHoursToDecision: number | null;
  };
  anomalies: {
    byDetector: Array<{ detector: string; open: Published; resolved: Published; high: Published }>;
    medianHoursToResolution: number | null;
  };
  ruleSets: Array<{ id: string; version: number; jurisdiction: string; effectiveFrom: string; publishedAt: string }>;
  emergencies: Emergency[];
  deletionCertificates: { totals: Record<string, number>; items: CertificateSummary[] };
  retention: { retentionDays: Record<string, number>; afterEmergencyEndsDays: number };
  audit: { entries: number; latestCheckpoint: { seq: number; headHash: string; signedAt: string } | null };
}

/** Public: no session needed (and none is sent, so a signed-in visitor sees exactly what everyone sees). */
export const getTransparencyReport = (days: number, signal?: AbortSignal) =>
  api<TransparencyReport>('/transparency', { query: { days }, anonymous: true, ...(signal ? { signal } : {}) });
