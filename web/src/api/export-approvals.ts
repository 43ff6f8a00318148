import { api } from './client.ts';

export interface ExportRequest {
  id: string;
  kind: string;
  jurisdictionId: string | null;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  decision: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  downloadedAt: string | null;
  state: 'pending' | 'approved' | 'rejected' | 'expired' | 'downloaded';
}

export const listExportRequests = (signal?: AbortSignal) =>
  api<{ items: ExportRequest[] }>('/exports/requests', signal ? { signal } : {});

export const decideExportRequest = (id: string, decision: 'approve' | 'reject', note: string) =>
  api<ExportRequest>(`/exports/requests/${id}/decision`, { method: 'POST', body: { decision, note } });
