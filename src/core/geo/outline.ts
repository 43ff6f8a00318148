import type { MultiPolygon, Polygon, Position } from 'geojson';

/** Lattice cell coordinates (x grows east, y grows north). */
export interface LatticeCell {
  x: number;
  y: number;
}

const key = (x: number, y: number) => `${x},${y}`;

/**
 * Outline of a set of lattice cells as GeoJSON (outer rings counter-clockwise, holes clockwise).
 * Vertices are mapped through `project`, so neighbouring regions share exactly the same boundary points.
 */
export function outlineCells(
  cells: LatticeCell[],
  project: (vx: number, vy: number) => Position,
): Polygon | MultiPolygon {
  const set = new Set(cells.map((c) => key(c.x, c.y)));
  const has = (x: number, y: number) => set.has(key(x, y));
  // Directed boundary edges with the region on their left.
  const out = new Map<string, Array<[number, number]>>();
  const add = (ax: number, ay: number, bx: number, by: number) => {
    const k = key(ax, ay);
    const list = out.get(k);
    if (list) list.push([bx, by]);
    else out.set(k, [[bx, by]]);
  };
  for (const { x, y } of cells) {
    if (!has(x, y - 1)) add(x, y, x + 1, y);
    if (!has(x + 1, y)) add(x + 1, y, x + 1, y + 1);
    if (!has(x, y + 1)) add(x + 1, y + 1, x, y + 1);
    if (!has(x - 1, y)) add(x, y + 1, x, y);
  }
  const rings: Array<Array<[number, number]>> = [];
  for (;;) {
    const startEntry = [...out.entries()].find(([, v]) => v.length > 0);
    if (!startEntry) break;
    const [sx, sy] = startEntry[0].split(',').map(Number) as [number, number];
    const ring: Array<[number, number]> = [[sx, sy]];
    let cx = sx;
    let cy = sy;
    let px = sx;
    let py = sy;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const list = out.get(key(cx, cy));
      if (!list || list.length === 0) break;
      // At a pinch vertex take the leftmost turn so rings never cross.
      let idx = 0;
      if (list.length > 1) {
        const dx = cx - px;
        const dy = cy - py;
        const left: [number, number] = [-dy, dx];
        const found = list.findIndex(([nx, ny]) => nx - cx === left[0] && ny - cy === left[1]);
        idx = found >= 0 ? found : 0;
      }
      const [nx, ny] = list.splice(idx, 1)[0] as [number, number];
      px = cx;
      py = cy;
      cx = nx;
      cy = ny;
      ring.push([cx, cy]);
      if (cx === sx && cy === sy) break;
    }
    rings.push(ring);
  }
  const signed = (r: Array<[number, number]>) => {
    let s = 0;
    for (let i = 0; i < r.length - 1; i++) {
      const a = r[i] as [number, number];
      const b = r[i + 1] as [number, number];
      s += a[0] * b[1] - b[0] * a[1];
    }
    return s / 2;
  };
  const outers = rings.filter((r) => signed(r) > 0);
  const holes = rings.filter((r) => signed(r) < 0);
  const polys: Position[][][] = outers.map((o) => [o.map(([x, y]) => project(x, y))]);
  for (const h of holes) {
    // Attach each hole to the first outer ring whose lattice bbox contains it.
    const [hx, hy] = h[0] as [number, number];
    const i = outers.findIndex((o) => {
      const xs = o.map((p) => p[0]);
      const ys = o.map((p) => p[1]);
      return hx >= Math.min(...xs) && hx <= Math.max(...xs) && hy >= Math.min(...ys) && hy <= Math.max(...ys);
    });
    polys[i >= 0 ? i : 0]?.push(h.map(([x, y]) => project(x, y)));
  }
  if (polys.length === 1) return { type: 'Polygon', coordinates: polys[0] as Position[][] };
  return { type: 'MultiPolygon', coordinates: polys };
}

/** Hilbert curve index → (x, y) on an n×n lattice (n a power of two). */
export function hilbertPoint(n: number, d: number): LatticeCell {
  let x = 0;
  let y = 0;
  let t = d;
  for (let s = 1; s < n; s *= 2) {
    const rx = 1 & (t / 2);
    const ry = 1 & (t ^ rx);
    if (ry === 0) {
      if (rx === 1) {
        x = s - 1 - x;
        y = s - 1 - y;
      }
      const tmp = x;
      x = y;
      y = tmp;
    }
    x += s * rx;
    y += s * ry;
    t = Math.floor(t / 4);
  }
  return { x, y };
}
