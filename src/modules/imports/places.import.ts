import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { isPlaceCategory, PLACE_CATEGORIES, PLACE_KINDS } from '../../core/registry/place-categories.ts';
import type { NewPlace } from '../registry/places.repository.ts';
import { cell, parseCoordinate, readCsvRows, UUID, type CsvSpec } from './csv-rows.ts';
import { GridLocator } from './grid-locator.ts';
import { BATCH, existingIds, insertInBatches, scopeProblem, type ImportRun, type Prepared } from './import-run.ts';

export const PLACE_COLUMNS: CsvSpec = {
  required: ['kind', 'category', 'name_zh', 'name_en', 'lat', 'lng'],
  optional: ['id', 'grid_code'],
};

type Pending = Omit<NewPlace, 'grid_code'> & { line: number; givenId: boolean; gridCode: string | null };

/** CSV `kind,category,name_zh,name_en,lat,lng[,grid_code][,id]`: each place lands in the grid at its point. */
export async function preparePlaces(run: ImportRun, source: Readable, bytes: number): Promise<Prepared> {
  const { report } = run;
  const out: NewPlace[] = [];
  const idLines = new Map<string, number>();
  const locator = new GridLocator(run.trx);
  let chunk: Pending[] = [];

  const flush = async () => {
    const located = await locator.locate(chunk);
    const named = await locator.info(chunk.flatMap((p) => (p.gridCode ? [p.gridCode] : [])));
    const taken = await existingIds(
      run.trx,
      'places',
      chunk.flatMap((p) => (p.givenId ? [p.id] : [])),
    );
    chunk.forEach((p, i) => {
      const at = { line: p.line };
      const grid = located[i] ?? null;
      let ok = true;
      if (p.givenId && taken.has(p.id)) {
        report.reject(at, 'id', `place ${p.id} already exists`);
        ok = false;
      }
      if (!grid) {
        report.reject(at, 'lat/lng', `the point (${p.lat}, ${p.lng}) lies outside every unit grid`);
        ok = false;
      } else if (p.gridCode && !named.get(p.gridCode)) {
        report.reject(at, 'grid_code', `no unit grid ${p.gridCode}`);
        ok = false;
      } else if (p.gridCode && p.gridCode !== grid.code) {
        report.reject(at, 'grid_code', `the point (${p.lat}, ${p.lng}) lies in grid ${grid.code}, not ${p.gridCode}`);
        ok = false;
      } else {
        const denied = scopeProblem(run.principal, grid.communityPath);
        if (denied) {
          report.reject(at, 'lat/lng', `grid ${grid.code}: ${denied}`);
          ok = false;
        }
      }
      if (ok && grid && report.ok) {
        const { line: _line, givenId: _given, gridCode: _code, ...rest } = p;
        out.push({ ...rest, grid_code: grid.code });
      }
    });
    chunk = [];
  };

  for await (const row of readCsvRows(source, PLACE_COLUMNS, report, (b) => run.progress('validate', b, bytes))) {
    const at = { line: row.line };
    let bad = false;
    const fail = (field: string, reason: string) => {
      report.reject(at, field, reason);
      bad = true;
    };
    const kind = cell(row, 'kind');
    if (kind !== 'venue' && kind !== 'sentinel') fail('kind', `"${kind}" is not one of ${PLACE_KINDS.join(', ')}`);
    const category = cell(row, 'category');
    if (!isPlaceCategory(category)) fail('category', `"${category}" is not one of ${PLACE_CATEGORIES.join(', ')}`);
    const names = { name_zh: cell(row, 'name_zh'), name_en: cell(row, 'name_en') };
    for (const [field, v] of Object.entries(names)) {
      if (!v) fail(field, 'must not be empty');
      else if (v.length > 200) fail(field, 'is longer than 200 characters');
    }
    const lat = parseCoordinate(cell(row, 'lat'), 'lat');
    if (typeof lat === 'string') fail('lat', lat);
    const lng = parseCoordinate(cell(row, 'lng'), 'lng');
    if (typeof lng === 'string') fail('lng', lng);
    const gridCode = cell(row, 'grid_code') || null;
    if (gridCode && !/^\d{15}$/.test(gridCode)) fail('grid_code', `"${gridCode}" is not a 15-digit unit-grid code`);
    const id = cell(row, 'id').toLowerCase() || null;
    if (id && !UUID.test(id)) fail('id', `"${id}" is not a UUID`);
    else if (id && idLines.has(id)) fail('id', `duplicate id ${id} (also on line ${idLines.get(id)})`);
    if (id && !idLines.has(id)) idLines.set(id, row.line);
    if (bad || typeof lat === 'string' || typeof lng === 'string') continue;
    chunk.push({
      line: row.line,
      givenId: id !== null,
      id: id ?? randomUUID(),
      kind: kind as NewPlace['kind'],
      category,
      ...names,
      lat,
      lng,
      gridCode,
      operator_staff_id: null,
    });
    if (chunk.length >= BATCH) await flush();
  }
  await flush();

  return {
    count: out.length,
    insert: () => insertInBatches(run, out, (batch) => run.trx.insertInto('places').values(batch).execute()),
  };
}
