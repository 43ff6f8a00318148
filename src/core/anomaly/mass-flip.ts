import type { Severity } from './thresholds.ts';

export interface FlipCounts {
  /** People whose status this rule-set version changed, by the color they changed to. */
  toColor: Record<string, number>;
  /** People re-evaluated under it. */
  evaluated: number;
}

/** A rule-set change that turns many people red or yellow at once deserves a second look at the rule set. */
export function massFlipVerdict(
  counts: FlipCounts,
  minPeople: number,
): { severity: Severity; worsened: number; reason: string } | null {
  const worsened = (counts.toColor.red ?? 0) + (counts.toColor.yellow ?? 0);
  if (worsened < minPeople) return null;
  const share = counts.evaluated > 0 ? worsened / counts.evaluated : 1;
  return {
    severity: (counts.toColor.red ?? 0) >= minPeople ? 'high' : 'medium',
    worsened,
    reason: `${worsened} people turned red or yellow by this rule-set version (${(share * 100).toFixed(1)}% of ${counts.evaluated} re-evaluated)`,
  };
}
