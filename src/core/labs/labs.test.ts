import { describe, expect, it } from 'vitest';
import { parseLabCsv } from './csv.ts';
import { parseFhirSubmission } from './fhir.ts';

const ID = '110101199003074514';
const loinc = { coding: [{ system: 'http://loinc.org', code: '94500-6' }] };
const detected = { coding: [{ system: 'http://snomed.info/sct', code: '260373001' }] };
const notDetected = { coding: [{ system: 'http://snomed.info/sct', code: '260415000' }] };

const observation = (over: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  id: 'obs-1',
  status: 'final',
  code: loinc,
  subject: { identifier: { system: 'urn:oid:2.16.156.10011.1.1', value: ID } },
  effectiveDateTime: '2026-03-01T08:30:00+08:00',
  issued: '2026-03-01T20:00:00+08:00',
  valueCodeableConcept: detected,
  ...over,
});

describe('FHIR R4 lab results', () => {
  it('reads a single Observation with a logical subject reference', () => {
    const r = parseFhirSubmission(observation());
    expect(r.rejected).toEqual([]);
    expect(r.records).toEqual([
      {
        ref: 'Observation',
        nationalId: ID,
        specimenId: 'obs-1',
        specimenCollectedAt: '2026-03-01T08:30:00+08:00',
        issuedAt: '2026-03-01T20:00:00+08:00',
        result: 'positive',
      },
    ]);
  });

  it('resolves contained patients and specimens, typed NI identifiers and Specimen collection times', () => {
    const r = parseFhirSubmission(
      observation({
        contained: [
          {
            resourceType: 'Patient',
            id: 'p',
            identifier: [
              { system: 'urn:hospital:mrn', value: 'MRN-1' },
              { type: { coding: [{ code: 'NI' }] }, value: ID.toLowerCase() },
            ],
          },
          {
            resourceType: 'Specimen',
            id: 's',
            accessionIdentifier: { value: 'ACC-9' },
            collection: { collectedPeriod: { start: '2026-03-01T01:00:00Z' } },
          },
        ],
        subject: { reference: '#p' },
        specimen: { reference: '#s' },
        effectiveDateTime: undefined,
        valueCodeableConcept: notDetected,
      }),
    );
    expect(r.records[0]).toMatchObject({
      nationalId: ID,
      specimenId: 'ACC-9',
      specimenCollectedAt: '2026-03-01T01:00:00Z',
      result: 'negative',
    });
  });

  it('rejects each bad Observation with the field and a reason, keeping the good ones', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: observation({ id: 'good' }) },
        { resource: observation({ status: 'preliminary' }) },
        { resource: observation({ effectiveDateTime: '2026-03-01' }) },
        { resource: observation({ subject: { reference: 'Patient/missing' } }) },
        { resource: observation({ effectiveDateTime: undefined }) },
        { resource: observation({ id: 'has space', identifier: undefined }) },
        { resource: { resourceType: 'DiagnosticReport' } },
        {},
      ],
    };
    const r = parseFhirSubmission(bundle);
    expect(r.records.map((x) => x.specimenId)).toEqual(['good']);
    expect(r.rejected.map((x) => [x.ref, x.field])).toEqual([
      ['entry[1]', 'Observation.status'],
      ['entry[2]', 'Observation.effectiveDateTime'],
      ['entry[3]', 'Observation.subject.reference'],
      ['entry[4]', 'Observation.effectiveDateTime'],
      ['entry[5]', 'Observation.identifier'],
      ['entry[6]', 'resource.resourceType'],
      ['entry[7]', 'resource'],
    ]);
    expect(r.rejected[1]!.reason).toMatch(/with a time and an offset/);
    expect(r.rejected[3]!.reason).toMatch(/missing specimen collection time/);
  });

  it('refuses what is not a Bundle or an Observation, and a Bundle with nothing in it', () => {
    expect(parseFhirSubmission({ resourceType: 'Patient' }).rejected[0]!.reason).toMatch(
      /wrong resourceType "Patient"/,
    );
    expect(parseFhirSubmission([]).rejected[0]!.reason).toMatch(/not a FHIR resource/);
    expect(parseFhirSubmission({ resourceType: 'Bundle', entry: [] }).rejected[0]!.reason).toMatch(/no Observation/);
  });
});

describe('CSV lab results', () => {
  it('reads the columns in any order and reports bad lines by number', () => {
    const r = parseLabCsv(
      [
        'result,collected_at,specimen_id,national_id,loinc',
        `Detected,2026-03-01T08:00:00Z,A-1,${ID},94500-6`,
        `negative,2026-03-01T08:00:00Z,A-2,${ID},`,
        `detected,2026-03-01T08:00:00Z,A-3,${ID},94309-2`,
        `detected,2026-03-01T08:00:00Z,,${ID},`,
      ].join('\n'),
    );
    expect(r.records.map((x) => [x.specimenId, x.result])).toEqual([
      ['A-1', 'positive'],
      ['A-2', 'negative'],
    ]);
    expect(r.rejected.map((x) => [x.ref, x.field])).toEqual([
      ['line 4', 'loinc'],
      ['line 5', 'specimen_id'],
    ]);
  });
  it('names missing header columns', () => {
    expect(parseLabCsv('national_id,result\n1,2').rejected[0]!.reason).toMatch(
      /missing column\(s\) specimen_id, collected_at/,
    );
  });
});
