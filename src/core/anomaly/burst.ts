import type { AnomalyThresholds, Severity } from './thresholds.ts';

export interface BurstInput {
  /** Distinct people concerned within the current window. */
  people: number;
  /** Events for the same key over the baseline period before the window. */
  baselineEvents: number;
  /** Of the people in the window, how many lack an epidemiological basis (no confirmed case behind them). */
  unsupported: number;
}

export interface BurstVerdict {
  severity: Severity;
  expectedPerWindow: number;
  ratio: number;
  reasons: string[];
}

/**
 * A burst is many people in one window for one key (a place, a recorder, a case, a region), far above that key's
 * own usual rate. Unsupported bursts — no confirmed case behind them — are the Zhengzhou pattern and rank highest.
 */
export function burstVerdict(
  input: BurstInput,
  t: Pick<AnomalyThresholds, 'windowMs' | 'baselineMs' | 'burstRatio'> & { minPeople: number },
): BurstVerdict | null {
  const windows = Math.max(1, t.baselineMs / t.windowMs);
  const expected = input.baselineEvents / windows;
  const ratio = input.people / (expected + 1);
  if (input.people < t.minPeople || ratio < t.burstRatio) return null;
  const share = input.people === 0 ? 0 : input.unsupported / input.people;
  const reasons = [
    `${input.people} people within ${Math.round(t.windowMs / 60_000)} minutes, ${ratio.toFixed(1)}× the usual ${expected.toFixed(2)} per window`,
  ];
  if (input.unsupported > 0) reasons.push(`${input.unsupported} of them with no confirmed case behind the fact`);
  const severity: Severity = share >= 0.5 ? 'high' : ratio >= t.burstRatio * 4 ? 'medium' : 'low';
  return { severity, expectedPerWindow: expected, ratio, reasons };
}
