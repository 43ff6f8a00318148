import { actOnIncident, type IncidentAction } from '../../api/incidents.ts';
import { ApiError } from '../../api/problem.ts';
import { acceptTask, completeTask } from '../../api/tasks.ts';

/**
 * An action taken on the phone, kept until the server has answered it: a task's accept or result, or a step of an
 * incident's workflow (accept, feedback, return, request an extension), replayed in the order it was taken.
 */
export interface QueuedAction {
  id: string;
  /** The task, or for an incident step the incident. */
  taskId: string;
  action: 'accept' | 'complete' | 'incident';
  result?: Record<string, unknown>;
  /** For action 'incident': the workflow step as POST /incidents/:id/actions takes it. */
  step?: IncidentAction;
  queuedAt: string;
}

/** An action the server refused when it finally arrived (e.g. the task was reassigned or closed meanwhile). */
export interface Conflict {
  action: QueuedAction;
  message: string;
}

const KEY = 'tessera.worker.queue';

export function loadQueue(): QueuedAction[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(v) ? (v as QueuedAction[]) : [];
  } catch {
    return [];
  }
}

export function saveQueue(q: readonly QueuedAction[]): void {
  localStorage.setItem(KEY, JSON.stringify(q));
}

export const isNetworkError = (e: unknown) => e instanceof ApiError && e.status === 0;

export function send(a: QueuedAction): Promise<unknown> {
  if (a.action === 'incident') return actOnIncident(a.taskId, a.step ?? { type: 'accept' });
  return a.action === 'accept' ? acceptTask(a.taskId) : completeTask(a.taskId, a.result ?? {});
}

/**
 * Sends queued actions in order (one flush at a time). Stops at the first network failure (still offline) and keeps the rest;
 * a refusal by the server becomes a conflict for the worker to see, and the queue moves on.
 */
let inFlight: Promise<FlushReport> | null = null;
export interface FlushReport {
  synced: number;
  conflicts: Conflict[];
  remaining: number;
}
export function flush(): Promise<FlushReport> {
  inFlight ??= flushNow().finally(() => (inFlight = null));
  return inFlight;
}

async function flushNow(): Promise<FlushReport> {
  const queue = loadQueue();
  const conflicts: Conflict[] = [];
  let synced = 0;
  while (queue.length > 0) {
    const next = queue[0] as QueuedAction;
    try {
      await send(next);
      synced += 1;
    } catch (e) {
      if (isNetworkError(e)) break;
      conflicts.push({
        action: next,
        message: e instanceof ApiError ? e.detail || e.title : e instanceof Error ? e.message : String(e),
      });
    }
    queue.shift();
    saveQueue(queue);
  }
  return { synced, conflicts, remaining: queue.length };
}
