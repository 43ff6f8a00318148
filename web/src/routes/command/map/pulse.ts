import type { ExpressionSpecification, Map as MapLibreMap } from 'maplibre-gl';

const PERIOD_MS = 1400;
const FRAME_MS = 50; // 20 fps is smooth enough for a glow and leaves the main thread to panning.

/** 0…1…0 over one period. */
export const pulsePhase = (t: number): number => 0.5 - 0.5 * Math.cos((2 * Math.PI * (t % PERIOD_MS)) / PERIOD_MS);

const alertCase = (on: number): ExpressionSpecification => [
  'case',
  ['boolean', ['feature-state', 'alert'], false],
  on,
  0,
];

export interface AlertLayers {
  fill: string;
  line: string;
}

function paint(map: MapLibreMap, layers: AlertLayers, phase: number): void {
  map.setPaintProperty(layers.fill, 'fill-opacity', alertCase(0.12 + 0.5 * phase));
  map.setPaintProperty(layers.line, 'line-opacity', alertCase(0.35 + 0.65 * phase));
  map.setPaintProperty(layers.line, 'line-width', 1.5 + 3 * phase);
}

/**
 * Animates the alert layers through paint properties (no geometry work per frame). Under
 * prefers-reduced-motion the alert is drawn steady instead. Returns a stop function.
 */
export function startPulse(map: MapLibreMap, layers: AlertLayers): () => void {
  const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
  if (reduced) {
    paint(map, layers, 0.8);
    return () => paint(map, layers, 0);
  }
  let raf = 0;
  let last = 0;
  const tick = (t: number) => {
    raf = requestAnimationFrame(tick);
    if (t - last < FRAME_MS) return;
    last = t;
    paint(map, layers, pulsePhase(t));
  };
  raf = requestAnimationFrame(tick);
  return () => {
    cancelAnimationFrame(raf);
    paint(map, layers, 0);
  };
}
