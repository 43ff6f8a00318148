import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { signOutSession, whoAmI } from '../api/auth.ts';
import { configureClient } from '../api/client.ts';
import type { Session } from '../api/types.ts';
import { navigate } from '../router.tsx';
import { clearSession, loadSession, saveSession } from './session-store.ts';

export type EndReason = 'signed-out' | 'expired';

interface SessionApi {
  session: Session | null;
  endReason: EndReason | null;
  begin(s: Session): void;
  end(reason: EndReason): Promise<void>;
}

const Ctx = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [endReason, setEndReason] = useState<EndReason | null>(null);
  const tokenRef = useRef<string | null>(session?.token ?? null);

  const drop = useCallback((reason: EndReason) => {
    tokenRef.current = null;
    clearSession();
    setSession(null);
    setEndReason(reason);
    navigate('/sign-in', { replace: true });
  }, []);

  // Configured during the first render, not in an effect: children's effects run first and already call the API.
  useState(() => configureClient({ token: () => tokenRef.current, unauthorized: () => drop('expired') }));

  // A stored token may have been revoked server-side; /auth/me answers 401 then and the client hook ends it.
  useEffect(() => {
    if (!tokenRef.current) return;
    const ac = new AbortController();
    whoAmI(ac.signal).catch(() => {});
    return () => ac.abort();
  }, []);

  // Expiry while the tab stays open: end the session on time rather than on the next failing call.
  useEffect(() => {
    if (!session) return;
    const ms = Date.parse(session.expiresAt) - Date.now();
    const timer = setTimeout(() => drop('expired'), Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    return () => clearTimeout(timer);
  }, [session, drop]);

  const api = useMemo<SessionApi>(
    () => ({
      session,
      endReason,
      begin(s) {
        tokenRef.current = s.token;
        saveSession(s);
        setEndReason(null);
        setSession(s);
      },
      async end(reason) {
        if (tokenRef.current) await signOutSession().catch(() => {});
        drop(reason);
      },
    }),
    [session, endReason, drop],
  );
  return <Ctx.Provider value={api}>{children}</Ctx.Provider>;
}

export function useSession(): SessionApi {
  const v = useContext(Ctx);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
