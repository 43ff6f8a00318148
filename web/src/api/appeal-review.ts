import { api } from './client.ts';

export interface Appeal {
  id: string;
  personId: string;
  subject: 'fact' | 'status';
  factId: string | null;
  contestedFactIds: string[];
  status: { color?: string; reasons?: unknown[]; ruleSet?: string; since?: string } | null;
  statement: string;
  filedAt: string;
  deadlineAt: string;
  overdue: boolean;
  reviewerId: string | null;
  assignedAt: string | null;
  state: 'open' | 'upheld' | 'rejected' | string;
  decidedAt: string | null;
  decidedBy: string | null;
  reasons: string | null;
  withdrawnFactIds: string[];
}

export interface ContestedFact {
  id: string;
  kind: string;
  occurredAt: string;
  recordedAt: string;
  recordedBy: string;
  recorderRole: string | null;
  provenance: Record<string, unknown>;
  fact: Record<string, unknown>;
  withdrawnAt: string | null;
}

export type AppealForReview = Appeal & { facts: ContestedFact[] };

// The server records these reads with the purpose "appeal_review" itself: the endpoints exist for nothing else.
export const appealQueue = (signal?: AbortSignal) => api<{ items: Appeal[] }>('/appeals', signal ? { signal } : {});

export const appealForReview = (id: string, signal?: AbortSignal) =>
  api<AppealForReview>(`/appeals/${encodeURIComponent(id)}`, signal ? { signal } : {});

export const decideAppeal = (
  id: string,
  input: { decision: 'uphold' | 'reject'; reasons: string; withdrawFactIds?: string[] },
) =>
  api<{ appeal: Appeal; status: Record<string, unknown> }>(`/appeals/${encodeURIComponent(id)}/decision`, {
    method: 'POST',
    body: input,
  });
