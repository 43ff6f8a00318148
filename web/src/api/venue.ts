import type { Names } from './types.ts';
import { api, urlFor } from './client.ts';
import { problemFrom } from './problem.ts';

export interface OperatedPlace {
  id: string;
  kind: 'venue' | 'sentinel';
  category: string;
  name: Names;
  location: { lat: number; lng: number };
  gridCode: string;
}

const opt = (signal?: AbortSignal) => (signal ? { signal } : {});

export const getOperatedPlaces = (signal?: AbortSignal) =>
  api<{ items: OperatedPlace[] }>('/places/operated', opt(signal));

export const getCheckInsToday = (placeId: string, signal?: AbortSignal) =>
  api<{ placeId: string; day: string; count: number }>(`/places/${placeId}/check-ins`, opt(signal));

/** The poster is SVG, fetched with the session's token (an <img src> could not send it). */
export async function getPosterSvg(placeId: string, token: string, signal?: AbortSignal): Promise<string> {
  const res = await fetch(urlFor(`/places/${placeId}/poster.svg`), {
    headers: { authorization: `Bearer ${token}`, accept: 'image/svg+xml' },
    ...opt(signal),
  });
  if (!res.ok) throw await problemFrom(res);
  return res.text();
}
