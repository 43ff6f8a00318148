import { api } from './client.ts';
import type { AccessPurpose } from './cases.ts';

export type ExposureState = 'pending' | 'confirmed' | 'dismissed';

export interface Exposure {
  id: string;
  caseId: string | null;
  designationId: string | null;
  personId: string;
  degree: 'close' | 'secondary' | 'risk_place';
  viaPersonId: string | null;
  place: { id: string; nameZh: string; nameEn: string } | null;
  window: { start: string; end: string };
  encounters: number;
  scans: {
    source: { id: string | null; personId: string | null; at: string | null };
    contact: { id: string | null; at: string | null };
  } | null;
  evidence: unknown[] | null;
  reason: Record<string, string>;
  state: ExposureState;
  factId: string | null;
  gridCode: string | null;
  createdAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
}

export const listExposures = (
  query: { purpose: AccessPurpose; caseId?: string; state?: ExposureState; limit?: number },
  signal?: AbortSignal,
) => api<{ items: Exposure[] }>('/exposures', { query: { ...query }, ...(signal ? { signal } : {}) });

export const decideExposures = (ids: string[], decision: 'confirm' | 'dismiss', note: string) =>
  api<{ items: Array<{ id: string; state: ExposureState; factId: string | null; changed: boolean }> }>(
    '/exposures/decisions',
    { method: 'POST', body: { ids, decision, note } },
  );
