import { useCallback, useEffect, useState } from 'react';
import { loadCachedTrust, refreshTrust, type CachedTrust } from '../../api/trust-list.ts';

export interface OfflineTrustState {
  /** The verified cached list, or null when none is cached yet. */
  cached: CachedTrust | null;
  loading: boolean;
  refreshing: boolean;
  /** Why the last refresh failed (offline, or a list that does not verify against the pinned key). */
  error: unknown;
  refresh: () => Promise<CachedTrust | null>;
}

/** Loads the cached trust list at once, then refreshes it in the background when the device is online. */
export function useOfflineTrust(): OfflineTrustState {
  const [cached, setCached] = useState<CachedTrust | null>(null);
  const [loading, setLoading] = useState(true);
  const [refreshing, setRefreshing] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const refresh = useCallback(async () => {
    setRefreshing(true);
    try {
      const next = await refreshTrust();
      setCached(next);
      setError(null);
      return next;
    } catch (e) {
      setError(e);
      return null;
    } finally {
      setRefreshing(false);
    }
  }, []);

  useEffect(() => {
    let live = true;
    void loadCachedTrust().then((c) => {
      if (!live) return;
      setCached(c);
      setLoading(false);
      if (navigator.onLine) void refresh();
    });
    const online = () => void refresh();
    window.addEventListener('online', online);
    return () => {
      live = false;
      window.removeEventListener('online', online);
    };
  }, [refresh]);

  return { cached, loading, refreshing, error, refresh };
}
