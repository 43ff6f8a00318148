import { cityOfPath } from '../status/person-scope.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Database } from '../../platform/database/database.ts';

export interface PlaceInfo {
  id: string;
  kind: 'venue' | 'sentinel';
  category: string;
  nameZh: string;
  nameEn: string;
  gridCode: string;
  communityPath: string;
  cityId: string;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TTL_MS = 60_000;
const MAX_ENTRIES = 200_000;

/*
 * Ingestion looks up the place of every scan; places change rarely, so they are cached for a minute per database
 * (misses too, so a stream of scans of a deleted place does not hit the database each time).
 */
const caches = new WeakMap<Database, Map<string, { info: PlaceInfo | null; until: number }>>();

export async function placesById(ctx: AppContext, ids: Iterable<string>): Promise<Map<string, PlaceInfo>> {
  let cache = caches.get(ctx.db);
  if (!cache) {
    cache = new Map();
    caches.set(ctx.db, cache);
  }
  const now = Date.now();
  const out = new Map<string, PlaceInfo>();
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const hit = cache.get(id);
    if (hit && hit.until > now) {
      if (hit.info) out.set(id, hit.info);
    } else if (UUID_RE.test(id)) missing.push(id);
  }
  if (missing.length > 0) {
    const rows = await ctx.db
      .selectFrom('places')
      .innerJoin('grids', 'grids.code', 'places.grid_code')
      .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
      .select([
        'places.id',
        'places.kind',
        'places.category',
        'places.name_zh',
        'places.name_en',
        'places.grid_code',
        'jurisdictions.path',
      ])
      .where('places.id', 'in', missing)
      .execute();
    if (cache.size + missing.length > MAX_ENTRIES) cache.clear();
    const found = new Map(rows.map((r) => [r.id, r]));
    for (const id of missing) {
      const r = found.get(id);
      const info: PlaceInfo | null = r
        ? {
            id: r.id,
            kind: r.kind,
            category: r.category,
            nameZh: r.name_zh,
            nameEn: r.name_en,
            gridCode: r.grid_code.trim(),
            communityPath: r.path,
            cityId: cityOfPath(r.path),
          }
        : null;
      cache.set(id, { info, until: now + TTL_MS });
      if (info) out.set(id, info);
    }
  }
  return out;
}

export async function placeById(ctx: AppContext, id: string): Promise<PlaceInfo | null> {
  return (await placesById(ctx, [id])).get(id) ?? null;
}
