import { api } from './client.ts';

/** Text the server writes in both languages (rule explanations, summaries). */
export interface Bilingual {
  'zh-CN': string;
  en: string;
}

export type Color = 'green' | 'yellow' | 'red';

export interface StatusReason {
  ruleId: string;
  effect: string;
  factIds: string[];
  text: Bilingual;
}

export interface HealthStatus {
  color: Color;
  vaccinated: boolean;
  since: string | null;
  reasons: StatusReason[];
  clears: { earliestAt: string | null; criteria: Bilingual } | null;
  summary: Bilingual;
}

export interface MyCode {
  code: string;
  issuedAt: string;
  expiresAt: string;
  refreshAfter: string;
  issuer: string;
  status: HealthStatus;
}

export interface StatusChange extends HealthStatus {
  changedAt: string;
}

export interface MyFact {
  id: string;
  kind: string;
  occurredAt: string;
  recordedAt: string;
  recorderRole: string | null;
  provenance: { source?: string } | null;
  withdrawnAt: string | null;
}

export interface MyNotification {
  id: string;
  kind: string;
  payload: { summary?: Bilingual; color?: Color } & Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

export interface AccessEntry {
  seq: number;
  at: string;
  who: { kind: string; role: string | null; staffId: string | null; actorId: string | null };
  action: string;
  kind: string;
  purpose: string | null;
}

export interface MyScan {
  id: string;
  scannedAt: string;
  direction: 'place_code' | 'person_code';
  place: { id: string; nameZh: string | null; nameEn: string | null; category: string | null };
}

export interface ScanItemResult {
  index: number;
  clientId: string | null;
  status: 'accepted' | 'duplicate' | 'rejected';
  scanId: string | null;
  error: { code: string; field: string; message: string } | null;
}

/** The symptoms the rules know (src/core/rules/facts.ts SYMPTOMS). */
export const SYMPTOMS = [
  'fever',
  'cough',
  'sore_throat',
  'shortness_of_breath',
  'loss_of_taste_or_smell',
  'fatigue',
  'muscle_aches',
  'headache',
  'runny_nose',
  'diarrhea',
  'other',
] as const;
export type Symptom = (typeof SYMPTOMS)[number];

const opt = (signal?: AbortSignal) => (signal ? { signal } : {});

export const getMyCode = (signal?: AbortSignal) => api<MyCode>('/me/code', opt(signal));
export const getStatusHistory = (signal?: AbortSignal) =>
  api<{ items: StatusChange[] }>('/me/status/history', opt(signal));
export const getMyFacts = (signal?: AbortSignal) => api<{ items: MyFact[] }>('/me/facts', opt(signal));
export const getNotifications = (signal?: AbortSignal) =>
  api<{ items: MyNotification[] }>('/me/notifications', opt(signal));
export const getAccessLog = (signal?: AbortSignal) =>
  api<{ items: AccessEntry[]; nextCursor: string | null }>('/me/access-log', { query: { limit: 50 }, ...opt(signal) });
export const getMyScans = (signal?: AbortSignal) =>
  api<{ items: MyScan[]; nextCursor: string | null }>('/me/scans', { query: { limit: 50 }, ...opt(signal) });

export const reportSymptoms = (symptoms: Symptom[], onsetAt: string | null) =>
  api<{ status: HealthStatus }>('/me/symptoms', { method: 'POST', body: { symptoms, onsetAt } });

/** One venue check-in; the client id makes a retry a duplicate instead of a second visit. */
export async function checkInAt(placeCode: string): Promise<ScanItemResult> {
  const report = await api<{ items: ScanItemResult[] }>('/scans', {
    method: 'POST',
    body: { scans: [{ clientId: crypto.randomUUID(), scannedAt: new Date().toISOString(), placeCode }] },
  });
  const item = report.items[0];
  if (!item) throw new Error('The server returned no verdict for the scan.');
  return item;
}
