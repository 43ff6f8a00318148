import type { Map as MapLibreMap } from 'maplibre-gl';

/**
 * False once map.remove() has run. React runs effect cleanups in declaration order, so the cleanup that
 * removes the map can precede ones that still want to restyle it (stop a pulse, clear a selection).
 */
export const isLive = (map: MapLibreMap): boolean => ((map as { style?: unknown }).style ?? null) !== null;
