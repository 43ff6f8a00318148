import {
  verifyTrustList,
  type OfflineTrust,
  type SignedTrustList,
  type TrustAnchor,
} from '../verify-offline/trust-list.ts';
import { api } from './client.ts';

/**
 * The checkpoint's offline trust: the signed trust list (GET /trust-list) cached on the device, and the
 * trust-list signing key it must verify against (GET /trust-list/anchor), pinned on first use by a signed-in
 * verifier and never replaced silently afterwards. The cached list is re-verified each time it is loaded, so a
 * list altered in storage is refused; a newer list must verify against the same pinned key and must not be older
 * than the cached one (rollback).
 */

const LIST_KEY = 'tessera.checkpoint.trustList.v1';
const ANCHOR_KEY = 'tessera.checkpoint.trustAnchor.v1';

interface StoredList {
  signed: SignedTrustList;
  fetchedAt: string;
}

export interface PinnedAnchor extends TrustAnchor {
  kid: string;
  jurisdiction: string;
  pinnedAt: string;
}

export interface CachedTrust {
  trust: OfflineTrust;
  /** When the list was signed (it is signed per request, so also roughly when it was fetched). */
  issuedAt: Date;
  fetchedAt: Date;
  version: number;
  issuer: string;
  anchor: PinnedAnchor;
}

function read<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export const pinnedAnchor = (): PinnedAnchor | null => read<PinnedAnchor>(ANCHOR_KEY);

async function open(stored: StoredList, anchor: PinnedAnchor, minVersion?: number): Promise<CachedTrust> {
  const trust = await verifyTrustList(stored.signed, [anchor], minVersion === undefined ? {} : { minVersion });
  return {
    trust,
    issuedAt: new Date(trust.document.issuedAt),
    fetchedAt: new Date(stored.fetchedAt),
    version: trust.document.version,
    issuer: trust.document.issuer,
    anchor,
  };
}

/** The cached list, verified again against the pinned anchor; null when there is none (or it no longer verifies). */
export async function loadCachedTrust(): Promise<CachedTrust | null> {
  const stored = read<StoredList>(LIST_KEY);
  const anchor = pinnedAnchor();
  if (!stored || !anchor) return null;
  try {
    return await open(stored, anchor);
  } catch {
    return null;
  }
}

async function pinAnchor(signal?: AbortSignal): Promise<PinnedAnchor> {
  const pinned = pinnedAnchor();
  if (pinned) return pinned;
  const a = await api<{ jurisdiction: string; alg: string; kid: string; publicKey: string }>(
    '/trust-list/anchor',
    signal ? { signal } : {},
  );
  if (a.alg !== 'ES256' && a.alg !== 'EdDSA') throw new Error(`unsupported trust-list key algorithm ${a.alg}`);
  const anchor: PinnedAnchor = { ...a, alg: a.alg, pinnedAt: new Date().toISOString() };
  localStorage.setItem(ANCHOR_KEY, JSON.stringify(anchor));
  return anchor;
}

/** Fetches the current list, verifies it against the pinned anchor (pinning it first if needed) and caches it. */
export async function refreshTrust(signal?: AbortSignal): Promise<CachedTrust> {
  const anchor = await pinAnchor(signal);
  const signed = await api<SignedTrustList>('/trust-list', signal ? { signal } : {});
  const previous = read<StoredList>(LIST_KEY);
  const stored: StoredList = { signed, fetchedAt: new Date().toISOString() };
  const cached = await open(stored, anchor, previous?.signed.trustList.version);
  localStorage.setItem(LIST_KEY, JSON.stringify(stored));
  return cached;
}
