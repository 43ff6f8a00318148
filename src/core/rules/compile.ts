import type { HealthFact, VaccinationFact } from './facts.ts';
import type { ColorRule, Localized, NumberOrParam, RuleColor, RuleSet, TriggerKind } from './ruleset.ts';
import { resolveNumber, RuleSetValidationError, validateRuleSet } from './validate-ruleset.ts';
import { DAY_MS, HOUR_MS } from './time.ts';

/** A rule with its parameters resolved and its conditions turned into a predicate. */
export interface CompiledColorRule {
  id: string;
  kind: TriggerKind;
  color: RuleColor;
  matches: (fact: HealthFact) => boolean;
  withinMs: number | null;
  periodDays: number;
  periodMs: number;
  negativePcr: { count: number; minHoursApart: number; gapMs: number } | null;
  acceptIsolationCompleted: boolean;
  explanation: Localized;
}

export interface CompiledMark {
  id: string;
  matches: (fact: VaccinationFact) => boolean;
  validForMs: number | null;
  explanation: Localized;
}

export interface CompiledRuleSet {
  source: RuleSet;
  timeZone: string;
  rules: CompiledColorRule[];
  mark: CompiledMark | null;
}

// Evaluation runs once per resident on every rule-set change, so validation and compilation happen once per
// rule-set object rather than once per call. The cache is invisible to callers: same input, same output.
const cache = new WeakMap<RuleSet, CompiledRuleSet>();

/** Validates and compiles a rule set; throws RuleSetValidationError if it would be rejected at publication. */
export function compileRuleSet(ruleSet: RuleSet): CompiledRuleSet {
  const hit = cache.get(ruleSet);
  if (hit) return hit;
  const v = validateRuleSet(ruleSet);
  if (!v.ok) throw new RuleSetValidationError(v.errors);
  const rs = v.ruleSet;
  const num = (x: NumberOrParam): number => {
    const n = resolveNumber(x, rs.parameters);
    if (n === undefined) throw new Error('unreachable: validated parameter');
    return n;
  };
  const compiled: CompiledRuleSet = {
    source: ruleSet,
    timeZone: rs.timeZone,
    rules: rs.rules.map((r) => compileRule(r, num)),
    mark: rs.vaccinationMark
      ? {
          id: rs.vaccinationMark.id,
          matches: markMatcher(rs.vaccinationMark.match.where),
          validForMs: rs.vaccinationMark.validForDays === null ? null : num(rs.vaccinationMark.validForDays) * DAY_MS,
          explanation: rs.vaccinationMark.explanation,
        }
      : null,
  };
  cache.set(ruleSet, compiled);
  return compiled;
}

function compileRule(r: ColorRule, num: (x: NumberOrParam) => number): CompiledColorRule {
  const periodDays = num(r.periodDays);
  const pcr = r.release.negativePcr;
  const minHoursApart = pcr ? num(pcr.minHoursApart) : 0;
  return {
    id: r.id,
    kind: r.match.kind,
    color: r.color,
    matches: ruleMatcher(r),
    withinMs: r.match.withinDays === undefined ? null : num(r.match.withinDays) * DAY_MS,
    periodDays,
    periodMs: periodDays * DAY_MS,
    negativePcr: pcr ? { count: num(pcr.count), minHoursApart, gapMs: minHoursApart * HOUR_MS } : null,
    acceptIsolationCompleted: r.release.acceptIsolationCompleted,
    explanation: r.explanation,
  };
}

type EnumCond = { eq: string } | { in: string[] } | undefined;
const accepts = (cond: EnumCond, value: string): boolean =>
  cond === undefined || ('eq' in cond ? cond.eq === value : cond.in.includes(value));

function ruleMatcher(r: ColorRule): (fact: HealthFact) => boolean {
  const m = r.match;
  switch (m.kind) {
    case 'test_result':
      return (f) => f.kind === 'test_result' && accepts(m.where.method, f.method) && accepts(m.where.result, f.result);
    case 'exposure':
      return (f) => f.kind === 'exposure' && accepts(m.where.degree, f.degree);
    case 'symptom_report': {
      const any = m.where.symptoms?.includesAny;
      return (f) => f.kind === 'symptom_report' && (any === undefined || f.symptoms.some((s) => any.includes(s)));
    }
    case 'risk_area_arrival':
      return (f) => f.kind === 'risk_area_arrival' && accepts(m.where.areaKind, f.areaKind);
  }
}

function markMatcher(where: {
  complete?: { eq: boolean } | undefined;
  doses?: { gte?: number | undefined; lte?: number | undefined } | undefined;
}): (fact: VaccinationFact) => boolean {
  return (f) =>
    (where.complete === undefined || f.complete === where.complete.eq) &&
    (where.doses?.gte === undefined || f.doses >= where.doses.gte) &&
    (where.doses?.lte === undefined || f.doses <= where.doses.lte);
}
