import { useEffect, useRef } from 'react';
import type { MapGeoJSONFeature, MapMouseEvent, Map as MapLibreMap } from 'maplibre-gl';
import { LAYERS } from './map-style.ts';

export type Hover =
  { kind: 'area'; id: string; x: number; y: number } | { kind: 'grid'; id: string; x: number; y: number } | null;

interface Options {
  /** At a community the grids are the things to pick; above it, clicks drill into child areas. */
  isLeaf: boolean;
  onDrill(id: string): void;
  onSelectGrid(code: string): void;
  onHover(h: Hover): void;
}

const idOf = (f: MapGeoJSONFeature | undefined): string | null => {
  const id = f?.id ?? null;
  return id === null ? null : String(id);
};

export function useMapInteraction(map: MapLibreMap | null, opts: Options): void {
  const latest = useRef(opts);
  latest.current = opts;

  useEffect(() => {
    if (!map) return;
    const pick = (e: MapMouseEvent) => {
      const layers = latest.current.isLeaf ? [LAYERS.gridsFill] : [LAYERS.gridsFill, LAYERS.areasFill];
      const present = layers.filter((l) => map.getLayer(l));
      const hits = map.queryRenderedFeatures(e.point, { layers: present });
      return {
        grid: idOf(hits.find((f) => f.layer.id === LAYERS.gridsFill)),
        area: idOf(hits.find((f) => f.layer.id === LAYERS.areasFill)),
      };
    };

    const onMove = (e: MapMouseEvent) => {
      // While the map is dragged, hit-testing under the pointer and re-rendering the tooltip would cost frames for
      // a tooltip nobody can read; the pointer is picked up again when the map stops.
      if (map.isMoving()) return;
      const { grid, area } = pick(e);
      if (grid) {
        latest.current.onHover({ kind: 'grid', id: grid, x: e.point.x, y: e.point.y });
      } else if (area) {
        latest.current.onHover({ kind: 'area', id: area, x: e.point.x, y: e.point.y });
      } else latest.current.onHover(null);
      map.getCanvas().style.cursor = grid || area ? 'pointer' : '';
    };
    const onLeave = () => {
      latest.current.onHover(null);
      map.getCanvas().style.cursor = '';
    };
    const onClick = (e: MapMouseEvent) => {
      const { grid, area } = pick(e);
      if (latest.current.isLeaf) {
        if (grid) latest.current.onSelectGrid(grid);
      } else if (area) latest.current.onDrill(area);
    };

    map.on('mousemove', onMove);
    map.on('mouseout', onLeave);
    map.on('click', onClick);
    return () => {
      map.off('mousemove', onMove);
      map.off('mouseout', onLeave);
      map.off('click', onClick);
    };
  }, [map]);
}
