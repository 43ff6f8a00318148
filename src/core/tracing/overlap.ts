/**
 * A scan is a check-in: a person at a place at an instant. Tracing treats each check-in as presence for the place's
 * contact window after it, so two scans at the same place are an encounter when they are at most one window apart,
 * and the encounter (the overlap of the two presences) runs from the later scan to the earlier scan plus the window.
 */
export interface ScanRef {
  id: string;
  personId: string;
  placeId: string;
  atMs: number;
}

export interface Encounter {
  placeId: string;
  /** The scan of the person already known to be (possibly) infectious: the case, or a close contact. */
  source: ScanRef;
  /** The scan of the person who met them. */
  contact: ScanRef;
  startMs: number;
  endMs: number;
}

export function encounter(source: ScanRef, contact: ScanRef, windowMs: number): Encounter | null {
  if (source.placeId !== contact.placeId || source.personId === contact.personId) return null;
  if (Math.abs(source.atMs - contact.atMs) > windowMs) return null;
  return {
    placeId: source.placeId,
    source,
    contact,
    startMs: Math.max(source.atMs, contact.atMs),
    endMs: Math.min(source.atMs, contact.atMs) + windowMs,
  };
}

/** Everyone a contact was found for, with every encounter (oldest first) and the last one, which sets quarantine. */
export interface ContactFinding {
  personId: string;
  encounters: Encounter[];
  first: Encounter;
  last: Encounter;
}

export interface SourceScan extends ScanRef {
  /** Only encounters at or after this instant count (e.g. a close contact can pass it on only once exposed). */
  fromMs?: number;
}

/**
 * Finds everyone whose scans meet one of `sources` within the window of the place. `candidates` may be a superset (any
 * scan near in time at the same places); people in `exclude` are never contacts. Deterministic: the output is ordered
 * by person id and each person's encounters by time.
 */
export function findContacts(
  sources: readonly SourceScan[],
  candidates: readonly ScanRef[],
  windowOf: (placeId: string) => number,
  exclude: ReadonlySet<string>,
): ContactFinding[] {
  const byPlace = new Map<string, ScanRef[]>();
  for (const c of candidates) {
    if (exclude.has(c.personId)) continue;
    const list = byPlace.get(c.placeId);
    if (list) list.push(c);
    else byPlace.set(c.placeId, [c]);
  }
  for (const list of byPlace.values()) list.sort((a, b) => a.atMs - b.atMs || cmp(a.id, b.id));

  const found = new Map<string, Encounter[]>();
  const seen = new Set<string>();
  for (const s of sources) {
    const list = byPlace.get(s.placeId);
    if (!list) continue;
    const w = windowOf(s.placeId);
    // Binary search to the first candidate inside the window; the list is sorted by time.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.atMs < s.atMs - w) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < list.length && list[i]!.atMs <= s.atMs + w; i++) {
      const c = list[i]!;
      const e = encounter(s, c, w);
      if (!e || (s.fromMs !== undefined && e.endMs < s.fromMs)) continue;
      // One encounter per pair of scans, even if a source scan is listed twice.
      const key = `${s.id}|${c.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const list2 = found.get(c.personId);
      if (list2) list2.push(e);
      else found.set(c.personId, [e]);
    }
  }
  return [...found.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([personId, encounters]) => {
      encounters.sort((a, b) => a.endMs - b.endMs || a.startMs - b.startMs || cmp(a.contact.id, b.contact.id));
      return { personId, encounters, first: encounters[0]!, last: encounters[encounters.length - 1]! };
    });
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
