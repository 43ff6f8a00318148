/**
 * Detector thresholds. They are deliberately explicit numbers, published with the transparency report, so that
 * nobody can quietly tune a detector into silence.
 */
export interface AnomalyThresholds {
  /** Sliding window for bursts. */
  windowMs: number;
  /** History that defines "usual" for a key (a recorder, a place…). */
  baselineMs: number;
  /** A burst needs at least this many people… */
  burstMinPeople: number;
  /** …and this many times the usual rate for the key (plus one, so a never-seen key is not a division by zero). */
  burstRatio: number;
  /** Overrides are rare: a smaller burst already stands out. */
  overrideBurstMinPeople: number;
  /** People turned red or yellow by one rule-set version at once. */
  massFlipMinPeople: number;
  /** A recorder needs this much history before "outside the usual scope" means anything. */
  scopeMinHistory: number;
  /** A recorder has a usual area when at least this share of their history lies in one district. */
  scopeUsualShare: number;
  /** Share of a recorder's history below which a district is unusual for them. */
  scopeUnusualShare: number;
  /** Facts in an unusual district, within the window, before it is flagged. */
  scopeMinFacts: number;
}

export const DEFAULT_THRESHOLDS: AnomalyThresholds = {
  windowMs: 60 * 60_000,
  baselineMs: 7 * 24 * 3600_000,
  burstMinPeople: 25,
  burstRatio: 5,
  overrideBurstMinPeople: 10,
  massFlipMinPeople: 50,
  scopeMinHistory: 30,
  scopeUsualShare: 0.8,
  scopeUnusualShare: 0.02,
  scopeMinFacts: 5,
};

export type Severity = 'low' | 'medium' | 'high';
