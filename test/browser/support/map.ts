import type { Page } from 'playwright-core';

/** Waits until the command map has drawn `focusId` and the camera has settled. */
export async function waitForMap(page: Page, focusId: string): Promise<void> {
  await page.locator(`[data-testid=command-map][data-rendered="${focusId}"]`).waitFor({ timeout: 60_000 });
}

/** Ids of the features MapLibre actually rendered in a layer (what a viewer can see), sorted and unique. */
export function renderedIds(page: Page, layer: string): Promise<string[]> {
  return page.evaluate((l) => {
    const map = window.__tesseraMap;
    if (!map) throw new Error('no map on the page');
    const ids = new Set(map.queryRenderedFeatures({ layers: [l] }).map((f) => String(f.id)));
    return [...ids].sort();
  }, layer);
}

export function featureStates(page: Page, source: string, ids: readonly string[]) {
  return page.evaluate(
    ([s, list]) => {
      const map = window.__tesseraMap;
      if (!map) throw new Error('no map on the page');
      return Object.fromEntries(list.map((id) => [id, map.getFeatureState({ source: s, id })]));
    },
    [source, ids] as const,
  ) as Promise<Record<string, Record<string, unknown>>>;
}

export function featureState(page: Page, source: string, id: string): Promise<Record<string, unknown>> {
  return page.evaluate(
    ([s, i]) => {
      const map = window.__tesseraMap;
      if (!map) throw new Error('no map on the page');
      return map.getFeatureState({ source: s as string, id: i as string });
    },
    [source, id],
  );
}

/** The on-screen pixel of a coordinate, relative to the page (for real mouse clicks). */
export async function pixelOf(page: Page, lngLat: [number, number]): Promise<{ x: number; y: number }> {
  const box = await page.locator('[data-testid=command-map] canvas').boundingBox();
  if (!box) throw new Error('map canvas not visible');
  const p = await page.evaluate((ll) => {
    const map = window.__tesseraMap;
    if (!map) throw new Error('no map on the page');
    const pt = map.project(ll);
    return { x: pt.x, y: pt.y };
  }, lngLat);
  return { x: box.x + p.x, y: box.y + p.y };
}

/** A page point where a real click lands on the rendered feature `id` of `layer`. */
export async function pointInside(page: Page, layer: string, id: string): Promise<{ x: number; y: number }> {
  const box = await page.locator('[data-testid=command-map] canvas').boundingBox();
  if (!box) throw new Error('map canvas not visible');
  const local = await page.evaluate(
    ([l, i]) => {
      const map = window.__tesseraMap;
      if (!map) throw new Error('no map on the page');
      const canvas = map.getCanvas();
      const rect = canvas.getBoundingClientRect();
      // Scan a coarse raster of the viewport for points that hit the feature and are not under an overlay
      // panel, then take the one nearest the hits' centroid.
      const hits: Array<[number, number]> = [];
      for (let y = 8; y < rect.height; y += 16)
        for (let x = 8; x < rect.width; x += 16) {
          if (document.elementFromPoint(rect.left + x, rect.top + y) !== canvas) continue;
          const f = map.queryRenderedFeatures([x, y], { layers: [l as string] });
          if (f.some((g) => String(g.id) === i)) hits.push([x, y]);
        }
      if (hits.length === 0) return null;
      const cx = hits.reduce((s, p) => s + p[0], 0) / hits.length;
      const cy = hits.reduce((s, p) => s + p[1], 0) / hits.length;
      hits.sort((a, b) => Math.hypot(a[0] - cx, a[1] - cy) - Math.hypot(b[0] - cx, b[1] - cy));
      const [x, y] = hits[0] as [number, number];
      return { x, y };
    },
    [layer, id],
  );
  if (!local) throw new Error(`feature ${id} is not rendered in ${layer}`);
  return { x: box.x + local.x, y: box.y + local.y };
}
