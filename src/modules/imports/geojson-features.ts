import type { z } from 'zod';
import type { ReportBuilder } from './import-report.ts';

export interface RawFeature {
  index: number;
  properties: unknown;
  geometry: unknown;
}

/** The features of a GeoJSON FeatureCollection, or null (with the reason reported) when the file is not one. */
export function readFeatures(text: string, report: ReportBuilder): RawFeature[] | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    report.reject({ feature: -1 }, '(file)', `not valid JSON: ${(err as Error).message}`);
    return null;
  }
  const fc = doc as { type?: unknown; features?: unknown };
  if (!fc || typeof fc !== 'object' || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    report.reject({ feature: -1 }, 'type', 'the file must be a GeoJSON FeatureCollection with a "features" array');
    return null;
  }
  const out: RawFeature[] = [];
  fc.features.forEach((f: unknown, index) => {
    report.rows++;
    const feature = f as { type?: unknown; properties?: unknown; geometry?: unknown };
    if (!feature || typeof feature !== 'object' || feature.type !== 'Feature') {
      report.reject({ feature: index }, 'type', 'must be a GeoJSON Feature');
      return;
    }
    out.push({ index, properties: feature.properties, geometry: feature.geometry });
  });
  return out;
}

/** Validates a feature's properties with a zod schema, reporting each problem as `properties.<name>`. */
export function parseProperties<T>(schema: z.ZodType<T>, f: RawFeature, report: ReportBuilder): T | null {
  const parsed = schema.safeParse(f.properties ?? {});
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [issue.path.join('.')];
    for (const key of keys)
      report.reject({ feature: f.index }, key ? `properties.${key}` : 'properties', issue.message);
  }
  return null;
}
