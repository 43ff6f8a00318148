import { z } from 'zod';
import {
  insertJurisdiction,
  validateJurisdiction,
  type JurisdictionInput,
} from '../jurisdictions/jurisdictions.service.ts';
import { parseProperties, readFeatures } from './geojson-features.ts';
import { scopeProblem, type ImportRun } from './import-run.ts';

const Code = z.string().regex(/^\d{6}(\d{3}){0,2}$/, 'must be a 6-, 9- or 12-digit jurisdiction code');
export const JurisdictionProperties = z.strictObject({
  code: Code,
  parentCode: Code.nullable().optional(),
  nameZh: z.string().trim().min(1, 'must not be empty').max(100),
  nameEn: z.string().trim().min(1, 'must not be empty').max(200),
});

const FIELD: Record<string, string> = {
  id: 'properties.code',
  parentId: 'properties.parentCode',
  geometry: 'geometry',
};

/**
 * GeoJSON jurisdictions, in file order. Each valid feature is inserted into the import's transaction
 * straight away, so later features see parents and siblings defined earlier in the same file; any
 * rejection rolls the whole file back.
 */
export async function importJurisdictions(run: ImportRun, text: string): Promise<void> {
  const { report } = run;
  const features = readFeatures(text, report);
  if (!features) return;
  const seen = new Map<string, number>();
  const rejected = new Map<string, number>();
  for (const f of features) {
    run.progress('features', f.index + 1, features.length);
    const at = { feature: f.index };
    const props = parseProperties(JurisdictionProperties, f, report);
    if (!props) continue;
    const reject = (field: string, reason: string) => {
      report.reject(at, field, reason);
      rejected.set(props.code, f.index);
    };
    const first = seen.get(props.code);
    if (first !== undefined) {
      reject('properties.code', `duplicate code ${props.code} (also feature ${first})`);
      continue;
    }
    seen.set(props.code, f.index);
    const parentCode = props.parentCode ?? null;
    if (parentCode && rejected.has(parentCode)) {
      reject('properties.parentCode', `parent ${parentCode} was rejected (feature ${rejected.get(parentCode)})`);
      continue;
    }
    const input: JurisdictionInput = {
      id: props.code,
      parentId: parentCode,
      nameZh: props.nameZh,
      nameEn: props.nameEn,
      geometry: f.geometry,
    };
    const problem = await validateJurisdiction(run.trx, input);
    if (problem) {
      reject(FIELD[problem.field] ?? problem.field, problem.message);
      continue;
    }
    const parent = parentCode
      ? await run.trx.selectFrom('jurisdictions').select('path').where('id', '=', parentCode).executeTakeFirst()
      : undefined;
    const denied = scopeProblem(run.principal, parent ? `${parent.path}.${props.code}` : props.code);
    if (denied) {
      reject('properties.code', denied);
      continue;
    }
    await insertJurisdiction(run.trx, input);
    report.inserted++;
  }
}
