import { api } from './client.ts';

export interface AuditEntry {
  seq: number;
  at: string;
  actor: { kind: string; id: string | null; role: string | null; scope: string | null };
  action: string;
  subject: { kind: string; id: string | null };
  personId: string | null;
  purpose: string | null;
  detail: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

export interface AuditFilters {
  actor?: string | undefined;
  subject?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface SignedCheckpoint {
  id: number;
  statement: { seq?: number; headHash?: string; signedAt?: string; kid?: string } & Record<string, unknown>;
  signature: string;
}

export interface ChainReport {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string };
  base: { seq: number; certificateId: string | null };
  checkpoints: { count: number; latestSeq: number | null; problem: { kind: string } | null };
  finding: { kind: string; message: string } | null;
  message: string;
  ms: number;
  verifiedAt: string;
}

const opt = (signal?: AbortSignal) => (signal ? { signal } : {});

export const queryAudit = (filters: AuditFilters, cursor: string | undefined, signal?: AbortSignal) =>
  api<{ items: AuditEntry[]; nextCursor: string | null }>('/audit', {
    query: { ...filters, cursor, limit: 25 },
    ...opt(signal),
  });

export const verifyChain = () => api<ChainReport>('/audit/verify', { method: 'POST' });

/** The newest signed checkpoints: the endpoint lists oldest first from `after`, so start near the head. */
export async function latestCheckpoints(count: number, signal?: AbortSignal): Promise<SignedCheckpoint[]> {
  const head = await api<{ checkpoint: SignedCheckpoint | null }>('/audit/head', opt(signal));
  if (!head.checkpoint) return [];
  const after = Math.max(0, head.checkpoint.id - count);
  const page = await api<{ items: SignedCheckpoint[] }>('/audit/checkpoints', {
    query: { after, limit: count },
    ...opt(signal),
  });
  return [...page.items].reverse();
}
