import type { ExpressionSpecification, LayerSpecification, StyleSpecification } from 'maplibre-gl';
import { fillColorExpression } from './choropleth-scale.ts';

/**
 * Unit grids are ~100 m: below zoom 13 (≈6 px a grid) the mesh is texture, not information, and drawing thousands
 * of outlines there halved the frame rate while panning a 1M-resident city in software GL (5.6 → 11 fps). Areas
 * carry the figures below it.
 */
export const GRID_MIN_ZOOM = 13;

export const SOURCES = {
  scope: 'scope',
  areas: 'areas',
  grids: 'grids',
  // Alerting features and the hovered/selected one are copied into small sources of their own, so the layers that
  // draw them rasterise a handful of polygons instead of every polygon with a transparent colour. In software GL
  // (wall screens without a GPU) each full-coverage layer is a full-screen pass per frame.
  areasAlert: 'areas-alert',
  gridsAlert: 'grids-alert',
  highlight: 'highlight',
} as const;
export const LAYERS = {
  scopeFill: 'scope-fill',
  areasFill: 'areas-fill',
  areasAlertFill: 'areas-alert-fill',
  areasLine: 'areas-line',
  areasAlertLine: 'areas-alert-line',
  areasHover: 'areas-hover',
  gridsFill: 'grids-fill',
  gridsAlertFill: 'grids-alert-fill',
  gridsLine: 'grids-line',
  gridsAlertLine: 'grids-alert-line',
  gridsHover: 'grids-hover',
  scopeLine: 'scope-line',
} as const;

const EMPTY = { type: 'FeatureCollection' as const, features: [] };
const selected: ExpressionSpecification = ['boolean', ['get', 'selected'], false];
const ofKind = (kind: 'area' | 'grid'): ExpressionSpecification => ['==', ['get', 'kind'], kind];

// No tiles, no glyphs, no sprites: the map is drawn from our own polygons and works offline or air-gapped.
export function blankStyle(): StyleSpecification {
  return {
    version: 8,
    // No paint transitions: the pulse animates frame by frame, and transitions would keep the map "loading".
    transition: { duration: 0, delay: 0 },
    sources: {
      [SOURCES.scope]: { type: 'geojson', data: EMPTY },
      [SOURCES.areas]: { type: 'geojson', data: EMPTY, promoteId: 'id' },
      [SOURCES.grids]: { type: 'geojson', data: EMPTY, promoteId: 'code' },
      [SOURCES.areasAlert]: { type: 'geojson', data: EMPTY },
      [SOURCES.gridsAlert]: { type: 'geojson', data: EMPTY },
      [SOURCES.highlight]: { type: 'geojson', data: EMPTY },
    },
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#070d18' } }, ...layers()],
  };
}

function layers(): LayerSpecification[] {
  return [
    { id: LAYERS.scopeFill, type: 'fill', source: SOURCES.scope, paint: { 'fill-color': '#0d1626' } },
    {
      id: LAYERS.areasFill,
      type: 'fill',
      source: SOURCES.areas,
      paint: { 'fill-color': fillColorExpression(null, []), 'fill-opacity': 0.92 },
    },
    {
      id: LAYERS.areasAlertFill,
      layout: { visibility: 'none' },
      type: 'fill',
      source: SOURCES.areasAlert,
      paint: { 'fill-color': 'rgba(255, 45, 85, 0)' },
    },
    {
      id: LAYERS.gridsFill,
      type: 'fill',
      source: SOURCES.grids,
      minzoom: GRID_MIN_ZOOM,
      paint: { 'fill-color': fillColorExpression(null, []), 'fill-opacity': 0 },
    },
    {
      id: LAYERS.gridsAlertFill,
      layout: { visibility: 'none' },
      type: 'fill',
      source: SOURCES.gridsAlert,
      minzoom: GRID_MIN_ZOOM,
      paint: { 'fill-color': 'rgba(255, 45, 85, 0)' },
    },
    {
      id: LAYERS.gridsLine,
      type: 'line',
      source: SOURCES.grids,
      minzoom: GRID_MIN_ZOOM,
      paint: { 'line-color': '#4b6a94', 'line-width': 0.6, 'line-opacity': 0.7 },
    },
    {
      id: LAYERS.gridsAlertLine,
      layout: { visibility: 'none' },
      type: 'line',
      source: SOURCES.gridsAlert,
      minzoom: GRID_MIN_ZOOM,
      paint: { 'line-color': 'rgba(255, 45, 85, 0)', 'line-width': 1.5 },
    },
    {
      id: LAYERS.areasLine,
      type: 'line',
      source: SOURCES.areas,
      paint: { 'line-color': '#7fa7d9', 'line-width': 1.4, 'line-opacity': 0.9 },
    },
    {
      id: LAYERS.areasAlertLine,
      layout: { visibility: 'none' },
      type: 'line',
      source: SOURCES.areasAlert,
      paint: { 'line-color': 'rgba(255, 45, 85, 0)', 'line-width': 1.5 },
    },
    {
      id: LAYERS.scopeLine,
      type: 'line',
      source: SOURCES.scope,
      paint: { 'line-color': '#38bdf8', 'line-width': 2.2 },
    },
    {
      id: LAYERS.gridsHover,
      type: 'line',
      source: SOURCES.highlight,
      filter: ofKind('grid'),
      minzoom: GRID_MIN_ZOOM,
      paint: {
        'line-color': ['case', selected, '#fde047', '#e2f3ff'],
        'line-width': ['case', selected, 3, 2],
      },
    },
    {
      id: LAYERS.areasHover,
      type: 'line',
      source: SOURCES.highlight,
      filter: ofKind('area'),
      paint: { 'line-color': '#e2f3ff', 'line-width': 3 },
    },
  ];
}
