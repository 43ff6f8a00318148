import { z } from 'zod';
import {
  AREA_KINDS,
  EXPOSURE_DEGREES,
  IdentSchema,
  InstantSchema,
  SYMPTOMS,
  TEST_METHODS,
  TEST_RESULTS,
  type FactKind,
} from './facts.ts';

/*
 * The rule-set document. Its vocabulary is built from the fact schemas: a rule can only name an allowlisted fact kind
 * and, within it, only the enumerated medical fields listed here. There is no field, operator or escape hatch through
 * which anything else (where someone lives, what they said, whom they know) could be referred to.
 */

export const COLORS = ['green', 'yellow', 'red'] as const;
export type Color = (typeof COLORS)[number];
export const RULE_COLORS = ['yellow', 'red'] as const;
export type RuleColor = (typeof RULE_COLORS)[number];

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export const LocalizedSchema = z.strictObject({
  'zh-CN': z.string().trim().min(1).max(1000),
  en: z.string().trim().min(1).max(1000),
});
export type Localized = z.infer<typeof LocalizedSchema>;

export const RuleIdSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/, 'must be a rule id: a letter, then letters, digits, _ or - (at most 32)');

export const ParamNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a parameter name: a letter, then letters, digits or _');

/** Any number in a rule may instead name a parameter of the rule set, so every number is published in one place. */
export const ParamRefSchema = z.strictObject({ param: ParamNameSchema });
export type ParamRef = z.infer<typeof ParamRefSchema>;

export const LIMITS = {
  days: { min: 1, max: 365 },
  hoursApart: { min: 0, max: 720 },
  count: { min: 1, max: 10 },
} as const;

export const DaysSchema = z.union([z.number().int().min(LIMITS.days.min).max(LIMITS.days.max), ParamRefSchema]);
export const HoursSchema = z.union([z.number().min(LIMITS.hoursApart.min).max(LIMITS.hoursApart.max), ParamRefSchema]);
export const CountSchema = z.union([z.number().int().min(LIMITS.count.min).max(LIMITS.count.max), ParamRefSchema]);
export type NumberOrParam = number | ParamRef;

const enumCondition = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.union([z.strictObject({ eq: z.enum(values) }), z.strictObject({ in: z.array(z.enum(values)).min(1) })]);

export const TestResultWhereSchema = z.strictObject({
  method: enumCondition(TEST_METHODS).optional(),
  result: enumCondition(TEST_RESULTS).optional(),
});
export const ExposureWhereSchema = z.strictObject({ degree: enumCondition(EXPOSURE_DEGREES).optional() });
export const SymptomReportWhereSchema = z.strictObject({
  symptoms: z.strictObject({ includesAny: z.array(z.enum(SYMPTOMS)).min(1) }).optional(),
});
export const RiskAreaArrivalWhereSchema = z.strictObject({ areaKind: enumCondition(AREA_KINDS).optional() });
export const VaccinationWhereSchema = z.strictObject({
  complete: z.strictObject({ eq: z.boolean() }).optional(),
  doses: z
    .strictObject({ gte: z.number().int().min(1).max(10).optional(), lte: z.number().int().min(1).max(10).optional() })
    .optional(),
});

const matchOf = <K extends string, W extends z.ZodType>(kind: K, where: W) =>
  z.strictObject({
    kind: z.literal(kind),
    where,
    /** The fact only triggers the rule if it was recorded within this many days of occurring. */
    withinDays: DaysSchema.optional(),
  });

export const ColorRuleMatchSchema = z.discriminatedUnion('kind', [
  matchOf('test_result', TestResultWhereSchema),
  matchOf('exposure', ExposureWhereSchema),
  matchOf('symptom_report', SymptomReportWhereSchema),
  matchOf('risk_area_arrival', RiskAreaArrivalWhereSchema),
]);
export type ColorRuleMatch = z.infer<typeof ColorRuleMatchSchema>;

/** Fact kinds a color rule may match. The other kinds have fixed roles (see KIND_ROLES). */
export const TRIGGER_KINDS = ['test_result', 'exposure', 'symptom_report', 'risk_area_arrival'] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

/** Fields a `where` clause may constrain, per kind. */
export const WHERE_FIELDS: Record<TriggerKind | 'vaccination', readonly string[]> = {
  test_result: Object.keys(TestResultWhereSchema.shape),
  exposure: Object.keys(ExposureWhereSchema.shape),
  symptom_report: Object.keys(SymptomReportWhereSchema.shape),
  risk_area_arrival: Object.keys(RiskAreaArrivalWhereSchema.shape),
  vaccination: Object.keys(VaccinationWhereSchema.shape),
};

/** Why the kinds that cannot trigger a color are excluded; used verbatim in validation errors. */
export const KIND_ROLES: Record<Exclude<FactKind, TriggerKind>, string> = {
  vaccination:
    'vaccination can only set the vaccination mark (vaccinationMark); being unvaccinated must never color anyone',
  isolation_completed: 'isolation_completed can only release a rule (release.acceptIsolationCompleted)',
  override: 'overrides are applied by the engine after two-person approval; a rule cannot match them',
};

export const ReleaseSchema = z.strictObject({
  /** N consecutive negative PCR results, specimens at least H hours apart; null = the period alone releases. */
  negativePcr: z.strictObject({ count: CountSchema, minHoursApart: HoursSchema }).nullable(),
  /** Whether an isolation_completed record may stand in for the tests (never for the period). */
  acceptIsolationCompleted: z.boolean(),
});
export type Release = z.infer<typeof ReleaseSchema>;

export const ColorRuleSchema = z.strictObject({
  id: RuleIdSchema,
  match: ColorRuleMatchSchema,
  color: z.enum(RULE_COLORS),
  /** Isolation or quarantine length, counted from the triggering fact's occurredAt. */
  periodDays: DaysSchema,
  release: ReleaseSchema,
  /** Why, in words: a template with {placeholders} from the triggering fact (see docs/rulesets.md). */
  explanation: LocalizedSchema,
});
export type ColorRule = z.infer<typeof ColorRuleSchema>;

export const VaccinationMarkSchema = z.strictObject({
  id: RuleIdSchema,
  match: z.strictObject({ kind: z.literal('vaccination'), where: VaccinationWhereSchema }),
  /** How long a matching vaccination keeps the mark; null = indefinitely. */
  validForDays: DaysSchema.nullable(),
  explanation: LocalizedSchema,
});
export type VaccinationMark = z.infer<typeof VaccinationMarkSchema>;

const minutes = z.number().int().min(1).max(1440);

export const ParametersSchema = z
  .object({
    /** For the tracing team: the infectious period starts this many days before onset or specimen collection. */
    infectiousPeriodDaysBefore: z.number().int().min(0).max(30),
    /** Minimum overlap that makes a close contact, per place category; `default` covers unlisted categories. */
    closeContactMinutesByPlaceCategory: z.object({ default: minutes }).catchall(minutes),
  })
  .catchall(z.number().min(0).max(100_000));
// Written out because z.infer cannot express "named numbers plus one nested object" without a contradiction.
export interface Parameters {
  infectiousPeriodDaysBefore: number;
  closeContactMinutesByPlaceCategory: { default: number; [category: string]: number };
  [name: string]: number | { default: number; [category: string]: number };
}

export const RuleSetSchema = z.strictObject({
  $schema: z.string().optional(),
  id: IdentSchema,
  /** Integer, increasing per rule-set id; a published (id, version) never changes. */
  version: z.number().int().min(1),
  jurisdiction: IdentSchema,
  effectiveFrom: InstantSchema,
  /** IANA zone the explanations are written in, e.g. Asia/Shanghai. */
  timeZone: z.string().min(1).max(64),
  title: LocalizedSchema,
  description: LocalizedSchema.optional(),
  parameters: ParametersSchema,
  rules: z.array(ColorRuleSchema).max(100),
  vaccinationMark: VaccinationMarkSchema.nullable(),
});
export type RuleSet = Omit<z.infer<typeof RuleSetSchema>, 'parameters'> & { parameters: Parameters };

/** The rule id that reasons use for overrides; no rule may take it. */
export const OVERRIDE_RULE_ID = 'override';

/** Placeholders an explanation template may use, per matched kind. */
export const PLACEHOLDERS: Record<TriggerKind | 'vaccination', readonly string[]> = {
  test_result: ['occurredAt', 'occurredDate', 'method', 'specimenAt', 'specimenDate'],
  exposure: ['occurredAt', 'occurredDate', 'degree', 'windowStartAt', 'windowEndAt', 'windowDate'],
  symptom_report: ['occurredAt', 'occurredDate', 'symptoms', 'onsetDate'],
  risk_area_arrival: ['occurredAt', 'occurredDate', 'areaKind', 'arrivalDate', 'departedDate'],
  vaccination: ['occurredAt', 'occurredDate', 'doses'],
};
