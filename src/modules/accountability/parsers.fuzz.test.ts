import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCertificate } from '../../core/audit/certificate.ts';
import { parseLabCsv } from '../../core/labs/csv.ts';
import { parseFhirSubmission } from '../../core/labs/fhir.ts';
import { defaultRuleSet } from '../../core/rules/default-ruleset.ts';
import { validateRuleSet } from '../../core/rules/validate-ruleset.ts';
import { decodeCursor } from '../../platform/http/pagination.ts';
import { Problem } from '../../platform/http/problem.ts';
import { readCsvRows } from '../imports/csv-rows.ts';
import { readFeatures } from '../imports/geojson-features.ts';
import { ReportBuilder } from '../imports/import-report.ts';

/**
 * Property-based fuzzing of every parser that takes outside input: import CSV and GeoJSON, lab results (FHIR and
 * CSV), rule-set documents, pagination cursors and deletion certificates. Each must answer any input with a result or
 * a precise rejection — never an exception, never a half-accepted row. (Health codes are fuzzed in core/codes.)
 */
const RUNS = { numRuns: 300 };

async function csvRows(text: string, required: string[]) {
  const report = new ReportBuilder('residents', true);
  const rows = [];
  for await (const r of readCsvRows(Readable.from([Buffer.from(text)]), { required, optional: [] }, report))
    rows.push(r);
  return { rows, report: report.build() };
}

// Non-empty cells without surrounding whitespace (the parser trims and skips empty lines, by design).
const cell = fc
  .string({ unit: fc.constantFrom('a', 'Z', '9', ',', '"', '\n', ' ', '中', ';'), minLength: 1, maxLength: 12 })
  .filter((c) => c.trim() === c && c.length > 0);

describe('import CSV parser', () => {
  it('never throws on arbitrary text, and every rejection names a line and a field', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 400 }), async (text) => {
        const { rows, report } = await csvRows(text, ['id', 'name']);
        for (const r of report.rejections) {
          expect(typeof r.field).toBe('string');
          expect(r.reason.length).toBeGreaterThan(0);
        }
        for (const r of rows) expect(Object.keys(r.values).sort()).toEqual(['id', 'name']);
      }),
      RUNS,
    );
  });

  it('reads back exactly what a CSV writer wrote, quotes, commas and newlines included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 20 }), async (data) => {
        const { rows, report } = await csvRows(stringify([['id', 'name'], ...data]), ['id', 'name']);
        expect(report.rejections).toEqual([]);
        expect(rows.map((r) => [r.values.id, r.values.name])).toEqual(data);
      }),
      RUNS,
    );
  });
});

describe('import GeoJSON parser', () => {
  it('never throws, and accounts for every feature: read or rejected', () => {
    const feature = fc.oneof(
      fc.record({ type: fc.constant('Feature'), properties: fc.jsonValue(), geometry: fc.jsonValue() }),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc
            .array(feature, { maxLength: 15 })
            .map((features) => JSON.stringify({ type: 'FeatureCollection', features })),
        ),
        (text) => {
          const report = new ReportBuilder('jurisdictions', true);
          const out = readFeatures(text, report);
          const built = report.build();
          if (out === null) expect(built.rejections.length).toBeGreaterThan(0);
          else expect(out.length + built.rejectedRows).toBe(built.rows);
        },
      ),
      RUNS,
    );
  });
});

describe('lab result parsers (FHIR and CSV)', () => {
  it('FHIR: any JSON gives records or per-entry rejections, never an exception', () => {
    const observation = fc.record(
      {
        resourceType: fc.constantFrom('Observation', 'Patient', 'Bundle', 'x'),
        code: fc.jsonValue(),
        subject: fc.jsonValue(),
        valueCodeableConcept: fc.jsonValue(),
        effectiveDateTime: fc.oneof(
          fc.string(),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        ),
        entry: fc.array(fc.record({ resource: fc.jsonValue() }), { maxLength: 4 }),
      },
      { requiredKeys: ['resourceType'] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), observation), (body) => {
        const r = parseFhirSubmission(body);
        expect(Array.isArray(r.records) && Array.isArray(r.rejected)).toBe(true);
        for (const rec of r.records) {
          expect(['positive', 'negative']).toContain(rec.result);
          expect(Number.isNaN(Date.parse(rec.specimenCollectedAt))).toBe(false);
        }
        for (const x of r.rejected) expect(x.reason.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  it('CSV: any text gives records or per-line rejections, never an exception', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const r = parseLabCsv(text);
        for (const rec of r.records) expect(['positive', 'negative']).toContain(rec.result);
        for (const x of r.rejected) expect(x.ref.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });
});

describe('rule-set documents', () => {
  it('any JSON is either a valid rule set or rejected with located errors', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (doc) => {
        const v = validateRuleSet(doc);
        if (!v.ok) for (const e of v.errors) expect(typeof e.path).toBe('string');
      }),
      RUNS,
    );
  });

  it('a mutated default rule set is still judged precisely: valid documents re-validate, invalid ones say where', () => {
    const paths: string[][] = [];
    const walk = (v: unknown, p: string[]) => {
      paths.push(p);
      if (v && typeof v === 'object')
        for (const [k, c] of Object.entries(v as Record<string, unknown>)) walk(c, [...p, k]);
    };
    walk(defaultRuleSet, []);
    fc.assert(
      fc.property(fc.constantFrom(...paths.filter((p) => p.length > 0)), fc.jsonValue(), (path, value) => {
        const doc = structuredClone(defaultRuleSet) as unknown as Record<string, unknown>;
        let node = doc as Record<string, unknown>;
        for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>;
        node[path.at(-1) as string] = value;
        const v = validateRuleSet(doc);
        if (v.ok) expect(validateRuleSet(JSON.parse(JSON.stringify(v.ruleSet))).ok).toBe(true);
        else expect(v.errors.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });
});

describe('cursors and deletion certificates', () => {
  it('a cursor is either one this API issued or a 400 problem', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (c) => {
        try {
          const v = decodeCursor(c);
          expect(v === null || Array.isArray(v)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(Problem);
          expect((err as Problem).status).toBe(400);
        }
      }),
      RUNS,
    );
  });

  it('no arbitrary document passes as a deletion certificate', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record({ certificate: fc.jsonValue(), signature: fc.base64String(), countersignature: fc.jsonValue() }),
        ),
        (doc) => {
          const r = checkCertificate(doc, () => null);
          expect(r.valid).toBe(false);
          expect(r.problems.length).toBeGreaterThan(0);
        },
      ),
      RUNS,
    );
  });
});
