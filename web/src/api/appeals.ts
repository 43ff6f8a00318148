import { api } from './client.ts';
import type { Color, StatusReason } from './me.ts';

/** A resident's appeals against a health fact or the current status (src/modules/appeals). */
export interface MyAppeal {
  id: string;
  subject: 'status' | 'fact';
  factId: string | null;
  contestedFactIds: string[];
  /** The status as it was when the appeal was filed (status appeals only). */
  status: { color: Color; reasons: StatusReason[]; ruleSet: string; since: string | null } | null;
  statement: string;
  filedAt: string;
  deadlineAt: string;
  overdue: boolean;
  reviewerId: string | null;
  assignedAt: string | null;
  state: 'open' | 'upheld' | 'rejected';
  decidedAt: string | null;
  decidedBy: string | null;
  reasons: string | null;
  withdrawnFactIds: string[];
}

export type AppealInput =
  { subject: 'status'; statement: string } | { subject: 'fact'; factId: string; statement: string };

export const getMyAppeals = (signal?: AbortSignal) =>
  api<{ items: MyAppeal[] }>('/me/appeals', signal ? { signal } : {});

export const fileAppeal = (input: AppealInput) => api<MyAppeal>('/me/appeals', { method: 'POST', body: input });
