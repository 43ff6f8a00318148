/** Data categories with a retention period. The first four exist only because of an emergency. */
export const RETENTION_CATEGORIES = [
  'scans',
  'health_facts',
  'statuses',
  'cases_contacts',
  'incident_photos',
  'audit_entries',
] as const;
export type RetentionCategory = (typeof RETENTION_CATEGORIES)[number];

export const EMERGENCY_CATEGORIES: readonly RetentionCategory[] = [
  'scans',
  'health_facts',
  'statuses',
  'cases_contacts',
];

export type RetentionDays = Record<RetentionCategory, number>;

const DAY = 24 * 3600_000;

export function rollingCutoff(category: RetentionCategory, days: RetentionDays, now: Date): Date {
  return new Date(now.getTime() - days[category] * DAY);
}

export interface DeclarationPeriod {
  path: string;
  startsAt: Date;
  /** When it stopped: its end date, or the earlier moment it was terminated. */
  endsAt: Date;
}

function covers(scope: string, path: string): boolean {
  return path === scope || path.startsWith(`${scope}.`);
}

/**
 * When an emergency ends (or lapses) and is not renewed, its data gets `graceDays` and then is due in full,
 * whatever its age. Returns, per declared jurisdiction, the instant up to which emergency data is due; a declaration
 * whose end was bridged by another one (a renewal) does not count as an end.
 */
export function emergencyCutoffs(
  declarations: readonly DeclarationPeriod[],
  graceDays: number,
  now: Date,
): Array<{ path: string; cutoff: Date; endedAt: Date }> {
  const out = new Map<string, { path: string; cutoff: Date; endedAt: Date }>();
  for (const d of declarations) {
    if (d.endsAt.getTime() + graceDays * DAY > now.getTime()) continue;
    const bridged = declarations.some(
      (o) => o !== d && covers(o.path, d.path) && o.startsAt <= d.endsAt && o.endsAt > d.endsAt,
    );
    if (bridged) continue;
    const prev = out.get(d.path);
    if (!prev || prev.cutoff < d.endsAt) out.set(d.path, { path: d.path, cutoff: d.endsAt, endedAt: d.endsAt });
  }
  return [...out.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** True when a declaration covering `path` is in force at `at`. */
export function inForce(declarations: readonly DeclarationPeriod[], path: string, at: Date): DeclarationPeriod | null {
  return declarations.find((d) => covers(d.path, path) && d.startsAt <= at && at < d.endsAt) ?? null;
}
