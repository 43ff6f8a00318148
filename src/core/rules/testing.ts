import type {
  ExposureFact,
  IsolationCompletedFact,
  OverrideFact,
  RiskAreaArrivalFact,
  SymptomReportFact,
  TestResultFact,
  VaccinationFact,
} from './facts.ts';

/*
 * Fact builders for tests (here and in the status service). Each takes the essentials and fills the rest with
 * plausible values; every builder's output passes HealthFactSchema.
 */

const person = 'P1';

export function pcr(
  id: string,
  result: 'positive' | 'negative',
  specimenCollectedAt: string,
  occurredAt: string = specimenCollectedAt,
  extra: Partial<TestResultFact> = {},
): TestResultFact {
  return {
    id,
    personId: person,
    kind: 'test_result',
    method: 'pcr',
    result,
    specimenCollectedAt,
    occurredAt,
    recordedAt: occurredAt,
    recordedBy: 'lab-device-1',
    provenance: { source: 'lab', labId: 'LAB1', specimenId: `S-${id}` },
    ...extra,
  };
}

export function antigen(id: string, result: 'positive' | 'negative', at: string): TestResultFact {
  return { ...pcr(id, result, at), method: 'antigen' };
}

export function exposure(
  id: string,
  degree: 'close' | 'secondary' | 'risk_place',
  lastContactAt: string,
  recordedAt: string = lastContactAt,
): ExposureFact {
  const start = new Date(Date.parse(lastContactAt) - 3_600_000).toISOString();
  return {
    id,
    personId: person,
    kind: 'exposure',
    degree,
    caseId: degree === 'risk_place' ? null : 'C1',
    placeId: degree === 'risk_place' ? 'PLACE1' : null,
    window: { start, end: lastContactAt },
    occurredAt: lastContactAt,
    recordedAt,
    recordedBy: 'tracing',
    provenance: degree === 'risk_place' ? { source: 'officer', officerId: 'O1' } : { source: 'case', caseId: 'C1' },
  };
}

export function symptoms(id: string, at: string, list: SymptomReportFact['symptoms'] = ['fever']): SymptomReportFact {
  return {
    id,
    personId: person,
    kind: 'symptom_report',
    symptoms: list,
    onsetAt: at,
    occurredAt: at,
    recordedAt: at,
    recordedBy: person,
    provenance: { source: 'self_reported' },
  };
}

export function arrival(id: string, at: string): RiskAreaArrivalFact {
  return {
    id,
    personId: person,
    kind: 'risk_area_arrival',
    areaId: 'AREA1',
    areaKind: 'jurisdiction',
    designationId: 'D1',
    departedAt: at,
    occurredAt: at,
    recordedAt: at,
    recordedBy: person,
    provenance: { source: 'self_reported' },
  };
}

export function vaccination(id: string, at: string, complete = true, doses = 2): VaccinationFact {
  return {
    id,
    personId: person,
    kind: 'vaccination',
    doses,
    complete,
    productCode: 'EU/1/20/1528',
    occurredAt: at,
    recordedAt: at,
    recordedBy: 'clinic-1',
    provenance: { source: 'officer', officerId: 'O2' },
  };
}

export function isolationCompleted(id: string, at: string): IsolationCompletedFact {
  return {
    id,
    personId: person,
    kind: 'isolation_completed',
    setting: 'facility',
    occurredAt: at,
    recordedAt: at,
    recordedBy: 'O3',
    provenance: { source: 'officer', officerId: 'O3' },
  };
}

export function override(
  id: string,
  target: OverrideFact['target'],
  at: string,
  expiresAt: string | null = null,
): OverrideFact {
  return {
    id,
    personId: person,
    kind: 'override',
    target,
    expiresAt,
    reasonCode: 'lab_error',
    note: 'specimen mix-up confirmed by the lab',
    proposedBy: 'staff-a',
    approvedBy: 'staff-b',
    occurredAt: at,
    recordedAt: at,
    recordedBy: 'staff-b',
    provenance: { source: 'officer', officerId: 'staff-b' },
  };
}
