import { api } from './client.ts';

export interface Task {
  id: string;
  kind: string;
  subject: { kind: string; id: string };
  gridCode: string;
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
