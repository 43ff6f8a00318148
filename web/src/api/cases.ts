import { api } from './client.ts';

/** Why a staff member reads personal data; the server records it against every person read. */
export type AccessPurpose = 'tracing' | 'follow_up' | 'appeal_review' | 'audit';

export interface CaseContacts {
  pending: number;
  confirmed: number;
  dismissed: number;
}

export interface Case {
  id: string;
  personId: string;
  outbreakId: string;
  sourceCaseId: string | null;
  state: 'open' | 'closed';
  openedAt: string;
  closedAt: string | null;
  closeNote: string | null;
  specimenAt: string;
  onsetAt: string | null;
  infectiousFrom: string;
  resultFactIds: string[];
  tracedAt: string | null;
  traceStats: Record<string, unknown> | null;
}

export interface CaseListItem extends Case {
  gridCode: string;
  contacts: CaseContacts;
}

export interface GraphNode {
  personId: string;
  kind: 'case' | 'close' | 'secondary';
  caseId: string | null;
}

export interface GraphEdge {
  from: string;
  to: string;
  degree: 'close' | 'secondary';
  caseId: string;
  exposureId: string;
  placeId: string | null;
  startAt: string;
  endAt: string;
  state: 'pending' | 'confirmed';
  becameCase: boolean;
}

export interface TransmissionGraph {
  outbreakId: string;
  caseId: string | null;
  openedAt: string;
  indexCaseId: string;
  cases: Array<{ id: string; personId: string; sourceCaseId: string | null; state: string; specimenAt: string }>;
  nodes: GraphNode[];
  edges: GraphEdge[];
  clusters: Array<{
    placeId: string;
    caseIds: string[];
    contacts: number;
    firstAt: string;
    lastAt: string;
    cluster: boolean;
  }>;
  places: Record<string, { nameZh: string; nameEn: string; category: string }>;
}

const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});

export const listCases = (query: { purpose: AccessPurpose; state?: 'open' | 'closed' }, signal?: AbortSignal) =>
  api<{ items: CaseListItem[] }>('/cases', { query, ...withSignal(signal) });

export const getCase = (id: string, purpose: AccessPurpose, signal?: AbortSignal) =>
  api<Case>(`/cases/${encodeURIComponent(id)}`, { query: { purpose }, ...withSignal(signal) });

export const caseGraph = (id: string, purpose: AccessPurpose, signal?: AbortSignal) =>
  api<TransmissionGraph>(`/cases/${encodeURIComponent(id)}/graph`, { query: { purpose }, ...withSignal(signal) });

export const outbreakGraph = (id: string, purpose: AccessPurpose, signal?: AbortSignal) =>
  api<TransmissionGraph>(`/outbreaks/${encodeURIComponent(id)}/graph`, { query: { purpose }, ...withSignal(signal) });

export const traceCase = (id: string) =>
  api<Record<string, unknown>>(`/cases/${encodeURIComponent(id)}/trace`, { method: 'POST' });

export const setCaseOnset = (id: string, onsetAt: string | null) =>
  api<Case>(`/cases/${encodeURIComponent(id)}`, { method: 'PATCH', body: { onsetAt } });

export const closeCase = (id: string, note: string) =>
  api<Case>(`/cases/${encodeURIComponent(id)}/close`, { method: 'POST', body: { note } });
