import { describe, expect, it } from 'vitest';
import { defaultRuleSet } from './default-ruleset.ts';
import type { RuleSet } from './ruleset.ts';
import { parseRuleSet, RuleSetValidationError, validateRuleSet, type RuleSetError } from './validate-ruleset.ts';

type Doc = Record<string, unknown> & { rules: Record<string, unknown>[]; parameters: Record<string, unknown> };

/** A deep, loosely typed copy of the default rule set to break in one place. */
function doc(): Doc {
  return JSON.parse(JSON.stringify(defaultRuleSet)) as Doc;
}

function rule(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    ...(JSON.parse(JSON.stringify(defaultRuleSet.rules[4])) as Record<string, unknown>),
    explanation: { 'zh-CN': '测试', en: 'a test rule matched on {occurredDate}' },
    ...overrides,
  };
}

function rejects(input: unknown): RuleSetError[] {
  const r = validateRuleSet(input);
  if (r.ok) throw new Error('expected the rule set to be rejected');
  return r.errors;
}

describe('validateRuleSet', () => {
  it('accepts the default rule set, also after a JSON round trip', () => {
    expect(validateRuleSet(defaultRuleSet).ok).toBe(true);
    expect(validateRuleSet(doc()).ok).toBe(true);
  });

  it('rejects an unknown fact kind, naming the allowed ones', () => {
    const d = doc();
    d.rules[2] = rule({ id: 'X1', match: { kind: 'petition', where: {} } });
    expect(rejects(d)).toEqual([
      {
        code: 'unknown_fact_kind',
        path: '/rules/2/match/kind',
        message: expect.stringMatching(/"petition".*test_result, exposure, symptom_report, risk_area_arrival/),
      },
    ]);
  });

  it('rejects health fact kinds that cannot color anyone, saying what they are for', () => {
    for (const [kind, words] of <[string, string][]>[
      ['vaccination', 'vaccination mark'],
      ['override', 'two-person approval'],
      ['isolation_completed', 'release'],
    ]) {
      const d = doc();
      d.rules.push(rule({ id: 'X1', match: { kind, where: {} } }));
      expect(rejects(d)).toEqual([
        { code: 'fact_kind_not_allowed', path: '/rules/6/match/kind', message: expect.stringContaining(words) },
      ]);
    }
  });

  it('rejects a vaccination mark on another kind', () => {
    const d = doc();
    (d.vaccinationMark as { match: { kind: string } }).match.kind = 'exposure';
    expect(rejects(d)[0]).toMatchObject({ code: 'fact_kind_not_allowed', path: '/vaccinationMark/match/kind' });
  });

  it('rejects a field the kind does not have, listing the fields it has', () => {
    const d = doc();
    d.rules[0] = rule({
      id: 'R1',
      match: { kind: 'test_result', where: { result: { eq: 'positive' }, residenceDistrict: { eq: 'X' } } },
    });
    expect(rejects(d)).toEqual([
      {
        code: 'unknown_field',
        path: '/rules/0/match/where/residenceDistrict',
        message: expect.stringContaining('fields are: method, result'),
      },
    ]);
    const m = doc();
    (m.vaccinationMark as { match: { where: Record<string, unknown> } }).match.where.nationality = { eq: 'X' };
    expect(rejects(m)[0]).toMatchObject({ code: 'unknown_field', path: '/vaccinationMark/match/where/nationality' });
  });

  it('rejects a condition value outside the field domain', () => {
    const d = doc();
    d.rules[1] = rule({ id: 'R2', match: { kind: 'exposure', where: { degree: { eq: 'neighbour' } } } });
    expect(rejects(d)[0]).toMatchObject({ code: 'invalid_condition', path: '/rules/1/match/where/degree' });
  });

  it('rejects duplicate and reserved rule ids', () => {
    const d = doc();
    d.rules[3] = { ...d.rules[3], id: 'Y1' };
    expect(rejects(d)).toEqual([
      { code: 'duplicate_rule_id', path: '/rules/3/id', message: 'rule id Y1 is already used at /rules/2/id' },
    ]);
    const r = doc();
    r.rules[0] = { ...r.rules[0], id: 'override' };
    expect(rejects(r).map((e) => e.code)).toEqual(['reserved_rule_id']);
    const m = doc();
    (m.vaccinationMark as { id: string }).id = 'R1';
    expect(rejects(m)).toEqual([expect.objectContaining({ code: 'duplicate_rule_id', path: '/vaccinationMark/id' })]);
  });

  it('rejects two rules that can match the same fact with different effects as contradictory', () => {
    const d = doc();
    d.rules.push(
      rule({
        id: 'X1',
        match: { kind: 'test_result', where: { result: { eq: 'positive' } } },
        color: 'yellow',
        periodDays: 7,
      }),
    );
    expect(rejects(d)).toEqual([
      {
        code: 'contradictory_rules',
        path: '/rules/6',
        message: expect.stringMatching(/R1 and X1 both match a test_result with method=pcr, result=positive/),
      },
    ]);
    expect(rejects(d)[0]?.message).toContain('red for 14 days');
    expect(rejects(d)[0]?.message).toContain('yellow for 7 days');
  });

  it('rejects rules that differ only in the release or the lookback window as contradictory', () => {
    const d = doc();
    d.rules.push({ ...d.rules[1], id: 'X1', match: { kind: 'exposure', where: { degree: { in: ['close'] } } } });
    expect(rejects(d)[0]).toMatchObject({ code: 'contradictory_rules', message: expect.stringContaining('R2 and X1') });
  });

  it('rejects two rules that match the same fact with the same effect as overlapping', () => {
    const d = doc();
    d.rules.push({
      ...d.rules[4],
      id: 'X1',
      match: { kind: 'symptom_report', where: { symptoms: { includesAny: ['cough'] } } },
    });
    expect(rejects(d)).toEqual([expect.objectContaining({ code: 'overlapping_rules', path: '/rules/6' })]);
  });

  it('accepts rules on the same kind whose conditions exclude each other', () => {
    const d = doc();
    d.rules.push(
      rule({
        id: 'A1',
        match: { kind: 'test_result', where: { method: { eq: 'antigen' }, result: { eq: 'positive' } } },
      }),
    );
    expect(validateRuleSet(d).ok).toBe(true);
  });

  it('rejects a rule that a negative test result could trigger', () => {
    for (const where of [{}, { result: { eq: 'negative' } }, { result: { in: ['positive', 'negative'] } }]) {
      const d = doc();
      d.rules[0] = rule({ id: 'R1', match: { kind: 'test_result', where } });
      expect(rejects(d).map((e) => e.code)).toContain('negative_result_trigger');
    }
  });

  it('rejects bad durations, literal or through a parameter', () => {
    for (const periodDays of [0, -3, 1.5, 366]) {
      const d = doc();
      d.rules[4] = { ...d.rules[4], periodDays };
      expect(rejects(d)).toEqual([expect.objectContaining({ code: 'bad_duration', path: '/rules/4/periodDays' })]);
    }
    const p = doc();
    p.parameters.yellowIsolationDays = 0;
    expect(rejects(p).map((e) => [e.code, e.path])).toEqual([
      ['bad_duration', '/rules/2/periodDays'],
      ['bad_duration', '/rules/3/periodDays'],
      ['bad_duration', '/rules/4/periodDays'],
      ['bad_duration', '/rules/5/periodDays'],
    ]);
    expect(rejects(p)[0]?.message).toBe(
      '0 (parameter yellowIsolationDays) is not a valid number of days: expected an integer from 1 to 365',
    );
    const w = doc();
    w.parameters.closeContactWithinDays = 2.5;
    expect(rejects(w)[0]).toMatchObject({ code: 'bad_duration', path: '/rules/1/match/withinDays' });
    const h = doc();
    (h.rules[0] as { release: { negativePcr: { minHoursApart: unknown } } }).release.negativePcr.minHoursApart = -1;
    expect(rejects(h)[0]).toMatchObject({ code: 'bad_duration', path: '/rules/0/release/negativePcr/minHoursApart' });
    const v = doc();
    (v.vaccinationMark as { validForDays: unknown }).validForDays = 0;
    expect(rejects(v)[0]).toMatchObject({ code: 'bad_duration', path: '/vaccinationMark/validForDays' });
  });

  it('rejects a bad number of release tests', () => {
    const d = doc();
    d.parameters.redReleaseNegativePcrCount = 0;
    expect(rejects(d).map((e) => [e.code, e.path])).toEqual([
      ['bad_count', '/rules/0/release/negativePcr/count'],
      ['bad_count', '/rules/1/release/negativePcr/count'],
    ]);
    const l = doc();
    (l.rules[0] as { release: { negativePcr: { count: unknown } } }).release.negativePcr.count = 11;
    expect(rejects(l)[0]).toMatchObject({ code: 'bad_count', path: '/rules/0/release/negativePcr/count' });
  });

  it('rejects a reference to a parameter that does not exist or is not a number', () => {
    const d = doc();
    d.rules[4] = { ...d.rules[4], periodDays: { param: 'yelowIsolationDays' } };
    expect(rejects(d)).toEqual([
      {
        code: 'unknown_parameter',
        path: '/rules/4/periodDays/param',
        message: expect.stringMatching(
          /^unknown parameter yelowIsolationDays; defined parameters: .*yellowIsolationDays/,
        ),
      },
    ]);
    const n = doc();
    n.rules[4] = { ...n.rules[4], periodDays: { param: 'closeContactMinutesByPlaceCategory' } };
    expect(rejects(n)[0]?.message).toBe('parameter closeContactMinutesByPlaceCategory is not a number');
  });

  it('rejects explanation placeholders the kind does not provide', () => {
    const d = doc();
    d.rules[0] = { ...d.rules[0], explanation: { 'zh-CN': '阳性', en: 'positive at {workplace}' } };
    expect(rejects(d)).toEqual([
      {
        code: 'unknown_placeholder',
        path: '/rules/0/explanation/en',
        message: expect.stringContaining('unknown placeholder {workplace} for test_result'),
      },
    ]);
  });

  it('rejects an unknown time zone and structural errors with their path', () => {
    expect(rejects({ ...doc(), timeZone: 'Mars/Olympus' })).toEqual([
      expect.objectContaining({ code: 'bad_time_zone', path: '/timeZone' }),
    ]);
    const errs = rejects({ ...doc(), version: 0, title: { en: 'x' }, surveillanceLevel: 3 });
    expect(errs.map((e) => [e.code, e.path])).toEqual(
      expect.arrayContaining([
        ['schema', '/version'],
        ['schema', '/title/zh-CN'],
        ['schema', '/'],
      ]),
    );
    expect(rejects('not a document')).toEqual([expect.objectContaining({ code: 'schema' })]);
  });

  it('parseRuleSet throws every error at once', () => {
    const d = doc();
    d.rules[0] = { ...d.rules[0], id: 'Y1' };
    d.timeZone = 'Nowhere';
    expect(() => parseRuleSet(d)).toThrow(RuleSetValidationError);
    try {
      parseRuleSet(d);
    } catch (e) {
      expect((e as RuleSetValidationError).errors.map((x) => x.code).sort()).toEqual([
        'bad_time_zone',
        'duplicate_rule_id',
      ]);
    }
    expect(parseRuleSet(doc() as unknown as RuleSet).rules).toHaveLength(6);
  });
});
