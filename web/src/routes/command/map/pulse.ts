import type { Map as MapLibreMap } from 'maplibre-gl';
import { isLive } from './live.ts';

const PERIOD_MS = 1400;
const FRAME_MS = 50; // 20 fps is smooth enough for a glow and leaves the main thread to panning.
const ALERT_RGB = '255, 45, 85';

/** 0…1…0 over one period. */
export const pulsePhase = (t: number): number => 0.5 - 0.5 * Math.cos((2 * Math.PI * (t % PERIOD_MS)) / PERIOD_MS);

export interface AlertLayers {
  fill: string;
  line: string;
}

/**
 * Which features glow is fixed in the style (opacity reads the `alert` feature state); only constant paint
 * values change per frame. Changing a data-driven expression instead would make MapLibre re-evaluate every
 * feature of the source each frame, which a city of 400,000 grids cannot afford.
 */
function paint(map: MapLibreMap, layers: AlertLayers, phase: number): void {
  map.setPaintProperty(layers.fill, 'fill-color', `rgba(${ALERT_RGB}, ${(0.25 + 0.5 * phase).toFixed(3)})`);
  map.setPaintProperty(layers.line, 'line-color', `rgba(${ALERT_RGB}, ${(0.35 + 0.65 * phase).toFixed(3)})`);
  map.setPaintProperty(layers.line, 'line-width', 1.5 + 3 * phase);
}

// Hidden while nothing alerts: an invisible layer over thousands of grids still costs a draw per frame.
function show(map: MapLibreMap, layers: AlertLayers, visible: boolean): void {
  for (const l of [layers.fill, layers.line]) map.setLayoutProperty(l, 'visibility', visible ? 'visible' : 'none');
}

/** Animates the alert layers; under prefers-reduced-motion the alert is drawn steady. Returns a stop function. */
export function startPulse(map: MapLibreMap, layers: AlertLayers): () => void {
  const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
  show(map, layers, true);
  if (reduced) {
    paint(map, layers, 0.8);
    return () => {
      if (!isLive(map)) return;
      paint(map, layers, 0);
      show(map, layers, false);
    };
  }
  let raf = 0;
  let last = 0;
  const tick = (t: number) => {
    if (!isLive(map)) return;
    raf = requestAnimationFrame(tick);
    if (t - last < FRAME_MS) return;
    last = t;
    paint(map, layers, pulsePhase(t));
  };
  raf = requestAnimationFrame(tick);
  return () => {
    cancelAnimationFrame(raf);
    if (!isLive(map)) return;
    paint(map, layers, 0);
    show(map, layers, false);
  };
}
