import { useEffect, useState, type RefObject } from 'react';
import { Map as MapLibreMap, ScaleControl, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { blankStyle } from './map-style.ts';

setWorkerUrl(workerUrl);

declare global {
  interface Window {
    /** The live map, for browser tests and for operators debugging a wall screen from devtools. */
    __tesseraMap?: MapLibreMap;
  }
}

/** Creates the map once the container exists; yields it only after the style has loaded. */
export function useMapInstance(container: RefObject<HTMLDivElement | null>): MapLibreMap | null {
  const [map, setMap] = useState<MapLibreMap | null>(null);
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const m = new MapLibreMap({
      container: el,
      style: blankStyle(),
      center: [0, 0],
      zoom: 1,
      attributionControl: false,
      maplibreLogo: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      maxPitch: 0,
      renderWorldCopies: false,
      fadeDuration: 0,
      // Keyboard pans/zooms the map; drilling by keyboard goes through the area list beside it.
      keyboard: true,
    });
    m.touchZoomRotate.disableRotation();
    m.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-right');
    m.once('load', () => {
      window.__tesseraMap = m;
      setMap(m);
    });
    return () => {
      if (window.__tesseraMap === m) delete window.__tesseraMap;
      setMap(null);
      m.remove();
    };
  }, [container]);
  return map;
}
