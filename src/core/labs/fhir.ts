import {
  instantProblem,
  SARS_COV_2_RNA_LOINC,
  SNOMED_DETECTED,
  SNOMED_NOT_DETECTED,
  SPECIMEN_ID_RE,
  type LabRecord,
  type LabRejection,
  type ParsedSubmission,
} from './lab-records.ts';

/*
 * FHIR R4 lab results: a Bundle (any type) of Observations with their Patients and Specimens, or one Observation whose
 * subject carries the identifier itself. Only what a SARS-CoV-2 RNA result needs is read; everything else is ignored.
 * Each Observation is accepted or rejected on its own, with the field and the reason.
 */

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
/** Identifier systems taken to be the national resident ID (GB 11643). Any identifier typed NI also counts. */
export const NATIONAL_ID_SYSTEMS = [
  'urn:oid:2.16.156.10011.1.1',
  'https://tessera.example/fhir/sid/national-id',
  'urn:tessera:national-id',
];
const SUPPORTING = new Set(['Patient', 'Specimen']);
const ACCEPTED_STATUS = new Set(['final', 'amended', 'corrected']);

export function parseFhirSubmission(body: unknown): ParsedSubmission {
  if (!isObj(body))
    return {
      records: [],
      rejected: [{ ref: 'body', field: 'resourceType', reason: 'not a FHIR resource (JSON object)' }],
    };
  if (body.resourceType === 'Observation') return collect([{ ref: 'Observation', resource: body }], new Map());
  if (body.resourceType !== 'Bundle')
    return {
      records: [],
      rejected: [
        {
          ref: 'body',
          field: 'resourceType',
          reason: `wrong resourceType ${JSON.stringify(body.resourceType ?? null)}: expected Bundle or Observation`,
        },
      ],
    };
  const index = new Map<string, Json>();
  const observations: Array<{ ref: string; resource: Json }> = [];
  const rejected: LabRejection[] = [];
  arr(body.entry).forEach((e, i) => {
    const ref = `entry[${i}]`;
    const resource = isObj(e) ? e.resource : undefined;
    if (!isObj(resource)) {
      rejected.push({ ref, field: 'resource', reason: 'entry has no resource' });
      return;
    }
    const type = resource.resourceType;
    if (isObj(e) && typeof e.fullUrl === 'string') index.set(e.fullUrl, resource);
    if (typeof type === 'string' && typeof resource.id === 'string') index.set(`${type}/${resource.id}`, resource);
    if (type === 'Observation') observations.push({ ref, resource });
    else if (typeof type !== 'string' || !SUPPORTING.has(type))
      rejected.push({
        ref,
        field: 'resource.resourceType',
        reason: `wrong resourceType ${JSON.stringify(type ?? null)}: expected Observation, Patient or Specimen`,
      });
  });
  if (observations.length === 0 && rejected.length === 0)
    rejected.push({ ref: 'body', field: 'entry', reason: 'the Bundle holds no Observation' });
  const out = collect(observations, index);
  return { records: out.records, rejected: [...rejected, ...out.rejected].sort(byRef) };
}

function byRef(a: LabRejection, b: LabRejection): number {
  const n = (r: string) => Number(/\[(\d+)\]/.exec(r)?.[1] ?? -1);
  return n(a.ref) - n(b.ref);
}

function collect(observations: Array<{ ref: string; resource: Json }>, index: Map<string, Json>): ParsedSubmission {
  const records: LabRecord[] = [];
  const rejected: LabRejection[] = [];
  for (const { ref, resource } of observations) {
    const r = readObservation(ref, resource, index);
    if ('reason' in r) rejected.push(r);
    else records.push(r);
  }
  return { records, rejected };
}

function codings(concept: unknown): Json[] {
  return isObj(concept) ? arr(concept.coding).filter(isObj) : [];
}

function resolve(reference: unknown, index: Map<string, Json>, contained: unknown): Json | null {
  if (!isObj(reference) || typeof reference.reference !== 'string') return null;
  const ref = reference.reference;
  if (ref.startsWith('#'))
    return (
      arr(contained)
        .filter(isObj)
        .find((c) => c.id === ref.slice(1)) ?? null
    );
  return index.get(ref) ?? null;
}

function nationalIdOf(identifiers: unknown): string | null {
  const ids = arr(identifiers).filter(isObj);
  const typedNi = (i: Json) => codings(i.type).some((c) => c.code === 'NI');
  const hit =
    ids.find((i) => typeof i.system === 'string' && NATIONAL_ID_SYSTEMS.includes(i.system)) ??
    ids.find(typedNi) ??
    (ids.length === 1 ? ids[0] : undefined);
  return hit && typeof hit.value === 'string' && hit.value.trim() ? hit.value.trim().toUpperCase() : null;
}

function readObservation(ref: string, o: Json, index: Map<string, Json>): LabRecord | LabRejection {
  const reject = (field: string, reason: string): LabRejection => ({ ref, field: `Observation.${field}`, reason });
  if (typeof o.status !== 'string' || !ACCEPTED_STATUS.has(o.status))
    return reject(
      'status',
      `status ${JSON.stringify(o.status ?? null)} is not a result: expected final, amended or corrected`,
    );

  const code = codings(o.code);
  if (!code.some((c) => c.system === LOINC && c.code === SARS_COV_2_RNA_LOINC)) {
    const got = code.map((c) => `${String(c.system ?? '?')}|${String(c.code ?? '?')}`).join(', ') || 'none';
    return reject('code', `bad code: expected LOINC ${SARS_COV_2_RNA_LOINC} (SARS-CoV-2 RNA), got ${got}`);
  }

  // Subject: a Patient in the Bundle or contained, or a logical reference by identifier.
  const subject = o.subject;
  if (!isObj(subject)) return reject('subject', 'missing subject: the Observation names no Patient');
  let identifiers: unknown;
  if (isObj(subject.identifier)) identifiers = [subject.identifier];
  else if (typeof subject.reference === 'string') {
    const patient = resolve(subject, index, o.contained);
    if (!patient) return reject('subject.reference', `${subject.reference} is not in the Bundle`);
    if (patient.resourceType !== 'Patient')
      return reject(
        'subject.reference',
        `wrong resourceType ${String(patient.resourceType)}: the subject must be a Patient`,
      );
    identifiers = patient.identifier;
  } else return reject('subject', 'missing subject: no reference and no identifier');
  const nationalId = nationalIdOf(identifiers);
  if (!nationalId) return reject('subject.identifier', 'missing identifier: the Patient has no national ID identifier');

  // Collection time: the Observation's effective time, else its Specimen's collection.
  const specimen = resolve(o.specimen, index, o.contained);
  const collection = specimen && isObj(specimen.collection) ? specimen.collection : null;
  const collected =
    o.effectiveDateTime ??
    (isObj(o.effectivePeriod) ? o.effectivePeriod.start : undefined) ??
    collection?.collectedDateTime ??
    (isObj(collection?.collectedPeriod) ? collection.collectedPeriod.start : undefined);
  if (collected === undefined)
    return reject('effectiveDateTime', 'missing specimen collection time (effectiveDateTime or Specimen.collection)');
  const collectedProblem = instantProblem(collected);
  if (collectedProblem) return reject('effectiveDateTime', collectedProblem);
  let issuedAt: string | null = null;
  if (o.issued !== undefined) {
    const p = instantProblem(o.issued);
    if (p) return reject('issued', p);
    issuedAt = o.issued as string;
  }

  const value = codings(o.valueCodeableConcept).find((c) => c.system === SNOMED);
  const result = value?.code === SNOMED_DETECTED ? 'positive' : value?.code === SNOMED_NOT_DETECTED ? 'negative' : null;
  if (!result)
    return reject(
      'valueCodeableConcept',
      `bad value: expected SNOMED CT ${SNOMED_DETECTED} (Detected) or ${SNOMED_NOT_DETECTED} (Not detected), got ${value ? String(value.code) : 'none'}`,
    );

  const specimenIdentifier =
    specimen &&
    (arr(specimen.identifier).filter(isObj)[0]?.value ??
      (isObj(specimen.accessionIdentifier) ? specimen.accessionIdentifier.value : undefined));
  const specimenId = [specimenIdentifier, arr(o.identifier).filter(isObj)[0]?.value, o.id].find(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
  if (!specimenId) return reject('identifier', 'missing identifier: neither the Specimen nor the Observation has one');
  if (!SPECIMEN_ID_RE.test(specimenId))
    return reject(
      'identifier',
      `specimen identifier ${JSON.stringify(specimenId)} must be letters, digits and . _ : / - (≤ 128)`,
    );
  return { ref, nationalId, specimenId, specimenCollectedAt: collected as string, issuedAt, result };
}
