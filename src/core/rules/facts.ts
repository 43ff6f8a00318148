import { z } from 'zod';

/*
 * Health facts: the only inputs a status can be computed from. The set of kinds is closed and every object is strict,
 * so a fact cannot carry anything but the medical fields listed here. Identifiers are restricted to a token alphabet
 * so that no prose can travel in them; the one free-text field (an override's written reason) can never be matched by
 * a rule.
 */

export const FACT_KINDS = [
  'test_result',
  'vaccination',
  'exposure',
  'symptom_report',
  'risk_area_arrival',
  'isolation_completed',
  'override',
] as const;
export type FactKind = (typeof FACT_KINDS)[number];

export const TEST_METHODS = ['pcr', 'antigen'] as const;
export const TEST_RESULTS = ['positive', 'negative'] as const;
export const EXPOSURE_DEGREES = ['close', 'secondary', 'risk_place'] as const;
export const SYMPTOMS = [
  'fever',
  'cough',
  'sore_throat',
  'shortness_of_breath',
  'loss_of_taste_or_smell',
  'fatigue',
  'muscle_aches',
  'headache',
  'runny_nose',
  'diarrhea',
  'other',
] as const;
export const AREA_KINDS = ['place', 'grid', 'jurisdiction'] as const;
export const ISOLATION_SETTINGS = ['home', 'facility', 'hospital'] as const;
export const OVERRIDE_TARGETS = ['green', 'yellow', 'red', 'clear'] as const;
export const OVERRIDE_REASONS = [
  'data_entry_error',
  'lab_error',
  'identity_mismatch',
  'clinical_assessment',
  'unverifiable_foreign_record',
] as const;

export type TestMethod = (typeof TEST_METHODS)[number];
export type TestResultValue = (typeof TEST_RESULTS)[number];
export type ExposureDegree = (typeof EXPOSURE_DEGREES)[number];
export type Symptom = (typeof SYMPTOMS)[number];
export type AreaKind = (typeof AREA_KINDS)[number];
export type IsolationSetting = (typeof ISOLATION_SETTINGS)[number];
export type OverrideTarget = (typeof OVERRIDE_TARGETS)[number];
export type OverrideReason = (typeof OVERRIDE_REASONS)[number];

export const IdentSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, 'must be an identifier (letters, digits and . _ : / -, at most 128)');
export const InstantSchema = z.iso.datetime({ offset: true });

const ms = (iso: string): number => Date.parse(iso);

// Provenance says where a fact comes from; each kind accepts only the sources that can plausibly produce it.
export const LabProvenanceSchema = z.strictObject({
  source: z.literal('lab'),
  labId: IdentSchema,
  specimenId: IdentSchema,
});
export const CaseProvenanceSchema = z.strictObject({ source: z.literal('case'), caseId: IdentSchema });
export const SelfReportedProvenanceSchema = z.strictObject({ source: z.literal('self_reported') });
export const ForeignCertificateProvenanceSchema = z.strictObject({
  source: z.literal('foreign_certificate'),
  format: z.enum(['HC1', 'TSR1']),
  issuer: IdentSchema,
  certificateId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,127}$/, 'must be a certificate identifier'),
});
export const OfficerProvenanceSchema = z.strictObject({ source: z.literal('officer'), officerId: IdentSchema });

export const ProvenanceSchema = z.discriminatedUnion('source', [
  LabProvenanceSchema,
  CaseProvenanceSchema,
  SelfReportedProvenanceSchema,
  ForeignCertificateProvenanceSchema,
  OfficerProvenanceSchema,
]);
export type Provenance = z.infer<typeof ProvenanceSchema>;

const base = {
  id: IdentSchema,
  personId: IdentSchema,
  /** When the fact became true in the world; its meaning per kind is documented in docs/rulesets.md. */
  occurredAt: InstantSchema,
  recordedAt: InstantSchema,
  recordedBy: IdentSchema,
};

export const TestResultFactSchema = z
  .strictObject({
    ...base,
    kind: z.literal('test_result'),
    method: z.enum(TEST_METHODS),
    result: z.enum(TEST_RESULTS),
    specimenCollectedAt: InstantSchema,
    provenance: z.discriminatedUnion('source', [
      LabProvenanceSchema,
      ForeignCertificateProvenanceSchema,
      OfficerProvenanceSchema,
    ]),
  })
  .superRefine((f, ctx) => {
    if (ms(f.specimenCollectedAt) > ms(f.occurredAt))
      ctx.addIssue({
        code: 'custom',
        path: ['specimenCollectedAt'],
        message: 'the specimen must be collected no later than the result (occurredAt)',
      });
  });

export const VaccinationFactSchema = z.strictObject({
  ...base,
  kind: z.literal('vaccination'),
  doses: z.number().int().min(1).max(10),
  complete: z.boolean(),
  productCode: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/)
    .nullable(),
  provenance: z.discriminatedUnion('source', [OfficerProvenanceSchema, ForeignCertificateProvenanceSchema]),
});

export const ExposureFactSchema = z
  .strictObject({
    ...base,
    kind: z.literal('exposure'),
    degree: z.enum(EXPOSURE_DEGREES),
    caseId: IdentSchema.nullable(),
    /** A place or designated risk area; null for contacts that happened at no registered place (a household). */
    placeId: IdentSchema.nullable(),
    window: z.strictObject({ start: InstantSchema, end: InstantSchema }),
    provenance: z.discriminatedUnion('source', [CaseProvenanceSchema, OfficerProvenanceSchema]),
  })
  .superRefine((f, ctx) => {
    if (ms(f.window.start) > ms(f.window.end))
      ctx.addIssue({ code: 'custom', path: ['window', 'start'], message: 'the window must not end before it starts' });
    // Quarantine counts from the last moment of contact, so occurredAt is pinned to it rather than left ambiguous.
    if (ms(f.window.end) !== ms(f.occurredAt))
      ctx.addIssue({
        code: 'custom',
        path: ['occurredAt'],
        message: 'occurredAt of an exposure is the end of its window (the last moment of contact)',
      });
    if (f.degree !== 'risk_place' && f.caseId === null)
      ctx.addIssue({ code: 'custom', path: ['caseId'], message: `a ${f.degree} contact must name the case` });
    if (f.degree === 'risk_place' && f.placeId === null)
      ctx.addIssue({ code: 'custom', path: ['placeId'], message: 'a risk-place exposure must name the place or area' });
    if (f.provenance.source === 'case' && f.provenance.caseId !== f.caseId)
      ctx.addIssue({
        code: 'custom',
        path: ['provenance', 'caseId'],
        message: 'the provenance case must be the case of the exposure',
      });
  });

export const SymptomReportFactSchema = z
  .strictObject({
    ...base,
    kind: z.literal('symptom_report'),
    symptoms: z
      .array(z.enum(SYMPTOMS))
      .min(1)
      .refine((s) => new Set(s).size === s.length, 'symptoms must not repeat'),
    onsetAt: InstantSchema.nullable(),
    provenance: z.discriminatedUnion('source', [SelfReportedProvenanceSchema, OfficerProvenanceSchema]),
  })
  .superRefine((f, ctx) => {
    if (f.onsetAt !== null && ms(f.onsetAt) > ms(f.occurredAt))
      ctx.addIssue({ code: 'custom', path: ['onsetAt'], message: 'onset must not be after the report' });
  });

export const RiskAreaArrivalFactSchema = z
  .strictObject({
    ...base,
    kind: z.literal('risk_area_arrival'),
    areaId: IdentSchema,
    areaKind: z.enum(AREA_KINDS),
    /** The risk designation (with its epidemiological basis) that made the area a risk area. */
    designationId: IdentSchema,
    departedAt: InstantSchema,
    provenance: z.discriminatedUnion('source', [SelfReportedProvenanceSchema, OfficerProvenanceSchema]),
  })
  .superRefine((f, ctx) => {
    if (ms(f.departedAt) > ms(f.occurredAt))
      ctx.addIssue({
        code: 'custom',
        path: ['departedAt'],
        message: 'departure must not be after arrival (occurredAt)',
      });
  });

export const IsolationCompletedFactSchema = z.strictObject({
  ...base,
  kind: z.literal('isolation_completed'),
  setting: z.enum(ISOLATION_SETTINGS),
  provenance: OfficerProvenanceSchema,
});

export const OverrideFactSchema = z
  .strictObject({
    ...base,
    kind: z.literal('override'),
    /** A color to show until expiresAt, or 'clear' to withdraw every earlier override at once. */
    target: z.enum(OVERRIDE_TARGETS),
    expiresAt: InstantSchema.nullable(),
    reasonCode: z.enum(OVERRIDE_REASONS),
    /** The written reason shown to the resident. Free text, so no rule can ever refer to it. */
    note: z.string().trim().min(1).max(1000),
    proposedBy: IdentSchema,
    approvedBy: IdentSchema,
    provenance: OfficerProvenanceSchema,
  })
  .superRefine((f, ctx) => {
    if (f.proposedBy === f.approvedBy)
      ctx.addIssue({
        code: 'custom',
        path: ['approvedBy'],
        message: 'an override needs two different people: the approver cannot be the proposer',
      });
    if (f.target === 'clear' && f.expiresAt !== null)
      ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: "a 'clear' override has no expiry" });
    if (f.target !== 'clear' && (f.expiresAt === null || ms(f.expiresAt) <= ms(f.occurredAt)))
      ctx.addIssue({
        code: 'custom',
        path: ['expiresAt'],
        message: 'an override must expire, after it takes effect (occurredAt)',
      });
  });

export const HealthFactSchema = z.discriminatedUnion('kind', [
  TestResultFactSchema,
  VaccinationFactSchema,
  ExposureFactSchema,
  SymptomReportFactSchema,
  RiskAreaArrivalFactSchema,
  IsolationCompletedFactSchema,
  OverrideFactSchema,
]);

export type TestResultFact = z.infer<typeof TestResultFactSchema>;
export type VaccinationFact = z.infer<typeof VaccinationFactSchema>;
export type ExposureFact = z.infer<typeof ExposureFactSchema>;
export type SymptomReportFact = z.infer<typeof SymptomReportFactSchema>;
export type RiskAreaArrivalFact = z.infer<typeof RiskAreaArrivalFactSchema>;
export type IsolationCompletedFact = z.infer<typeof IsolationCompletedFactSchema>;
export type OverrideFact = z.infer<typeof OverrideFactSchema>;
export type HealthFact = z.infer<typeof HealthFactSchema>;

export type FactParseResult =
  { ok: true; fact: HealthFact } | { ok: false; errors: { path: string; message: string }[] };

/** Parses an untrusted fact; errors name the field (as a JSON pointer) and why. */
export function parseFact(input: unknown): FactParseResult {
  const r = HealthFactSchema.safeParse(input);
  if (r.success) return { ok: true, fact: r.data };
  return {
    ok: false,
    errors: r.error.issues.map((i) => ({ path: '/' + i.path.map(String).join('/'), message: i.message })),
  };
}
