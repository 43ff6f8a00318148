import type { ExpressionSpecification } from 'maplibre-gl';

/** Dark-screen sequential ramps: low values stay close to the background so high ones carry the eye. */
export const PALETTES = {
  blue: ['#16324f', '#194b78', '#1f67a3', '#2b8fd6', '#6cc3f7'],
  heat: ['#2a1a24', '#5c1d2e', '#9c2337', '#dc3345', '#ff8a6b'],
  /** For figures where low is bad (coverage): the lowest values carry the eye. */
  gap: ['#ff8a6b', '#dc3345', '#9c2337', '#5c1d2e', '#2a1a24'],
} as const;
export type PaletteId = keyof typeof PALETTES;
export const NO_DATA_COLOR = '#1a2233';

/** Whether high figures (cases, overdue incidents) or low ones (campaign coverage) call for attention. */
export type AlertDirection = 'high' | 'low';

export interface Scale {
  /** [min, max] of the values, or null when there are none. */
  domain: readonly [number, number] | null;
  threshold: number | null;
  /** Ids whose value reaches the threshold (from above for 'low' figures): they pulse. */
  alerts: readonly string[];
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? null;
}

/**
 * Without an operator's choice, the top decile stands out, or, when most figures are the minimum (a few red
 * grids among hundreds at 0), those above it. For figures where low is bad the same holds mirrored: the bottom
 * decile, or those below a common maximum (a few grids behind among many at 100 %). With no spread nothing does:
 * a flat map flashing everywhere would say nothing.
 */
export function defaultThreshold(
  values: Readonly<Record<string, number>>,
  direction: AlertDirection = 'high',
): number | null {
  const sorted = Object.values(values).sort((a, b) => a - b);
  if (sorted.length < 2 || sorted[0] === sorted.at(-1)) return null;
  if (direction === 'low') {
    const p10 = percentile(sorted, 10);
    const max = sorted.at(-1) as number;
    if (p10 === max) return [...sorted].reverse().find((v) => v < max) ?? null;
    return p10;
  }
  const p90 = percentile(sorted, 90);
  // Sparse counts (most grids 0): a threshold at the minimum would flash everything; take the next value up.
  if (p90 === sorted[0]) return sorted.find((v) => v > (sorted[0] as number)) ?? null;
  return p90;
}

export function buildScale(
  values: Readonly<Record<string, number>>,
  threshold: number | null,
  direction: AlertDirection = 'high',
): Scale {
  const entries = Object.entries(values).filter(([, v]) => Number.isFinite(v));
  if (entries.length === 0) return { domain: null, threshold, alerts: [] };
  let min = Infinity;
  let max = -Infinity;
  for (const [, v] of entries) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const reaches = direction === 'low' ? (v: number, t: number) => v <= t : (v: number, t: number) => v >= t;
  const alerts = threshold === null ? [] : entries.filter(([, v]) => reaches(v, threshold)).map(([id]) => id);
  return { domain: [min, max], threshold, alerts };
}

/** Evenly spaced stops over the domain, as [value, colour] pairs. */
export function stopsFor(domain: readonly [number, number], palette: readonly string[]): Array<[number, string]> {
  const [min, max] = domain;
  const n = palette.length;
  return palette.map((c, i) => [min + ((max - min) * i) / (n - 1), c]);
}

/** The colour a value gets: the same ramp the map uses, for legends and lists. */
export function colorOf(v: number, domain: readonly [number, number] | null, palette: readonly string[]): string {
  if (!domain || !Number.isFinite(v)) return NO_DATA_COLOR;
  const [min, max] = domain;
  if (max === min) return palette[Math.floor(palette.length / 2)] ?? NO_DATA_COLOR;
  const i = Math.round(((v - min) / (max - min)) * (palette.length - 1));
  return palette[Math.min(palette.length - 1, Math.max(0, i))] ?? NO_DATA_COLOR;
}

/**
 * fill-color reading the per-feature `value` state, so new figures restyle the map without re-sending geometry.
 * Always an expression over feature state, even with nothing to show: MapLibre cannot switch a layer between a
 * constant and a feature-state colour while feature states are being updated.
 */
export function fillColorExpression(
  domain: readonly [number, number] | null,
  palette: readonly string[],
): ExpressionSpecification {
  const value: ExpressionSpecification = ['feature-state', 'value'];
  const hasValue: ExpressionSpecification = ['==', ['typeof', value], 'number'];
  if (!domain) return ['case', hasValue, NO_DATA_COLOR, NO_DATA_COLOR];
  if (domain[0] === domain[1]) return ['case', hasValue, colorOf(domain[0], domain, palette), NO_DATA_COLOR];
  const stops = stopsFor(domain, palette).flat();
  return ['case', hasValue, ['interpolate', ['linear'], value, ...stops], NO_DATA_COLOR] as ExpressionSpecification;
}
