import type { Principal, Session } from '../api/types.ts';

// sessionStorage: the token dies with the tab, so a shared checkpoint or kiosk does not stay signed in.
const KEY = 'tessera.session';

function isPrincipal(v: unknown): v is Principal {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  if (p.kind === 'resident') return typeof p.id === 'string';
  return p.kind === 'staff' && typeof p.id === 'string' && typeof p.role === 'string' && typeof p.scopeId === 'string';
}

export function loadSession(now = Date.now()): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.token !== 'string' || typeof s.expiresAt !== 'string' || !isPrincipal(s.principal)) return null;
    if (Date.parse(s.expiresAt) <= now) {
      sessionStorage.removeItem(KEY);
      return null;
    }
    return s as Session;
  } catch {
    return null;
  }
}

export function saveSession(s: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
