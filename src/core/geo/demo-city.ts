import { createHash } from 'node:crypto';
import type { MultiPolygon, Polygon } from 'geojson';
import { Prng } from '../random/prng.ts';
import { gridCode } from './admin-codes.ts';
import { DISTRICT_NAMES, GIVEN, PLACE_CATEGORIES, PLACE_STEMS, SURNAMES } from './demo-names.ts';
import { hilbertPoint, outlineCells, type LatticeCell } from './outline.ts';

/**
 * A deterministic synthetic city: the same (seed, residents) gives the same city on every machine.
 * Unit grids are ~100 m × 100 m jittered quadrilaterals on a lattice; runs of grids along a Hilbert
 * curve form communities, runs of communities form subdistricts, and so on, so every level nests
 * exactly and neighbours share their boundary vertices (no overlaps, no gaps).
 */

export interface DemoCityOptions {
  seed: number;
  residents: number;
}

export interface GenJurisdiction {
  id: string;
  parentId: string | null;
  level: 'province' | 'city' | 'district' | 'subdistrict' | 'community';
  nameZh: string;
  nameEn: string;
  geometry: Polygon | MultiPolygon | null;
}

export interface GenGrid {
  code: string;
  communityId: string;
  serial: number;
  nameZh: string;
  nameEn: string;
  geometry: Polygon;
  /** lattice cell, for deterministic per-grid generation */
  cell: LatticeCell;
  households: number;
}

export interface GenHousehold {
  id: string;
  gridCode: string;
  address: string;
  lat: number;
  lng: number;
}

export interface GenResident {
  id: string;
  householdId: string;
  name: string;
  birthDate: string;
  phone: string;
  nationalId: string;
}

export interface GenPlace {
  id: string;
  kind: 'venue' | 'sentinel';
  category: string;
  nameZh: string;
  nameEn: string;
  lat: number;
  lng: number;
  gridCode: string;
}

export interface DemoCity {
  options: DemoCityOptions;
  jurisdictions: GenJurisdiction[];
  grids: GenGrid[];
  totalHouseholds: number;
  /** Households with their residents, grid by grid, generated lazily to keep memory flat at 1,000,000 residents. */
  householdsOf(grid: GenGrid): Array<{ household: GenHousehold; residents: GenResident[] }>;
  placesOf(grid: GenGrid, index: number): GenPlace[];
}

export const DEMO_PROVINCE = '990000';
export const DEMO_CITY = '990100';
const ORIGIN = { lat: 30.2, lng: 120.05 };
const CELL_M = 100;
const HOUSEHOLDS_PER_GRID = 80;
const AVG_HOUSEHOLD = 2.6;
const GRIDS_PER_COMMUNITY = 12;
const COMMUNITIES_PER_SUBDISTRICT = 8;
const SUBDISTRICTS_PER_DISTRICT = 7;

export function generateDemoCity(options: DemoCityOptions): DemoCity {
  const { seed } = options;
  const totalHouseholds = Math.max(1, Math.round(options.residents / AVG_HOUSEHOLD));
  const gridCount = Math.max(GRIDS_PER_COMMUNITY * 2, Math.ceil(totalHouseholds / HOUSEHOLDS_PER_GRID));
  let n = 1;
  while (n * n < gridCount) n *= 2;

  const dLat = CELL_M / 111_320;
  const dLng = CELL_M / (111_320 * Math.cos((ORIGIN.lat * Math.PI) / 180));
  // Vertex jitter depends only on the vertex, so adjacent polygons share identical coordinates.
  const jitter = (vx: number, vy: number, axis: number) => {
    const r = new Prng((seed * 73856093) ^ (vx * 19349663) ^ (vy * 83492791) ^ (axis * 2654435761));
    return (r.next() - 0.5) * 0.36;
  };
  const project = (vx: number, vy: number): [number, number] => [
    round7(ORIGIN.lng + (vx + jitter(vx, vy, 0)) * dLng),
    round7(ORIGIN.lat + (vy + jitter(vx, vy, 1)) * dLat),
  ];

  const rng = new Prng(seed);
  const cells: LatticeCell[] = [];
  for (let d = 0; d < gridCount; d++) cells.push(hilbertPoint(n, d));

  // Split the Hilbert sequence into communities of varying size, then group upwards.
  const communitiesCells: LatticeCell[][] = [];
  for (let i = 0; i < cells.length;) {
    const size = Math.min(cells.length - i, rng.int(GRIDS_PER_COMMUNITY - 4, GRIDS_PER_COMMUNITY + 4));
    communitiesCells.push(cells.slice(i, i + size));
    i += size;
  }
  const groups = <T>(items: T[], avg: number): T[][] => {
    const out: T[][] = [];
    for (let i = 0; i < items.length;) {
      const size = Math.min(items.length - i, rng.int(Math.max(1, avg - 2), avg + 2));
      out.push(items.slice(i, i + size));
      i += size;
    }
    return out;
  };
  const subdistrictGroups = groups(communitiesCells, COMMUNITIES_PER_SUBDISTRICT);
  let districtGroups = groups(subdistrictGroups, SUBDISTRICTS_PER_DISTRICT);
  if (districtGroups.length > 99) throw new RangeError('city too large for 2-digit district numbering');
  if (districtGroups.length < 2 && subdistrictGroups.length >= 2) {
    const half = Math.ceil(subdistrictGroups.length / 2);
    districtGroups = [subdistrictGroups.slice(0, half), subdistrictGroups.slice(half)];
  }

  const jurisdictions: GenJurisdiction[] = [];
  const grids: GenGrid[] = [];
  const allCells = cells;
  jurisdictions.push({
    id: DEMO_PROVINCE,
    parentId: null,
    level: 'province',
    nameZh: '示范省',
    nameEn: 'Demo Province',
    geometry: outlineCells(allCells, project),
  });
  jurisdictions.push({
    id: DEMO_CITY,
    parentId: DEMO_PROVINCE,
    level: 'city',
    nameZh: '镶嵌市',
    nameEn: 'Tessera City',
    geometry: outlineCells(allCells, project),
  });
  let stem = 0;
  districtGroups.forEach((subs, di) => {
    const districtId = `9901${String(di + 1).padStart(2, '0')}`;
    const [dzh, den] = DISTRICT_NAMES[di % DISTRICT_NAMES.length] ?? ['区', 'District'];
    const suffix = di >= DISTRICT_NAMES.length ? ` ${Math.floor(di / DISTRICT_NAMES.length) + 1}` : '';
    jurisdictions.push({
      id: districtId,
      parentId: DEMO_CITY,
      level: 'district',
      nameZh: dzh + suffix,
      nameEn: den + suffix,
      geometry: outlineCells(subs.flat(2), project),
    });
    subs.forEach((comms, si) => {
      const subId = `${districtId}${String(si + 1).padStart(3, '0')}`;
      const [szh, sen] = PLACE_STEMS[stem++ % PLACE_STEMS.length] ?? ['', ''];
      jurisdictions.push({
        id: subId,
        parentId: districtId,
        level: 'subdistrict',
        nameZh: `${szh}街道`,
        nameEn: `${sen} Subdistrict`,
        geometry: outlineCells(comms.flat(), project),
      });
      comms.forEach((gridCells, ci) => {
        const commId = `${subId}${String(ci + 1).padStart(3, '0')}`;
        const [czh, cen] = PLACE_STEMS[(stem + ci * 7) % PLACE_STEMS.length] ?? ['', ''];
        const commZh = `${czh}${['东', '西', '南', '北', '新', '中'][ci % 6]}社区`;
        const commEn = `${cen} ${['East', 'West', 'South', 'North', 'New', 'Central'][ci % 6]} Community`;
        jurisdictions.push({
          id: commId,
          parentId: subId,
          level: 'community',
          nameZh: commZh,
          nameEn: commEn,
          geometry: outlineCells(gridCells, project),
        });
        // Serial numbers west→east within rows, rows north→south (lattice y grows north).
        const ordered = [...gridCells].sort((a, b) => b.y - a.y || a.x - b.x);
        ordered.forEach((cell, gi) => {
          const serial = gi + 1;
          grids.push({
            code: gridCode(commId, serial),
            communityId: commId,
            serial,
            nameZh: `${commZh}第${serial}网格`,
            nameEn: `${commEn} Grid ${serial}`,
            geometry: outlineCells([cell], project) as Polygon,
            cell,
            households: 0,
          });
        });
      });
    });
  });

  // Distribute households over grids (denser near the centre of the Hilbert run, sparser at the edge).
  let remaining = totalHouseholds;
  grids.forEach((g, i) => {
    const left = grids.length - i;
    const share = Math.round(remaining / left);
    const h = Math.max(0, Math.min(remaining, Math.round(share * (0.6 + rng.next() * 0.8))));
    g.households = i === grids.length - 1 ? remaining : h;
    remaining -= g.households;
  });

  const pointIn = (r: Prng, cell: LatticeCell): { lat: number; lng: number } => {
    // Bilinear interpolation of the jittered quad keeps the point inside it.
    const u = 0.08 + r.next() * 0.84;
    const v = 0.08 + r.next() * 0.84;
    const p00 = project(cell.x, cell.y);
    const p10 = project(cell.x + 1, cell.y);
    const p01 = project(cell.x, cell.y + 1);
    const p11 = project(cell.x + 1, cell.y + 1);
    const lng = (1 - u) * (1 - v) * p00[0] + u * (1 - v) * p10[0] + (1 - u) * v * p01[0] + u * v * p11[0];
    const lat = (1 - u) * (1 - v) * p00[1] + u * (1 - v) * p10[1] + (1 - u) * v * p01[1] + u * v * p11[1];
    return { lat: round7(lat), lng: round7(lng) };
  };

  const gridRng = (g: GenGrid, salt: number) => new Prng(mix32(seed, g.cell.x, g.cell.y, salt));
  // Identifiers come from a hash of (seed, grid, kind, index): unique across the whole city, not just likely so.
  const idFor = (g: GenGrid, kind: string, i: number) => uuidFromHash(`${seed}:${g.code}:${kind}:${i}`);

  function householdsOf(g: GenGrid) {
    const r = gridRng(g, 0x5eed);
    const commName = jurisdictions.find((j) => j.id === g.communityId)?.nameZh ?? '';
    const out: Array<{ household: GenHousehold; residents: GenResident[] }> = [];
    for (let h = 0; h < g.households; h++) {
      const hid = idFor(g, 'h', h);
      const building = g.serial * 10 + Math.floor(h / 24) + 1;
      const unit = (Math.floor(h / 8) % 3) + 1;
      const room = 101 + (h % 8) * 100 + (h % 4);
      const household: GenHousehold = {
        id: hid,
        gridCode: g.code,
        address: `${commName}${building}幢${unit}单元${room}室`,
        ...pointIn(r, g.cell),
      };
      const size = pickHouseholdSize(r);
      const residents: GenResident[] = [];
      for (let k = 0; k < size; k++) {
        const adult = k < 2;
        const year = adult ? r.int(1945, 2004) : r.int(2008, 2024);
        const month = r.int(1, 12);
        const day = r.int(1, 28);
        const birthDate = `${year}-${pad(month)}-${pad(day)}`;
        residents.push({
          id: idFor(g, `r${h}`, k),
          householdId: hid,
          name: r.pick(SURNAMES) + r.pick(GIVEN),
          birthDate,
          phone: `1${r.pick([3, 5, 7, 8, 9])}${String(r.int(0, 999_999_999)).padStart(9, '0')}`,
          nationalId: nationalId(g.code.slice(0, 6), year, month, day, r.int(0, 999)),
        });
      }
      out.push({ household, residents });
    }
    return out;
  }

  function placesOf(g: GenGrid, index: number): GenPlace[] {
    const r = gridRng(g, 0x91ace);
    const out: GenPlace[] = [];
    const add = (cat: string, label?: string) => {
      const c = PLACE_CATEGORIES[cat];
      if (!c) return;
      const [szh, sen] = r.pick(PLACE_STEMS);
      out.push({
        id: idFor(g, 'p', out.length),
        kind: c.kind,
        category: c.category,
        nameZh: `${szh}${label ?? ''}${c.zh}`,
        nameEn: `${sen}${label ? ` ${label}` : ''} ${c.en}`,
        gridCode: g.code,
        ...pointIn(r, g.cell),
      });
    };
    if (g.households > 0) add('residential_compound');
    for (let i = r.int(0, 3); i > 0; i--) add('shop');
    for (let i = r.int(0, 2); i > 0; i--) add('restaurant');
    if (r.chance(0.3)) add('office');
    if (g.serial === 1 && r.chance(0.35)) add('school');
    if (g.serial === 2 && r.chance(0.25)) add('market');
    if (index % 97 === 5) add('hospital');
    if (index % 37 === 11) add('metro_station');
    if (index % 211 === 17) add('checkpoint');
    return out;
  }

  return { options, jurisdictions, grids, totalHouseholds, householdsOf, placesOf };
}

function pickHouseholdSize(r: Prng): number {
  const x = r.next();
  return x < 0.2 ? 1 : x < 0.5 ? 2 : x < 0.78 ? 3 : x < 0.93 ? 4 : 5;
}

const pad = (n: number) => String(n).padStart(2, '0');

function mix32(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  }
  return h >>> 0;
}

function uuidFromHash(text: string): string {
  const x = createHash('sha256').update(text).digest('hex');
  const variant = ((parseInt(x[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-4${x.slice(13, 16)}-${variant}${x.slice(17, 20)}-${x.slice(20, 32)}`;
}
const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

/** An 18-digit resident ID number in the GB 11643 layout with a valid check digit (synthetic). */
export function nationalId(region: string, year: number, month: number, day: number, seq: number): string {
  const body = `${region}${year}${pad(month)}${pad(day)}${String(seq).padStart(3, '0')}`;
  return body + gb11643CheckDigit(body);
}

export function gb11643CheckDigit(body17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body17[i]) * (weights[i] ?? 0);
  return '10X98765432'[sum % 11] ?? '0';
}
