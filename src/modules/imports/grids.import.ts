import { z } from 'zod';
import { gridCode, numberWestToEastNorthToSouth } from '../../core/geo/admin-codes.ts';
import { bboxOf, centroidOf, validateArea, type Area } from '../../core/geo/polygons.ts';
import { insertGrid, nextSerial, validateGrid, type GridInput } from '../grids/grids.service.ts';
import { parseProperties, readFeatures, type RawFeature } from './geojson-features.ts';
import { scopeProblem, type ImportRun } from './import-run.ts';

export const GridProperties = z.strictObject({
  communityCode: z.string().regex(/^\d{12}$/, 'must be a 12-digit community code'),
  serial: z.number().int().min(1, 'must be 1..999').max(999, 'must be 1..999').optional(),
  nameZh: z.string().trim().min(1, 'must not be empty').max(100).optional(),
  nameEn: z.string().trim().min(1, 'must not be empty').max(200).optional(),
});
type Props = z.infer<typeof GridProperties>;

const FIELD: Record<string, string> = {
  communityId: 'properties.communityCode',
  serial: 'properties.serial',
  geometry: 'geometry',
};

/**
 * GeoJSON unit grids. Grids without a serial are numbered west→east, north→south after the
 * community's highest serial (in the database or given in the file). Valid grids are inserted
 * in file order inside the import's transaction, so overlaps between features of the same file are caught.
 */
export async function importGrids(run: ImportRun, text: string): Promise<void> {
  const { report } = run;
  const features = readFeatures(text, report);
  if (!features) return;
  const parsed: Array<{ f: RawFeature; props: Props }> = [];
  for (const f of features) {
    const props = parseProperties(GridProperties, f, report);
    if (props) parsed.push({ f, props });
  }
  const serials = await assignSerials(run, parsed);

  const seen = new Map<string, number>();
  for (const { f, props } of parsed) {
    run.progress('features', f.index + 1, features.length);
    const at = { feature: f.index };
    const serial = serials.get(f.index);
    if (serial === undefined) continue; // already rejected while numbering
    if (serial > 999) {
      report.reject(at, 'properties.serial', `community ${props.communityCode} would have more than 999 grids`);
      continue;
    }
    const code = gridCode(props.communityCode, serial);
    const first = seen.get(code);
    if (first !== undefined) {
      report.reject(at, 'properties.serial', `duplicate grid ${code} (also feature ${first})`);
      continue;
    }
    seen.set(code, f.index);
    const input: GridInput = {
      communityId: props.communityCode,
      serial,
      nameZh: props.nameZh,
      nameEn: props.nameEn,
      geometry: f.geometry,
    };
    const problem = await validateGrid(run.trx, input);
    if (problem) {
      report.reject(at, FIELD[problem.field] ?? problem.field, problem.message);
      continue;
    }
    const community = await run.trx
      .selectFrom('jurisdictions')
      .select('path')
      .where('id', '=', props.communityCode)
      .executeTakeFirstOrThrow();
    const denied = scopeProblem(run.principal, community.path);
    if (denied) {
      report.reject(at, 'properties.communityCode', denied);
      continue;
    }
    await insertGrid(run.trx, code, input);
    report.inserted++;
  }
}

/** Feature index → serial: given ones as they are, missing ones numbered per community. */
async function assignSerials(run: ImportRun, parsed: Array<{ f: RawFeature; props: Props }>) {
  const serials = new Map<number, number>();
  const unnumbered = new Map<
    string,
    Array<{ index: number; centroid: { lat: number; lng: number }; heightDeg: number }>
  >();
  const highestGiven = new Map<string, number>();
  for (const { f, props } of parsed) {
    if (props.serial !== undefined) {
      serials.set(f.index, props.serial);
      highestGiven.set(props.communityCode, Math.max(highestGiven.get(props.communityCode) ?? 0, props.serial));
      continue;
    }
    const invalid = validateArea(f.geometry);
    if (invalid) {
      run.report.reject({ feature: f.index }, 'geometry', invalid);
      continue;
    }
    const b = bboxOf(f.geometry as Area);
    const list = unnumbered.get(props.communityCode) ?? [];
    list.push({ index: f.index, centroid: centroidOf(f.geometry as Area), heightDeg: b[3] - b[1] });
    unnumbered.set(props.communityCode, list);
  }
  for (const [community, items] of unnumbered) {
    const base = Math.max(highestGiven.get(community) ?? 0, (await nextSerial(run.trx, community)) - 1);
    numberWestToEastNorthToSouth(items).forEach((item, k) => serials.set(item.index, base + k + 1));
  }
  return serials;
}
