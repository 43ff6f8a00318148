import { api } from './client.ts';
import type { Names } from './types.ts';

/** An incident as GET /incidents lists it (staff see their jurisdiction). */
export interface IncidentSummary {
  id: string;
  categoryCode: string;
  category: Names;
  stage: string;
  stageLabel: Names;
  gridCode: string;
  jurisdictionPath: string;
  location: { lat: number; lng: number };
  reportedAt: string;
  updatedAt: string;
  dueAt: string | null;
  overdue: boolean;
  escalationLevel: number;
  assigneeId: string | null;
}

export interface TimelineEvent {
  seq?: number;
  type?: string;
  at?: string;
  reason?: string | null;
  actor?: { id?: string; role?: string; name?: string } | null;
  [k: string]: unknown;
}

/** An incident with its timeline, photos and the steps the caller may take now. */
export interface Incident extends IncidentSummary {
  version: number;
  description: string;
  address: string | null;
  source: string;
  publicNote: string | null;
  pendingExtension: Record<string, unknown> | null;
  handlerIds: string[];
  /** Escalated supervision (督办): the level reached and the jurisdiction (path) that now supervises. */
  escalation: { level: number; jurisdictionPath: string; at: string } | null;
  photos: Array<{ n: number; contentType: string; bytes: number; sha256: string; url: string }>;
  allowedActions: string[];
  timeline: TimelineEvent[];
}

export interface IncidentQuery {
  jurisdictionId?: string;
  gridCode?: string;
  stage?: string;
  overdue?: boolean;
  /** Only incidents under escalated supervision (督办). */
  escalated?: boolean;
  limit?: number;
}

export const listIncidents = (q: IncidentQuery, signal?: AbortSignal) =>
  api<{ items: IncidentSummary[]; nextCursor: string | null }>('/incidents', {
    query: { limit: 100, ...q, overdue: q.overdue ? 'true' : undefined, escalated: q.escalated ? 'true' : undefined },
    ...(signal ? { signal } : {}),
  });

export const getIncident = (id: string, signal?: AbortSignal) =>
  api<Incident>(`/incidents/${encodeURIComponent(id)}`, signal ? { signal } : {});

export type TimeUnit = 'hours' | 'days';

/** One workflow step (POST /incidents/:id/actions); the state machine refuses forbidden steps with a reason. */
export interface IncidentAction {
  type: string;
  reason?: string;
  assigneeId?: string;
  extension?: { amount: number; unit: TimeUnit };
  expectedVersion?: number;
  /** feedback only: on-site photos of the result (base64 or data: URLs). */
  photos?: Array<{ data: string }>;
}

export const actOnIncident = (id: string, action: IncidentAction) =>
  api<Incident>(`/incidents/${encodeURIComponent(id)}/actions`, { method: 'POST', body: action });
