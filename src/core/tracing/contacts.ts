import { findContacts, type ContactFinding, type ScanRef, type SourceScan } from './overlap.ts';

export type ContactDegree = 'close' | 'secondary';

export interface TracedContact extends ContactFinding {
  degree: ContactDegree;
  /** For a secondary contact: the close contacts through whom (the sources of the encounters). */
  via: string[];
}

/**
 * Close contacts of a case: everyone who met one of the case's scans in its infectious period. `caseScans` must already
 * be limited to that period.
 */
export function closeContacts(
  casePersonId: string,
  caseScans: readonly ScanRef[],
  candidates: readonly ScanRef[],
  windowOf: (placeId: string) => number,
): TracedContact[] {
  return findContacts(caseScans, candidates, windowOf, new Set([casePersonId])).map((f) => ({
    ...f,
    degree: 'close',
    via: [],
  }));
}

/**
 * Secondary contacts: people who met a close contact after that close contact was first exposed. Nobody is both: the
 * case and the close contacts are excluded, so a person keeps the nearest degree.
 */
export function secondaryContacts(
  casePersonId: string,
  close: readonly TracedContact[],
  closeContactScans: readonly ScanRef[],
  candidates: readonly ScanRef[],
  windowOf: (placeId: string) => number,
): TracedContact[] {
  const exposedFrom = new Map(close.map((c) => [c.personId, c.first.startMs]));
  const sources: SourceScan[] = [];
  for (const s of closeContactScans) {
    const from = exposedFrom.get(s.personId);
    if (from !== undefined) sources.push({ ...s, fromMs: from });
  }
  const exclude = new Set([casePersonId, ...exposedFrom.keys()]);
  return findContacts(sources, candidates, windowOf, exclude).map((f) => ({
    ...f,
    degree: 'secondary',
    via: [...new Set(f.encounters.map((e) => e.source.personId))].sort(),
  }));
}
