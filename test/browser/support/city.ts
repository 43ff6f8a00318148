import { apiAll, apiGet } from './browser.ts';

export interface Area {
  id: string;
  properties: { level: string; name: { 'zh-CN': string; en: string }; areaM2: number | null; childCount?: number };
}
export interface Grid {
  id: string;
  properties: { code: string; communityId: string; areaM2: number; centroid: { lat: number; lng: number } };
}

/** The seeded city as the API describes it: tests derive every expectation from here, never from constants. */
export async function cityTree() {
  const roots = await apiGet<{ items: Array<{ id: string; level: string }> }>('/jurisdictions');
  const province = roots.items[0];
  if (!province) throw new Error('no jurisdictions seeded');
  const [city] = await apiAll<Area>(`/jurisdictions/${province.id}/children?geometry=false`);
  if (!city) throw new Error('no city under the province');
  /** The first chain city → district → subdistrict → community. */
  const chain: Area[] = [city];
  for (;;) {
    const last = chain.at(-1) as Area;
    if ((last.properties.childCount ?? 0) === 0) break;
    const kids = await apiAll<Area>(`/jurisdictions/${last.id}/children?geometry=false`);
    const next = kids[0];
    if (!next) break;
    chain.push(next);
  }
  return { city, chain, community: chain.at(-1) as Area };
}

export const childrenOf = (id: string) => apiAll<Area>(`/jurisdictions/${id}/children?geometry=false`);
export const gridsOf = (id: string) => apiAll<Grid>(`/jurisdictions/${id}/grids?geometry=false`);
