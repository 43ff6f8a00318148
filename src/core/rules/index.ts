export {
  FACT_KINDS,
  TEST_METHODS,
  TEST_RESULTS,
  EXPOSURE_DEGREES,
  SYMPTOMS,
  AREA_KINDS,
  ISOLATION_SETTINGS,
  OVERRIDE_TARGETS,
  OVERRIDE_REASONS,
  HealthFactSchema,
  TestResultFactSchema,
  VaccinationFactSchema,
  ExposureFactSchema,
  SymptomReportFactSchema,
  RiskAreaArrivalFactSchema,
  IsolationCompletedFactSchema,
  OverrideFactSchema,
  ProvenanceSchema,
  parseFact,
} from './facts.ts';
export type {
  FactKind,
  HealthFact,
  TestResultFact,
  VaccinationFact,
  ExposureFact,
  SymptomReportFact,
  RiskAreaArrivalFact,
  IsolationCompletedFact,
  OverrideFact,
  Provenance,
  FactParseResult,
  TestMethod,
  TestResultValue,
  ExposureDegree,
  Symptom,
  AreaKind,
  IsolationSetting,
  OverrideTarget,
  OverrideReason,
} from './facts.ts';
export { COLORS, LANGS, TRIGGER_KINDS, OVERRIDE_RULE_ID, RuleSetSchema, LocalizedSchema } from './ruleset.ts';
export type { Color, Lang, Localized, RuleSet, ColorRule, VaccinationMark, Parameters } from './ruleset.ts';
export { defaultRuleSet } from './default-ruleset.ts';
export { validateRuleSet, parseRuleSet, RuleSetValidationError } from './validate-ruleset.ts';
export type { RuleSetError, RuleSetErrorCode, RuleSetValidation } from './validate-ruleset.ts';
export { ruleSetJsonSchema } from './ruleset-json-schema.ts';
export { checkPublication, selectRuleSet } from './publication.ts';
export type { PublicationError, PublicationErrorCode } from './publication.ts';
export { evaluate, nextChangeAt, sameStatus } from './evaluate.ts';
export type { Status, Reason, ReasonEffect, Clears, ReleaseProgress, EvaluateOptions } from './evaluate.ts';
export type { Instant } from './time.ts';
