import { api } from './client.ts';

export type AreaKind = 'place' | 'grid' | 'jurisdiction';

export interface RiskArea {
  id: string;
  areaKind: AreaKind;
  areaId: string;
  nameZh: string;
  nameEn: string;
  riskFrom: string;
  riskUntil: string;
  expiresAt: string;
  designatedAt: string;
  /** The public sees how many cases ground the designation; staff see which. */
  basis: { cases: number; caseIds: string[] | null };
  note: string;
  active: boolean;
  revokedAt: string | null;
}

export interface DesignationInput {
  areaKind: AreaKind;
  areaId: string;
  from: string;
  until: string;
  expiresAt?: string;
  caseIds: string[];
  note: string;
}

export const listRiskAreas = (includeInactive: boolean, signal?: AbortSignal) =>
  api<{ items: RiskArea[] }>('/risk-areas', {
    query: { includeInactive: includeInactive ? 'true' : 'false' },
    ...(signal ? { signal } : {}),
  });

export const designateRiskArea = (input: DesignationInput) =>
  api<RiskArea>('/risk-areas', { method: 'POST', body: input });

export const revokeRiskArea = (id: string, note: string) =>
  api<RiskArea>(`/risk-areas/${encodeURIComponent(id)}/revoke`, { method: 'POST', body: { note } });
