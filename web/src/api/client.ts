import { ApiError, problemFrom } from './problem.ts';

export const API_BASE = '/api/v1';

let tokenOf: () => string | null = () => null;
let onUnauthorized: () => void = () => {};

/** The session module plugs in here, so API modules never import React state. */
export function configureClient(opts: { token: () => string | null; unauthorized: () => void }): void {
  tokenOf = opts.token;
  onUnauthorized = opts.unauthorized;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
  /** Sign-in calls must not trigger the "session expired" flow on 401. */
  anonymous?: boolean;
}

export function urlFor(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  const token = opts.anonymous ? null : tokenOf();
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(urlFor(path, opts.query), {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? null : JSON.stringify(opts.body),
      signal: opts.signal ?? null,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'Network error', e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) {
    const problem = await problemFrom(res);
    if (res.status === 401 && token) onUnauthorized();
    throw problem;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Follows nextCursor until the collection is complete. */
export async function allPages<F>(path: string, query: RequestOptions['query'], signal?: AbortSignal): Promise<F[]> {
  const out: F[] = [];
  let cursor: string | undefined;
  do {
    const page = await api<{ features: F[]; nextCursor: string | null }>(path, {
      query: { ...query, limit: 1000, cursor },
      ...(signal ? { signal } : {}),
    });
    out.push(...page.features);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}
