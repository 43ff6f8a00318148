import { api } from './client.ts';

export interface AnomalyFlag {
  id: string;
  detector: string;
  key: string;
  severity: string;
  summary: string;
  evidence: Record<string, unknown>;
  subjectCount: number;
  firstEventAt: string | null;
  triggerEventAt: string | null;
  detectedAt: string;
  updatedAt: string;
  state: 'open' | 'resolved';
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
}

export const listFlags = (state: 'open' | 'resolved', cursor: string | undefined, signal?: AbortSignal) =>
  api<{ items: AnomalyFlag[]; nextCursor: string | null }>('/anomalies', {
    query: { state, cursor, limit: 20 },
    ...(signal ? { signal } : {}),
  });

export const resolveFlag = (id: string, note: string) =>
  api<AnomalyFlag>(`/anomalies/${id}/resolve`, { method: 'POST', body: { note } });

export const scanForAnomalies = () =>
  api<{ raised: number; updated: number; checked: Record<string, number> }>('/anomalies/scan', { method: 'POST' });
