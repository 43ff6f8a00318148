import { api } from './client.ts';

export interface Override {
  id: string;
  personId: string;
  target: 'green' | 'yellow' | 'red' | 'clear';
  reasonCode: string;
  reason: string;
  expiresAt: string;
  proposedBy: string;
  proposedAt: string;
}

export const getPendingOverrides = (signal?: AbortSignal) =>
  api<{ items: Override[] }>('/overrides/pending', signal ? { signal } : {});
export const decideOverride = (id: string, decision: 'approve' | 'reject', note: string) =>
  api<Record<string, unknown>>(`/overrides/${id}/decision`, { method: 'POST', body: { decision, note } });
