import { loadSession } from '../session/session-store.ts';
import { api, API_BASE } from './client.ts';
import type { Bilingual } from './me.ts';

/** A resident's everyday incident reports: the category tree, filing a report, my reports and their progress. */

export interface CategoryMinor {
  code: string;
  name: Bilingual;
  description: Bilingual;
  keywords: string[];
  active: boolean;
}
export interface CategoryMajor {
  code: string;
  name: Bilingual;
  description: Bilingual;
  minors: CategoryMinor[];
}
export interface CategoryTree {
  version: number;
  majors: CategoryMajor[];
}

export interface IncidentSummary {
  id: string;
  categoryCode: string;
  category: Bilingual;
  stage: string;
  stageLabel: Bilingual;
  gridCode: string;
  location: { lat: number; lng: number };
  reportedAt: string;
  updatedAt: string;
  dueAt: string | null;
  overdue: boolean;
  escalationLevel: number;
}

export interface ReporterTimelineItem {
  seq: number;
  type: string;
  at: string;
  actor: { role: string | null };
  from: string | null;
  to: string | null;
  note: Bilingual;
}

export interface IncidentPhoto {
  n: number;
  contentType: string;
  bytes: number;
  sha256: string;
  url: string;
}

export interface IncidentDetail extends IncidentSummary {
  version: number;
  description: string;
  address: string | null;
  publicNote: string | null;
  duplicateOf: string | null;
  supporters: number;
  photos: IncidentPhoto[];
  timeline: ReporterTimelineItem[];
}

export interface ReportInput {
  categoryCode: string;
  description: string;
  lat: number;
  lng: number;
  address?: string;
  photos?: Array<{ data: string }>;
}

export interface ReportOutcome {
  outcome: 'created' | 'attached';
  incidentId: string;
  incident: IncidentDetail | null;
}

const opt = (signal?: AbortSignal) => (signal ? { signal } : {});

export const getCategoryTree = (signal?: AbortSignal) =>
  api<{ version: number; tree: CategoryTree }>('/incident-categories', opt(signal));

/**
 * Files a report. A report near an open one of the same category answers 409 with the candidates; the caller
 * can attach to one (`duplicateOf`) or file anyway (`allowDuplicate`).
 */
export const fileReport = (input: ReportInput, choice: { duplicateOf?: string; allowDuplicate?: boolean } = {}) =>
  api<ReportOutcome>('/incidents', {
    method: 'POST',
    body: input,
    query: {
      duplicateOf: choice.duplicateOf,
      allowDuplicate: choice.allowDuplicate ? 'true' : undefined,
    },
  });

export const getMyReports = (signal?: AbortSignal) =>
  api<{ items: IncidentSummary[]; nextCursor: string | null }>('/incidents', { query: { limit: 50 }, ...opt(signal) });

export const getReport = (id: string, signal?: AbortSignal) =>
  api<IncidentDetail>(`/incidents/${encodeURIComponent(id)}`, opt(signal));

/** A photo of my report as an object URL (the endpoint needs my bearer token, so an <img src> cannot load it). */
export async function photoUrl(photo: IncidentPhoto, signal?: AbortSignal): Promise<string> {
  const token = loadSession()?.token;
  const path = photo.url.startsWith(API_BASE) ? photo.url : `${API_BASE}${photo.url}`;
  const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: signal ?? null });
  if (!res.ok) throw new Error(`photo ${photo.n}: HTTP ${res.status}`);
  return URL.createObjectURL(await res.blob());
}

/** Base64 of a file (without the data: prefix); the server decides the type by its magic bytes. */
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

/** My household's location and grid: the fallback place of a report when the phone cannot locate me. */
export interface MyHome {
  household: { id: string; gridCode: string; address: string; location: { lat: number; lng: number } };
}
export const getMyHome = (signal?: AbortSignal) => api<MyHome>('/me', opt(signal));
