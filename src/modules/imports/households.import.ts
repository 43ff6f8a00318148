import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ADDRESS_MAX } from '../../core/registry/person-fields.ts';
import type { GridInfo } from './grid-locator.ts';
import { GridLocator } from './grid-locator.ts';
import { cell, parseCoordinate, readCsvRows, UUID, type CsvSpec } from './csv-rows.ts';
import { BATCH, existingIds, insertInBatches, scopeProblem, type ImportRun, type Prepared } from './import-run.ts';

export const HOUSEHOLD_COLUMNS: CsvSpec = { required: ['address', 'lat', 'lng'], optional: ['id', 'grid_code'] };

interface Pending {
  line: number;
  id: string | null;
  address: string;
  lat: number;
  lng: number;
  gridCode: string | null;
}

interface HouseholdRecord {
  id: string;
  grid_code: string;
  address: string;
  lat: number;
  lng: number;
}

/** CSV `address,lat,lng[,grid_code][,id]`: each household lands in the grid containing its point. */
export async function prepareHouseholds(run: ImportRun, source: Readable, bytes: number): Promise<Prepared> {
  const { report } = run;
  const out: HouseholdRecord[] = [];
  const idLines = new Map<string, number>();
  const locator = new GridLocator(run.trx);
  let chunk: Pending[] = [];

  const flush = async () => {
    const located = await locator.locate(chunk);
    const named = await locator.info(chunk.flatMap((p) => (p.gridCode ? [p.gridCode] : [])));
    const taken = await existingIds(
      run.trx,
      'households',
      chunk.flatMap((p) => (p.id ? [p.id] : [])),
    );
    chunk.forEach((p, i) => {
      const at = { line: p.line };
      let ok = true;
      const grid: GridInfo | null = located[i] ?? null;
      if (p.id && taken.has(p.id)) {
        report.reject(at, 'id', `household ${p.id} already exists`);
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
      if (ok && grid && report.ok)
        out.push({ id: p.id ?? randomUUID(), grid_code: grid.code, address: p.address, lat: p.lat, lng: p.lng });
    });
    chunk = [];
  };

  for await (const row of readCsvRows(source, HOUSEHOLD_COLUMNS, report, (b) => run.progress('validate', b, bytes))) {
    const at = { line: row.line };
    let bad = false;
    const fail = (field: string, reason: string) => {
      report.reject(at, field, reason);
      bad = true;
    };
    const address = cell(row, 'address');
    if (!address) fail('address', 'must not be empty');
    else if (address.length > ADDRESS_MAX) fail('address', `is longer than ${ADDRESS_MAX} characters`);
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
    chunk.push({ line: row.line, id, address, lat, lng, gridCode });
    if (chunk.length >= BATCH) await flush();
  }
  await flush();

  return {
    count: out.length,
    insert: () => insertInBatches(run, out, (batch) => run.trx.insertInto('households').values(batch).execute()),
  };
}
