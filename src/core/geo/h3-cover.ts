import { latLngToCell, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS } from 'h3-js';
import type { Area } from './polygons.ts';
import { GRID_H3_RES, type CellId } from './coordinates.ts';

/**
 * Every res-10 cell that overlaps the area. Cells on a boundary belong to several grids' covers;
 * a point lookup then tests the few candidate polygons, which keeps it exact.
 */
export function coverCells(geometry: Area, res = GRID_H3_RES): CellId[] {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const out = new Set<string>();
  for (const rings of polys) {
    for (const c of polygonToCellsExperimental(rings, res, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true))
      out.add(c);
  }
  return [...out] as CellId[];
}

export function cellOf(lat: number, lng: number, res = GRID_H3_RES): CellId {
  return latLngToCell(lat, lng, res) as CellId;
}
