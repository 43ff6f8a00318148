import { cellOf } from '../../core/geo/h3-cover.ts';
import { containsPoint, type Area } from '../../core/geo/polygons.ts';
import type { Database } from '../../platform/database/database.ts';
import { parseJson } from '../jurisdictions/jurisdictions.presenter.ts';

export interface GridInfo {
  code: string;
  communityPath: string;
}

/**
 * Point → grid for many points at once: the same H3 cover and exact polygon test as
 * `locateGridCode`, but one query per batch instead of one per point, with polygons cached for the run.
 */
export class GridLocator {
  private readonly grids = new Map<string, (GridInfo & { geometry: Area }) | null>();

  constructor(private readonly db: Database) {}

  async locate(points: Array<{ lat: number; lng: number }>): Promise<Array<GridInfo | null>> {
    const cells = points.map((p) => cellOf(p.lat, p.lng));
    const candidates = new Map<string, string[]>();
    const unique = [...new Set(cells)];
    for (let i = 0; i < unique.length; i += 1000) {
      const rows = await this.db
        .selectFrom('grid_cells')
        .select(['cell', 'grid_code'])
        .where('cell', 'in', unique.slice(i, i + 1000))
        .execute();
      for (const r of rows) candidates.set(r.cell, [...(candidates.get(r.cell) ?? []), r.grid_code]);
    }
    await this.load([...new Set([...candidates.values()].flat())]);
    return points.map((p, i) => {
      for (const code of (candidates.get(cells[i] as string) ?? []).sort()) {
        const g = this.grids.get(code);
        if (g && containsPoint(g.geometry, p.lat, p.lng)) return { code: g.code, communityPath: g.communityPath };
      }
      return null;
    });
  }

  /** Known grids among `codes` (null for codes that do not exist). */
  async info(codes: string[]): Promise<Map<string, GridInfo | null>> {
    await this.load(codes);
    return new Map(codes.map((c) => [c, this.grids.get(c) ?? null]));
  }

  private async load(codes: string[]): Promise<void> {
    const missing = [...new Set(codes)].filter((c) => !this.grids.has(c));
    for (let i = 0; i < missing.length; i += 500) {
      const chunk = missing.slice(i, i + 500);
      const rows = await this.db
        .selectFrom('grids')
        .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
        .select(['grids.code', 'grids.geometry', 'jurisdictions.path'])
        .where('grids.code', 'in', chunk)
        .execute();
      for (const c of chunk) this.grids.set(c, null);
      for (const r of rows)
        this.grids.set(r.code, { code: r.code, communityPath: r.path, geometry: parseJson(r.geometry) as Area });
    }
  }
}
