import type { Parameters } from '../rules/ruleset.ts';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/**
 * The contact window of a place category: two scans at the same place are an encounter when they are at most this far
 * apart. The rule set publishes it per category (`closeContactMinutesByPlaceCategory`, with a `default`), so a
 * jurisdiction can give offices or schools, where people stay for hours, a wider window than a shop.
 */
export function contactWindowMs(parameters: Pick<Parameters, 'closeContactMinutesByPlaceCategory'>, category: string) {
  const byCategory = parameters.closeContactMinutesByPlaceCategory;
  const minutes = Object.hasOwn(byCategory, category) ? byCategory[category] : byCategory.default;
  return (minutes ?? byCategory.default) * MINUTE_MS;
}

/** The widest window of any category: how far a candidate search must look around a scan before filtering. */
export function widestWindowMs(parameters: Pick<Parameters, 'closeContactMinutesByPlaceCategory'>): number {
  return Math.max(...Object.values(parameters.closeContactMinutesByPlaceCategory)) * MINUTE_MS;
}

export interface InfectiousPeriodInput {
  /** Symptom onset, when known. */
  onsetMs: number | null;
  /** Collection of the earliest positive specimen. */
  specimenMs: number;
  /** `infectiousPeriodDaysBefore` of the rule set. */
  daysBefore: number;
}

/**
 * Start of the infectious period: N days before symptom onset or, failing that, before specimen collection. An onset
 * after the specimen (symptoms that appeared once the test was taken) would push the start later than the specimen
 * says, so the earlier of the two anchors counts.
 */
export function infectiousFrom({ onsetMs, specimenMs, daysBefore }: InfectiousPeriodInput): number {
  const anchor = onsetMs === null ? specimenMs : Math.min(onsetMs, specimenMs);
  return anchor - daysBefore * DAY_MS;
}

const dayNames = new Map<number, string>();

/** UTC calendar day of an instant, as stored in the scan partition key (memoised: ingestion asks it per scan). */
export function utcDay(ms: number): string {
  const n = Math.floor(ms / DAY_MS);
  let name = dayNames.get(n);
  if (name === undefined) {
    name = new Date(n * DAY_MS).toISOString().slice(0, 10);
    if (dayNames.size > 10_000) dayNames.clear();
    dayNames.set(n, name);
  }
  return name;
}

/** Every UTC day touched by [fromMs, toMs], in order. */
export function utcDaysBetween(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  let d = Date.UTC(new Date(fromMs).getUTCFullYear(), new Date(fromMs).getUTCMonth(), new Date(fromMs).getUTCDate());
  for (; d <= toMs; d += DAY_MS) out.push(utcDay(d));
  return out;
}
