import { useEffect, useRef } from 'react';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { fillColorExpression, type Scale } from './choropleth-scale.ts';
import { startPulse, type AlertLayers } from './pulse.ts';

export interface ChoroplethTarget {
  source: string;
  fillLayer: string;
  alert: AlertLayers;
}

/**
 * Colours a source's features by `values` (feature id → number) and pulses those at or above the scale's
 * threshold. Values live in feature state, so a new set of figures (e.g. live red/yellow counts) restyles
 * the map without re-sending geometry. `dataKey` changes whenever the source's features are replaced.
 */
export function useChoropleth(
  map: MapLibreMap | null,
  target: ChoroplethTarget,
  values: Readonly<Record<string, number>> | null,
  scale: Scale,
  palette: readonly string[],
  dataKey: string,
): void {
  const previous = useRef<Set<string>>(new Set());
  const { source, fillLayer, alert } = target;

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
  }, [map, source, fillLayer, values, scale, palette, dataKey]);

  const pulsing = scale.alerts.length > 0;
  useEffect(() => {
    if (!map || !pulsing) return;
    return startPulse(map, alert);
  }, [map, pulsing, alert]);
}
