import { useEffect, useMemo, useRef, useState } from 'react';
import type { GeoJSONSource } from 'maplibre-gl';
import { useTranslation } from 'react-i18next';
import type { GridFeature } from '../../../api/types.ts';
import { nameIn, useLanguage } from '../../../i18n/format.ts';
import type { FocusData } from '../useFocus.ts';
import type { View } from '../useContextGrids.ts';
import type { Scale } from './choropleth-scale.ts';
import { labelPoint } from './geometry.ts';
import { LabelLayer, type Label } from './labels.ts';
import { isLive } from './live.ts';
import { GRID_MIN_ZOOM, LAYERS, SOURCES } from './map-style.ts';
import { MapTooltip } from './MapTooltip.tsx';
import { useChoropleth, type ChoroplethTarget } from './useChoropleth.ts';
import { useMapInstance } from './useMapInstance.ts';
import { useMapInteraction, type Hover } from './useMapInteraction.ts';

const AREA_TARGET: ChoroplethTarget = {
  source: SOURCES.areas,
  fillLayer: LAYERS.areasFill,
  alertSource: SOURCES.areasAlert,
  alert: { fill: LAYERS.areasAlertFill, line: LAYERS.areasAlertLine },
};
const GRID_TARGET: ChoroplethTarget = {
  source: SOURCES.grids,
  fillLayer: LAYERS.gridsFill,
  alertSource: SOURCES.gridsAlert,
  alert: { fill: LAYERS.gridsAlertFill, line: LAYERS.gridsAlertLine },
};
// The metric panel floats over the map's top-left corner; keep the focus clear of it.
const FIT_PADDING = { top: 48, bottom: 48, left: 320, right: 48 };
const GRID_LAYERS = [
  LAYERS.gridsFill,
  LAYERS.gridsAlertFill,
  LAYERS.gridsLine,
  LAYERS.gridsAlertLine,
  LAYERS.gridsHover,
];

export interface Layered {
  values: Readonly<Record<string, number>> | null;
  scale: Scale;
}

interface Props {
  data: FocusData | null;
  grids: readonly GridFeature[];
  areaLayer: Layered;
  gridLayer: Layered;
  palette: readonly string[];
  formatValue(v: number): string;
  metricId: string;
  metricLabel: string;
  selectedGrid: string | null;
  onDrill(id: string): void;
  onSelectGrid(code: string): void;
  onView(view: View): void;
}

const NONE: readonly never[] = [];

const collection = (features: readonly unknown[]) => ({
  type: 'FeatureCollection' as const,
  features: features as never[],
});

export function CommandMap(props: Props) {
  const { data, grids, areaLayer, gridLayer, palette, selectedGrid } = props;
  const { t } = useTranslation();
  const lang = useLanguage();
  const container = useRef<HTMLDivElement>(null);
  const map = useMapInstance(container);
  const [hover, setHover] = useState<Hover>(null);
  const [rendered, setRendered] = useState('');
  const focusId = data?.focus.id ?? '';
  const isLeaf = data?.isLeaf ?? false;
  const gridKey = useMemo(() => `${focusId}:${grids.length}:${grids[0]?.id ?? ''}`, [focusId, grids]);

  useMapInteraction(map, { isLeaf, onDrill: props.onDrill, onSelectGrid: props.onSelectGrid, onHover: setHover });

  // Geometry for the current focus: its outline, its children, and (at a community) its grids.
  useEffect(() => {
    if (!map || !data) return;
    (map.getSource(SOURCES.scope) as GeoJSONSource).setData(collection(data.focus.geometry ? [data.focus] : []));
    (map.getSource(SOURCES.areas) as GeoJSONSource).setData(collection(data.areas));
    // The children tile the focus: its own fill would only be painted over (a whole extra pass per frame).
    map.setLayoutProperty(LAYERS.scopeFill, 'visibility', data.areas.length > 0 ? 'none' : 'visible');
    for (const l of GRID_LAYERS) map.setLayerZoomRange(l, data.isLeaf ? 0 : GRID_MIN_ZOOM, 24);
    const bbox = data.focus.properties.bbox;
    if (bbox && bbox.length >= 4) {
      const reduce = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
      map.fitBounds(
        [
          [bbox[0] ?? 0, bbox[1] ?? 0],
          [bbox[2] ?? 0, bbox[3] ?? 0],
        ],
        { padding: map.getContainer().clientWidth > 760 ? FIT_PADDING : 24, duration: reduce ? 0 : 700 },
      );
    }
  }, [map, data]);

  useEffect(() => {
    if (!map) return;
    (map.getSource(SOURCES.grids) as GeoJSONSource).setData(collection(grids));
  }, [map, grids]);

  // Tests and wall-screen monitors wait for this: the focus has been drawn and the camera has settled.
  // Not 'idle' nor loaded(): while areas pulse, paint changes every frame and the map is never idle.
  useEffect(() => {
    if (!map || !focusId) return;
    setRendered('');
    let done = false;
    const mark = () => {
      if (!done && !map.isMoving() && map.isStyleLoaded()) {
        done = true;
        setRendered(focusId);
      }
    };
    map.on('render', mark);
    map.on('idle', mark);
    map.triggerRepaint();
    return () => {
      map.off('render', mark);
      map.off('idle', mark);
    };
  }, [map, focusId, gridKey]);

  useChoropleth(map, AREA_TARGET, areaLayer.values, areaLayer.scale, palette, focusId, data?.areas ?? NONE);
  useChoropleth(map, GRID_TARGET, gridLayer.values, gridLayer.scale, palette, gridKey, grids);

  // Coloured grids replace the area colours as one zooms in; uncoloured grids stay a mesh over them.
  useEffect(() => {
    if (!map) return;
    const gridsColoured = gridLayer.values !== null;
    map.setPaintProperty(LAYERS.gridsFill, 'fill-opacity', gridsColoured ? 0.92 : isLeaf ? 0.55 : 0);
    // An uncoloured mesh above a community is only outlines: skip the invisible fill's draw (hover then shows the area).
    map.setLayoutProperty(LAYERS.gridsFill, 'visibility', gridsColoured || isLeaf ? 'visible' : 'none');
    map.setPaintProperty(
      LAYERS.areasFill,
      'fill-opacity',
      gridsColoured && !isLeaf
        ? ['interpolate', ['linear'], ['zoom'], GRID_MIN_ZOOM - 0.5, 0.92, GRID_MIN_ZOOM, 0.12]
        : 0.92,
    );
  }, [map, gridLayer.values, isLeaf]);

  // The hovered area or grid and the selected grid, outlined from a copy in the small highlight source. The
  // `selected` feature state stays on the grid for readers (tests, devtools).
  const hoverKey = hover ? `${hover.kind}:${hover.id}` : '';
  useEffect(() => {
    if (!map) return;
    const out: unknown[] = [];
    const gridByCode = (code: string) => grids.find((g) => g.id === code);
    const [kind, id] = hoverKey.split(':');
    if (kind === 'area') {
      const a = data?.areas.find((x) => x.id === id);
      if (a) out.push({ type: 'Feature', geometry: a.geometry, properties: { kind: 'area', selected: false } });
    } else if (kind === 'grid' && id !== selectedGrid) {
      const g = id ? gridByCode(id) : undefined;
      if (g) out.push({ type: 'Feature', geometry: g.geometry, properties: { kind: 'grid', selected: false } });
    }
    const sel = selectedGrid ? gridByCode(selectedGrid) : undefined;
    if (sel) out.push({ type: 'Feature', geometry: sel.geometry, properties: { kind: 'grid', selected: true } });
    (map.getSource(SOURCES.highlight) as GeoJSONSource).setData(
      collection(out.filter((f) => (f as { geometry: unknown }).geometry)),
    );
  }, [map, hoverKey, selectedGrid, data, grids]);

  useEffect(() => {
    if (!map) return;
    if (selectedGrid) map.setFeatureState({ source: SOURCES.grids, id: selectedGrid }, { selected: true });
    return () => {
      if (selectedGrid && isLive(map))
        map.setFeatureState({ source: SOURCES.grids, id: selectedGrid }, { selected: false });
    };
  }, [map, selectedGrid, gridKey]);

  const labels = useRef<LabelLayer | null>(null);
  useEffect(() => {
    if (!map) return;
    labels.current = new LabelLayer(map);
    return () => labels.current?.clear();
  }, [map]);
  useEffect(() => {
    if (!data || !labels.current) return;
    const out: Label[] = [];
    for (const a of data.areas) {
      const p = labelPoint(a.geometry);
      if (p) out.push({ id: `a${a.id}`, lngLat: p, text: nameIn(a.properties.name, lang), kind: 'area' });
    }
    if (data.isLeaf)
      for (const g of data.grids)
        out.push({
          id: `g${g.id}`,
          lngLat: [g.properties.centroid.lng, g.properties.centroid.lat],
          text: String(g.properties.serial),
          kind: 'grid',
        });
    labels.current.sync(out);
  }, [data, lang, map]);

  // Report the view so the parent can fetch grids for what is on screen.
  const onView = useRef(props.onView);
  onView.current = props.onView;
  useEffect(() => {
    if (!map) return;
    const report = () => {
      const b = map.getBounds();
      onView.current({ zoom: map.getZoom(), bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] });
    };
    report();
    map.on('moveend', report);
    return () => {
      map.off('moveend', report);
    };
  }, [map]);

  useEffect(() => {
    map?.getCanvas().setAttribute('aria-label', t('command.map.canvasLabel'));
  }, [map, t]);

  return (
    <div
      className="command-map"
      role="region"
      aria-label={t('command.map.label')}
      data-testid="command-map"
      data-focus={focusId}
      data-rendered={rendered}
      data-level={data?.focus.properties.level ?? ''}
    >
      <div ref={container} className="command-map-canvas" />
      <MapTooltip
        hover={hover}
        data={data}
        grids={grids}
        areaLayer={areaLayer}
        gridLayer={gridLayer}
        format={props.formatValue}
        metricId={props.metricId}
        metricLabel={props.metricLabel}
      />
    </div>
  );
}
