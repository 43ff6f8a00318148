import type { GridFeature, JurisdictionFeature } from '../../api/types.ts';
import type { AlertDirection, PaletteId } from './map/choropleth-scale.ts';
import type { StatusFigures, StatusMetric } from './useAreaStats.ts';
import { gridFigure, type GridFigures } from './useGridFigures.ts';

export type Values = Record<string, number>;

export interface MetricInput {
  areas: readonly JurisdictionFeature[];
  /** Grids drawn on the map (a community's, or those in view when zoomed in). */
  grids: readonly GridFeature[];
  /** Every grid under the focus, without geometry; null until loaded or when the metric does not need it. */
  gridIndex: readonly GridFeature[] | null;
  /** Status figures per child of the focus from /stats/areas; null until loaded or when the role may not read them. */
  stats: StatusFigures | null;
  /** Status figures per drawn grid when zoomed in above a community (GET /stats/grids); null otherwise. */
  gridFigures: GridFigures | null;
}

/** A figure the map can colour by; `areas`/`grids` return null where the figure has no meaning. */
export interface Metric {
  id: string;
  palette: PaletteId;
  unit: 'count' | 'm2' | 'percent';
  /** Which end of the scale pulses: high counts, or low coverage. */
  direction: AlertDirection;
  needsGridIndex: boolean;
  /** Whether zoomed-in grids above a community need per-grid figures from the server. */
  needsGridFigures: boolean;
  areas(input: MetricInput): Values | null;
  grids(input: MetricInput): Values | null;
}

/** A metric whose API is still being built: listed so operators know it is coming, never drawn. */
export interface PendingMetric {
  id: string;
  apiKey: 'status' | 'tracing' | 'incidents' | 'campaigns';
}

const byId = <F extends { id: string }>(features: readonly F[], value: (f: F) => number | null | undefined): Values => {
  const out: Values = {};
  for (const f of features) {
    const v = value(f);
    if (typeof v === 'number' && Number.isFinite(v)) out[f.id] = v;
  }
  return out;
};

/**
 * Rolls grid figures up to the areas on the map. Administrative codes nest (a grid's 15-digit code starts
 * with its community, subdistrict and district codes), so the owning area is a code prefix. Red/yellow
 * counts per grid will aggregate the same way.
 */
export function aggregateToAreas(gridValues: Readonly<Record<string, number>>, areaIds: readonly string[]): Values {
  const out: Values = {};
  const byLength = new Map<number, Set<string>>();
  for (const id of areaIds) {
    out[id] = 0;
    const set = byLength.get(id.length) ?? new Set<string>();
    set.add(id);
    byLength.set(id.length, set);
  }
  for (const [code, v] of Object.entries(gridValues)) {
    for (const [len, ids] of byLength) {
      const prefix = code.slice(0, len);
      if (ids.has(prefix)) {
        out[prefix] = (out[prefix] ?? 0) + v;
        break;
      }
    }
  }
  return out;
}

/** A figure counted by the server per child area, or per unit grid (keyed by code) under a community. */
function statusMetric(id: string, server: StatusMetric): Metric {
  return {
    id,
    palette: 'heat',
    unit: 'count',
    direction: 'high',
    needsGridIndex: false,
    needsGridFigures: true,
    areas: ({ stats }) => (stats && stats.level !== 'grid' ? stats.byMetric[server] : null),
    grids: ({ stats, grids, gridFigures }) => {
      if (stats && stats.level === 'grid') {
        const byCode = stats.byMetric[server];
        return byId(grids, (g) => byCode[g.properties.code] ?? 0);
      }
      // Zoomed in above a community: each drawn grid's own figure, once its area's figures have arrived.
      if (!gridFigures || grids.length === 0) return null;
      const out = byId(grids, (g) => gridFigure(gridFigures, server, g.properties.code));
      return Object.keys(out).length > 0 ? out : null;
    },
  };
}

/** Percent of `of` that is `part`, per id, leaving out ids with nothing to cover (no campaign there). */
export function percentOf(part: Readonly<Record<string, number>>, of: Readonly<Record<string, number>>): Values {
  const out: Values = {};
  for (const [id, total] of Object.entries(of)) if (total > 0) out[id] = (100 * (part[id] ?? 0)) / total;
  return out;
}

/**
 * Door-to-door campaign coverage: households reached ÷ households on the lists of running campaigns, per area or
 * grid. The server sends both counts so areas divide their own sums; a place without a campaign has no value.
 */
const campaignCoverage: Metric = {
  id: 'campaignCoverage',
  palette: 'gap',
  unit: 'percent',
  direction: 'low',
  needsGridIndex: false,
  needsGridFigures: true,
  areas: ({ stats }) =>
    stats && stats.level !== 'grid'
      ? percentOf(stats.byMetric.campaign_reached, stats.byMetric.campaign_households)
      : null,
  grids: ({ stats, grids, gridFigures }) => {
    const source = stats && stats.level === 'grid' ? stats.byMetric : gridFigures?.byMetric;
    if (!source || grids.length === 0) return null;
    const pct = percentOf(source.campaign_reached, source.campaign_households);
    const out = byId(grids, (g) => pct[g.properties.code]);
    return Object.keys(out).length > 0 || source === stats?.byMetric ? out : null;
  },
};

export const METRICS: readonly Metric[] = [
  {
    id: 'gridCount',
    palette: 'blue',
    unit: 'count',
    direction: 'high',
    needsGridIndex: true,
    needsGridFigures: false,
    areas: ({ areas, gridIndex }) =>
      gridIndex
        ? aggregateToAreas(
            Object.fromEntries(gridIndex.map((g) => [g.properties.code, 1])),
            areas.map((a) => a.id),
          )
        : null,
    grids: () => null,
  },
  {
    id: 'area',
    palette: 'blue',
    unit: 'm2',
    direction: 'high',
    needsGridIndex: false,
    needsGridFigures: false,
    areas: ({ areas }) => byId(areas, (f) => f.properties.areaM2),
    grids: ({ grids }) => (grids.length ? byId(grids, (f) => f.properties.areaM2) : null),
  },
  statusMetric('red', 'red'),
  statusMetric('yellow', 'yellow'),
  statusMetric('quarantinedHouseholds', 'quarantined_households'),
  statusMetric('openIncidents', 'open_incidents'),
  statusMetric('overdueIncidents', 'overdue_incidents'),
  statusMetric('activeCases', 'active_cases'),
  campaignCoverage,
];

export const PENDING_METRICS: readonly PendingMetric[] = [];

export const metricById = (id: string): Metric => METRICS.find((m) => m.id === id) ?? (METRICS[0] as Metric);
