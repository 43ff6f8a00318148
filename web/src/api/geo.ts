import { allPages, api } from './client.ts';
import type { GridFeature, JurisdictionFeature } from './types.ts';

export const getJurisdiction = (id: string, signal?: AbortSignal) =>
  api<JurisdictionFeature>(`/jurisdictions/${encodeURIComponent(id)}`, signal ? { signal } : {});

export const getChildren = (id: string, signal?: AbortSignal) =>
  allPages<JurisdictionFeature>(`/jurisdictions/${encodeURIComponent(id)}/children`, { geometry: true }, signal);

export const getGridsIn = (id: string, signal?: AbortSignal) =>
  allPages<GridFeature>(`/jurisdictions/${encodeURIComponent(id)}/grids`, { geometry: true }, signal);

export const getGrid = (code: string, signal?: AbortSignal) =>
  api<GridFeature>(`/grids/${encodeURIComponent(code)}`, signal ? { signal } : {});

export const locateGrid = (lat: number, lng: number, signal?: AbortSignal) =>
  api<GridFeature>('/grids/locate', { query: { lat, lng }, ...(signal ? { signal } : {}) });
