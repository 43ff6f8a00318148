import type { AnomalyThresholds, Severity } from './thresholds.ts';

/** True when `path` is `scope` or lies below it. */
function within(scopePath: string, path: string): boolean {
  return path === scopePath || path.startsWith(`${scopePath}.`);
}

export interface ScopeInput {
  /** Jurisdiction path of the recorder's scope (null for devices and the system). */
  recorderScopePath: string | null;
  /** Jurisdiction path of the person the fact is about. */
  personPath: string;
  /** The district (or other grouping) the person lives in. */
  personDistrict: string;
  /** Facts this recorder recorded before the window, counted by district. */
  history: ReadonlyMap<string, number>;
  /** Facts this recorder recorded in `personDistrict` within the window. */
  recentInDistrict: number;
  /**
   * Whether the recorder's history says anything about where they usually work. Officers of a whole city (the
   * epidemiologists) legitimately follow an outbreak anywhere, so for them only the hard jurisdiction check applies.
   */
  localRecorder: boolean;
}

export interface ScopeVerdict {
  severity: Severity;
  reason: string;
  usualShare: number | null;
}

/**
 * A fact far from where its recorder normally works: outright outside their jurisdiction (only possible by bypassing
 * the API), or in a district that is a tiny share of their own history while a batch arrives there now.
 */
export function scopeVerdict(input: ScopeInput, t: AnomalyThresholds): ScopeVerdict | null {
  if (input.recorderScopePath && !within(input.recorderScopePath, input.personPath))
    return {
      severity: 'high',
      reason: `the person lives outside the recorder's jurisdiction (${input.recorderScopePath})`,
      usualShare: null,
    };
  if (!input.localRecorder) return null;
  let total = 0;
  let top = 0;
  for (const n of input.history.values()) {
    total += n;
    top = Math.max(top, n);
  }
  // "Usual" needs a history that is both long enough and concentrated somewhere.
  if (total < t.scopeMinHistory || top / total < t.scopeUsualShare) return null;
  const share = (input.history.get(input.personDistrict) ?? 0) / total;
  if (share >= t.scopeUnusualShare || input.recentInDistrict < t.scopeMinFacts) return null;
  return {
    severity: share === 0 ? 'medium' : 'low',
    reason: `${input.recentInDistrict} facts in district ${input.personDistrict}, which is ${(share * 100).toFixed(1)}% of this recorder's previous ${total}`,
    usualShare: share,
  };
}
