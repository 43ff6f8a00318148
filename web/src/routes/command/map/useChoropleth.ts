import { useEffect, useRef } from 'react';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { fillColorExpression, type Scale } from './choropleth-scale.ts';
import { startPulse, type AlertLayers } from './pulse.ts';

export interface ChoroplethTarget {
  source: string;
  fillLayer: string;
  /** The small source the alert layers draw: a copy of the alerting features only. */
  alertSource: string;
  alert: AlertLayers;
}

/** A drawn feature: its id is the key of `values`. */
export interface Feature {
  id: string;
}

/**
 * Colours a source's features by `values` (feature id → number) and pulses those the scale marks as alerts. Values
 * live in feature state, so a new set of figures (e.g. live red/yellow counts) restyles the map without re-sending
 * geometry; the `alert` state is kept for readers (tooltips, tests), while the glow is drawn from a copy of just the
 * alerting features. `dataKey` changes whenever the source's features are replaced.
 */
export function useChoropleth(
  map: MapLibreMap | null,
  target: ChoroplethTarget,
  values: Readonly<Record<string, number>> | null,
  scale: Scale,
  palette: readonly string[],
  dataKey: string,
  features: readonly Feature[],
): void {
  const previous = useRef<Set<string>>(new Set());
  const { source, fillLayer, alertSource, alert } = target;

  useEffect(() => {
    if (!map) return;
    const next = new Set(Object.keys(values ?? {}));
    for (const id of previous.current) {
      if (next.has(id)) continue;
      map.removeFeatureState({ source, id }, 'value');
      map.removeFeatureState({ source, id }, 'alert');
    }
    const alerts = new Set(scale.alerts);
    for (const [id, value] of Object.entries(values ?? {})) {
      map.setFeatureState({ source, id }, { value, alert: alerts.has(id) });
    }
    previous.current = next;
    map.setPaintProperty(fillLayer, 'fill-color', fillColorExpression(values ? scale.domain : null, palette));
    (map.getSource(alertSource) as GeoJSONSource | undefined)?.setData({
      type: 'FeatureCollection',
      features: (alerts.size > 0 ? features.filter((f) => alerts.has(f.id)) : []) as never[],
    });
  }, [map, source, fillLayer, alertSource, values, scale, palette, dataKey, features]);

  const pulsing = scale.alerts.length > 0;
  useEffect(() => {
    if (!map || !pulsing) return;
    return startPulse(map, alert);
  }, [map, pulsing, alert]);
}
