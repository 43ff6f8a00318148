import { api } from './client.ts';
import type { Session } from './types.ts';

export const signInStaff = (username: string, password: string) =>
  api<Session>('/auth/staff/sign-in', { method: 'POST', body: { username, password }, anonymous: true });

export const signInResident = (phone: string, password: string) =>
  api<Session>('/auth/resident/sign-in', { method: 'POST', body: { phone, password }, anonymous: true });

export const signOutSession = () => api<void>('/auth/sign-out', { method: 'POST' });

export const whoAmI = (signal?: AbortSignal) => api<Record<string, unknown>>('/auth/me', signal ? { signal } : {});
