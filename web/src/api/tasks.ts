import { api } from './client.ts';

export interface Task {
  id: string;
  kind: string;
  subject: { kind: string; id: string };
  gridCode: string;
  jurisdictionPath?: string;
  campaignId?: string | null;
  assigneeId?: string | null;
  result?: Record<string, unknown> | null;
  form: string;
  status: string;
  dueAt: string;
  overdue: boolean;
  attempts: number;
  note: string | null;
  acceptedAt: string | null;
  completedAt: string | null;
}

export const VISIT_OUTCOMES = ['reached', 'nobody_home', 'refused', 'needs_help'] as const;
export const FOLLOW_UP_NEEDS = ['food', 'medicine', 'medical_care', 'psychological_support', 'other'] as const;

export const getMyTasks = (signal?: AbortSignal) =>
  api<{ items: Task[]; nextCursor: string | null }>('/me/tasks', {
    query: { limit: 200 },
    ...(signal ? { signal } : {}),
  });
export const acceptTask = (id: string) => api<Task>(`/tasks/${id}/accept`, { method: 'POST' });
export const completeTask = (id: string, result: Record<string, unknown>) =>
  api<Task>(`/tasks/${id}/complete`, { method: 'POST', body: { result } });

export interface TaskQuery {
  jurisdictionId?: string;
  gridCode?: string;
  campaignId?: string;
  status?: 'active' | 'open' | 'accepted' | 'completed' | 'cancelled' | 'all';
  kind?: string;
  limit?: number;
}

/** Tasks in a jurisdiction or grid, soonest due first (officers). */
export const listTasks = (q: TaskQuery, signal?: AbortSignal) =>
  api<{ items: Task[]; nextCursor: string | null }>('/tasks', {
    query: { limit: 100, ...q },
    ...(signal ? { signal } : {}),
  });

/** My tasks of one kind and status, following the cursor to the end (a campaign deals tens to a worker). */
export async function getAllMyTasks(q: { kind?: string; status?: TaskQuery['status'] }, signal?: AbortSignal) {
  const out: Task[] = [];
  let cursor: string | undefined;
  do {
    const page = await api<{ items: Task[]; nextCursor: string | null }>('/me/tasks', {
      query: { limit: 500, ...q, cursor },
      ...(signal ? { signal } : {}),
    });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** Gives a task to another worker of its grid (officers); the reason is kept on the record. */
export const reassignTask = (id: string, body: { assigneeId?: string; reason: string }) =>
  api<Task>(`/tasks/${encodeURIComponent(id)}/reassign`, { method: 'POST', body });
