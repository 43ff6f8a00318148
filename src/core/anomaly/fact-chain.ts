/**
 * A red or yellow status must rest on facts that exist, are in force and have a basis: an exposure names a confirmed
 * case (or a place where one was), an override was approved by a second person. This judges one status.
 */
export interface CitedFact {
  id: string;
  kind: string;
  withdrawn: boolean;
  /** Exposures: whether a confirmed case stands behind it; other kinds: true. */
  supported: boolean;
  /** Overrides: whether a decided two-person override with a different approver produced it. */
  twoPerson?: boolean;
  caseId?: string | null;
  placeId?: string | null;
}

export type ChainDefect =
  | { kind: 'no-reasons' }
  | { kind: 'missing-fact'; factId: string }
  | { kind: 'withdrawn-fact'; factId: string }
  | { kind: 'unsupported-exposure'; factId: string; caseId: string | null; placeId: string | null }
  | { kind: 'unapproved-override'; factId: string };

export function statusChainDefects(
  color: string,
  citedFactIds: readonly string[],
  facts: ReadonlyMap<string, CitedFact>,
): ChainDefect[] {
  if (color === 'green') return [];
  if (citedFactIds.length === 0) return [{ kind: 'no-reasons' }];
  const out: ChainDefect[] = [];
  for (const id of citedFactIds) {
    const f = facts.get(id);
    if (!f) out.push({ kind: 'missing-fact', factId: id });
    else if (f.withdrawn) out.push({ kind: 'withdrawn-fact', factId: id });
    else if (f.kind === 'exposure' && !f.supported)
      out.push({ kind: 'unsupported-exposure', factId: id, caseId: f.caseId ?? null, placeId: f.placeId ?? null });
    else if (f.kind === 'override' && f.twoPerson === false) out.push({ kind: 'unapproved-override', factId: id });
  }
  return out;
}

/** Groups defects so that one fabricated cluster is one flag, not hundreds. */
export function defectGroupKey(d: ChainDefect, personId: string): string {
  switch (d.kind) {
    case 'unsupported-exposure':
      return d.placeId ? `place:${d.placeId}` : `case:${d.caseId ?? 'none'}`;
    case 'no-reasons':
    case 'missing-fact':
    case 'withdrawn-fact':
    case 'unapproved-override':
      return `${d.kind}:${personId}`;
  }
}
