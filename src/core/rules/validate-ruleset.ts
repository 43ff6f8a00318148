import type { z } from 'zod';
import { AREA_KINDS, EXPOSURE_DEGREES, FACT_KINDS, TEST_METHODS, TEST_RESULTS, type FactKind } from './facts.ts';
import {
  KIND_ROLES,
  LIMITS,
  OVERRIDE_RULE_ID,
  ParamNameSchema,
  PLACEHOLDERS,
  RuleSetSchema,
  TRIGGER_KINDS,
  WHERE_FIELDS,
  type ColorRule,
  type NumberOrParam,
  type Parameters,
  type RuleSet,
  type TriggerKind,
} from './ruleset.ts';
import { isValidTimeZone } from './time.ts';

export type RuleSetErrorCode =
  | 'schema'
  | 'unknown_fact_kind'
  | 'fact_kind_not_allowed'
  | 'unknown_field'
  | 'invalid_condition'
  | 'duplicate_rule_id'
  | 'reserved_rule_id'
  | 'overlapping_rules'
  | 'contradictory_rules'
  | 'negative_result_trigger'
  | 'bad_duration'
  | 'bad_count'
  | 'unknown_parameter'
  | 'unknown_placeholder'
  | 'bad_time_zone';

export interface RuleSetError {
  code: RuleSetErrorCode;
  /** JSON pointer into the submitted document. */
  path: string;
  message: string;
}

export type RuleSetValidation = { ok: true; ruleSet: RuleSet } | { ok: false; errors: RuleSetError[] };

export class RuleSetValidationError extends Error {
  constructor(readonly errors: RuleSetError[]) {
    super(`invalid rule set: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    this.name = 'RuleSetValidationError';
  }
}

const pointer = (path: readonly PropertyKey[]): string =>
  '/' + path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const DURATION_KEYS = new Set(['periodDays', 'withinDays', 'validForDays', 'minHoursApart']);

/**
 * Validates a rule-set document for publication. Returns every problem found, each with the JSON pointer of the
 * offending value and a reason a rule author can act on.
 */
export function validateRuleSet(input: unknown): RuleSetValidation {
  const errors = vocabularyErrors(input);
  const covered = new Set(errors.map((e) => e.path));
  const parsed = RuleSetSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = pointer(issue.path);
      // The vocabulary pass already explained these in domain terms.
      if (covered.has(path) || [...covered].some((c) => c.startsWith(path + '/'))) continue;
      errors.push({ code: schemaCode(issue), path, message: issue.message });
    }
  }
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };
  const ruleSet = parsed.data as RuleSet;
  const semantic = semanticErrors(ruleSet);
  return semantic.length > 0 ? { ok: false, errors: semantic } : { ok: true, ruleSet };
}

/** Like validateRuleSet, but throws RuleSetValidationError. */
export function parseRuleSet(input: unknown): RuleSet {
  const r = validateRuleSet(input);
  if (!r.ok) throw new RuleSetValidationError(r.errors);
  return r.ruleSet;
}

function schemaCode(issue: z.core.$ZodIssue): RuleSetErrorCode {
  const last = issue.path[issue.path.length - 1];
  const secondLast = issue.path[issue.path.length - 2];
  if (issue.path.includes('where')) return 'invalid_condition';
  if (typeof last === 'string' && DURATION_KEYS.has(last)) return 'bad_duration';
  if (last === 'count' && secondLast === 'negativePcr') return 'bad_count';
  return 'schema';
}

// Checks kinds and fields on the raw document first, so that a rule naming a forbidden kind or field gets an answer
// in domain terms instead of a generic "invalid union".
function vocabularyErrors(input: unknown): RuleSetError[] {
  const errors: RuleSetError[] = [];
  if (!isRecord(input)) return errors;
  const rules = Array.isArray(input.rules) ? input.rules : [];
  rules.forEach((rule: unknown, i) => {
    if (!isRecord(rule) || !isRecord(rule.match)) return;
    const base = ['rules', i, 'match'];
    const kind = rule.match.kind;
    if (typeof kind !== 'string' || !(TRIGGER_KINDS as readonly string[]).includes(kind)) {
      errors.push(kindError(kind, [...base, 'kind'], TRIGGER_KINDS));
      return;
    }
    errors.push(...fieldErrors(kind as TriggerKind, rule.match.where, [...base, 'where']));
  });
  const mark = input.vaccinationMark;
  if (isRecord(mark) && isRecord(mark.match)) {
    const kind = mark.match.kind;
    if (kind !== 'vaccination') {
      errors.push({
        code: (FACT_KINDS as readonly unknown[]).includes(kind) ? 'fact_kind_not_allowed' : 'unknown_fact_kind',
        path: pointer(['vaccinationMark', 'match', 'kind']),
        message: `the vaccination mark can only match vaccination facts, not ${JSON.stringify(kind)}`,
      });
    } else {
      errors.push(...fieldErrors('vaccination', mark.match.where, ['vaccinationMark', 'match', 'where']));
    }
  }
  return errors;
}

function kindError(kind: unknown, path: PropertyKey[], allowed: readonly string[]): RuleSetError {
  if (typeof kind === 'string' && (FACT_KINDS as readonly string[]).includes(kind)) {
    return {
      code: 'fact_kind_not_allowed',
      path: pointer(path),
      message: KIND_ROLES[kind as Exclude<FactKind, TriggerKind>],
    };
  }
  return {
    code: 'unknown_fact_kind',
    path: pointer(path),
    message:
      `unknown fact kind ${JSON.stringify(kind)}: a rule can only match the health fact kinds ` +
      `${allowed.join(', ')}`,
  };
}

function fieldErrors(kind: TriggerKind | 'vaccination', where: unknown, path: PropertyKey[]): RuleSetError[] {
  if (!isRecord(where)) return [];
  const allowed = WHERE_FIELDS[kind];
  return Object.keys(where)
    .filter((field) => !allowed.includes(field))
    .map((field) => ({
      code: 'unknown_field' as const,
      path: pointer([...path, field]),
      message: `${kind} has no field ${JSON.stringify(field)} a rule can test; its fields are: ${allowed.join(', ')}`,
    }));
}

function semanticErrors(rs: RuleSet): RuleSetError[] {
  const errors: RuleSetError[] = [];
  if (!isValidTimeZone(rs.timeZone)) {
    errors.push({ code: 'bad_time_zone', path: '/timeZone', message: `unknown IANA time zone ${rs.timeZone}` });
  }
  for (const name of Object.keys(rs.parameters)) {
    if (!ParamNameSchema.safeParse(name).success)
      errors.push({ code: 'schema', path: pointer(['parameters', name]), message: `bad parameter name ${name}` });
  }
  for (const name of Object.keys(rs.parameters.closeContactMinutesByPlaceCategory)) {
    if (!ParamNameSchema.safeParse(name).success)
      errors.push({
        code: 'schema',
        path: pointer(['parameters', 'closeContactMinutesByPlaceCategory', name]),
        message: `bad place category name ${name}`,
      });
  }

  const seen = new Map<string, string>();
  const ids: [string, PropertyKey[]][] = rs.rules.map((r, i) => [r.id, ['rules', i, 'id']]);
  if (rs.vaccinationMark) ids.push([rs.vaccinationMark.id, ['vaccinationMark', 'id']]);
  for (const [id, path] of ids) {
    if (id === OVERRIDE_RULE_ID) {
      errors.push({
        code: 'reserved_rule_id',
        path: pointer(path),
        message: `rule id "${OVERRIDE_RULE_ID}" is reserved for overrides in status reasons`,
      });
    }
    const first = seen.get(id);
    if (first !== undefined)
      errors.push({
        code: 'duplicate_rule_id',
        path: pointer(path),
        message: `rule id ${id} is already used at ${first}`,
      });
    else seen.set(id, pointer(path));
  }

  rs.rules.forEach((rule, i) => {
    const at = (...p: PropertyKey[]): PropertyKey[] => ['rules', i, ...p];
    checkNumber(rs.parameters, rule.periodDays, 'days', at('periodDays'), errors);
    if (rule.match.withinDays !== undefined)
      checkNumber(rs.parameters, rule.match.withinDays, 'days', at('match', 'withinDays'), errors);
    if (rule.release.negativePcr) {
      checkNumber(
        rs.parameters,
        rule.release.negativePcr.count,
        'count',
        at('release', 'negativePcr', 'count'),
        errors,
      );
      checkNumber(
        rs.parameters,
        rule.release.negativePcr.minHoursApart,
        'hoursApart',
        at('release', 'negativePcr', 'minHoursApart'),
        errors,
      );
    }
    if (rule.match.kind === 'test_result') {
      const allowed = enumAllowed(rule.match.where.result, TEST_RESULTS);
      if (allowed.has('negative'))
        errors.push({
          code: 'negative_result_trigger',
          path: pointer(at('match', 'where', 'result')),
          message:
            'a test_result rule must require result "positive": a negative result can only ever release, ' +
            'never color anyone',
        });
    }
    errors.push(...placeholderErrors(rule.match.kind, rule.explanation, at('explanation')));
  });
  if (rs.vaccinationMark) {
    if (rs.vaccinationMark.validForDays !== null)
      checkNumber(rs.parameters, rs.vaccinationMark.validForDays, 'days', ['vaccinationMark', 'validForDays'], errors);
    errors.push(
      ...placeholderErrors('vaccination', rs.vaccinationMark.explanation, ['vaccinationMark', 'explanation']),
    );
  }

  // Overlap is only meaningful once the numbers resolve, otherwise effects cannot be compared.
  if (!errors.some((e) => e.code === 'unknown_parameter')) errors.push(...overlapErrors(rs));
  return errors;
}

export function resolveNumber(value: NumberOrParam, params: Parameters): number | undefined {
  if (typeof value === 'number') return value;
  const v = params[value.param];
  return typeof v === 'number' ? v : undefined;
}

function checkNumber(
  params: Parameters,
  value: NumberOrParam,
  kind: keyof typeof LIMITS,
  path: PropertyKey[],
  errors: RuleSetError[],
): void {
  const resolved = resolveNumber(value, params);
  const via = typeof value === 'number' ? '' : ` (parameter ${value.param})`;
  if (resolved === undefined) {
    const param = typeof value === 'number' ? '' : value.param;
    const exists = param in params;
    errors.push({
      code: 'unknown_parameter',
      path: pointer([...path, 'param']),
      message: exists
        ? `parameter ${param} is not a number`
        : `unknown parameter ${param}; defined parameters: ${Object.keys(params).join(', ')}`,
    });
    return;
  }
  const { min, max } = LIMITS[kind];
  const integer = kind !== 'hoursApart';
  if (resolved < min || resolved > max || (integer && !Number.isInteger(resolved))) {
    const what = kind === 'days' ? 'days' : kind === 'count' ? 'tests' : 'hours';
    errors.push({
      code: kind === 'count' ? 'bad_count' : 'bad_duration',
      path: pointer(path),
      message: `${resolved}${via} is not a valid number of ${what}: expected ${integer ? 'an integer ' : ''}from ${min} to ${max}`,
    });
  }
}

function placeholderErrors(
  kind: TriggerKind | 'vaccination',
  explanation: { 'zh-CN': string; en: string },
  path: PropertyKey[],
): RuleSetError[] {
  const allowed = PLACEHOLDERS[kind];
  const errors: RuleSetError[] = [];
  for (const lang of ['zh-CN', 'en'] as const) {
    for (const m of explanation[lang].matchAll(/\{([^{}]*)\}/g)) {
      const name = m[1] ?? '';
      if (!allowed.includes(name))
        errors.push({
          code: 'unknown_placeholder',
          path: pointer([...path, lang]),
          message: `unknown placeholder {${name}} for ${kind}; available: ${allowed.map((p) => `{${p}}`).join(' ')}`,
        });
    }
  }
  return errors;
}

type EnumCondition<T extends string> = { eq: T } | { in: T[] } | undefined;

function enumAllowed<T extends string>(cond: EnumCondition<T>, domain: readonly T[]): Set<T> {
  if (cond === undefined) return new Set(domain);
  return new Set('eq' in cond ? [cond.eq] : cond.in);
}

/**
 * The enumerated values each rule accepts per field. Two rules overlap when some single fact satisfies both: for
 * every enumerated field their accepted sets intersect. (A symptom report can list several symptoms, so two
 * symptom conditions can always be satisfied together.)
 */
function acceptedValues(rule: ColorRule): Map<string, Set<string>> {
  const m = rule.match;
  switch (m.kind) {
    case 'test_result':
      return new Map<string, Set<string>>([
        ['method', enumAllowed(m.where.method, TEST_METHODS)],
        ['result', enumAllowed(m.where.result, TEST_RESULTS)],
      ]);
    case 'exposure':
      return new Map<string, Set<string>>([['degree', enumAllowed(m.where.degree, EXPOSURE_DEGREES)]]);
    case 'risk_area_arrival':
      return new Map<string, Set<string>>([['areaKind', enumAllowed(m.where.areaKind, AREA_KINDS)]]);
    case 'symptom_report':
      return new Map();
  }
}

function effect(rule: ColorRule, params: Parameters): string {
  const n = (v: NumberOrParam | undefined): number | null =>
    v === undefined ? null : (resolveNumber(v, params) ?? null);
  const pcr = rule.release.negativePcr;
  return JSON.stringify([
    rule.color,
    n(rule.periodDays),
    n(rule.match.withinDays),
    pcr ? [n(pcr.count), n(pcr.minHoursApart)] : null,
    rule.release.acceptIsolationCompleted,
  ]);
}

function describeEffect(rule: ColorRule, params: Parameters): string {
  const n = (v: NumberOrParam): number | undefined => resolveNumber(v, params);
  const pcr = rule.release.negativePcr;
  return (
    `${rule.color} for ${n(rule.periodDays)} days` +
    (rule.match.withinDays !== undefined ? ` (if recorded within ${n(rule.match.withinDays)} days)` : '') +
    (pcr
      ? `, released by ${n(pcr.count)} negative PCR` +
        ((n(pcr.count) ?? 0) > 1 && (n(pcr.minHoursApart) ?? 0) > 0 ? ` ${n(pcr.minHoursApart)} h apart` : '')
      : ', released by the period') +
    (rule.release.acceptIsolationCompleted ? ' or isolation completed' : '')
  );
}

function overlapErrors(rs: RuleSet): RuleSetError[] {
  const errors: RuleSetError[] = [];
  for (let j = 0; j < rs.rules.length; j++) {
    for (let i = 0; i < j; i++) {
      const a = rs.rules[i] as ColorRule;
      const b = rs.rules[j] as ColorRule;
      if (a.match.kind !== b.match.kind) continue;
      const va = acceptedValues(a);
      const vb = acceptedValues(b);
      const witness: string[] = [];
      let disjoint = false;
      for (const [field, set] of va) {
        const common = [...set].filter((v) => vb.get(field)?.has(v));
        if (common.length === 0) disjoint = true;
        else witness.push(`${field}=${common[0]}`);
      }
      if (disjoint) continue;
      const fact = `a ${a.match.kind}${witness.length ? ` with ${witness.join(', ')}` : ''}`;
      const same = effect(a, rs.parameters) === effect(b, rs.parameters);
      errors.push(
        same
          ? {
              code: 'overlapping_rules',
              path: pointer(['rules', j]),
              message:
                `rules ${a.id} and ${b.id} both match ${fact}; every fact may be decided by one rule only, ` +
                'so merge them or make their conditions exclusive',
            }
          : {
              code: 'contradictory_rules',
              path: pointer(['rules', j]),
              message:
                `rules ${a.id} and ${b.id} both match ${fact} but disagree: ${a.id} gives ` +
                `${describeEffect(a, rs.parameters)}; ${b.id} gives ${describeEffect(b, rs.parameters)}`,
            },
      );
    }
  }
  return errors;
}
