import { api } from './client.ts';

export interface Emergency {
  id: string;
  jurisdictionId: string;
  title: string;
  legalBasis: string;
  startsAt: string;
  endsAt: string;
  endedAt: string | null;
  endReason: string | null;
  declaredBy: string;
  declaredAt: string;
  renews: string | null;
  inForce: boolean;
  state: 'scheduled' | 'in_force' | 'ended' | 'lapsed';
}

export const listEmergencies = (signal?: AbortSignal) =>
  api<{ items: Emergency[] }>('/emergencies', signal ? { signal } : {});

export const declareEmergency = (input: {
  jurisdictionId: string;
  title: string;
  legalBasis: string;
  startsAt: string | null;
  endsAt: string;
}) => api<Emergency>('/emergencies', { method: 'POST', body: input });

export const renewEmergency = (id: string, input: { legalBasis: string; endsAt: string }) =>
  api<Emergency>(`/emergencies/${id}/renew`, { method: 'POST', body: input });

export const endEmergency = (id: string, reason: string) =>
  api<Emergency>(`/emergencies/${id}/end`, { method: 'POST', body: { reason } });
