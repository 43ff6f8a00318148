import { describe, expect, it } from 'vitest';
import { defaultRuleSet } from './default-ruleset.ts';
import { evaluate, nextChangeAt, sameStatus, type Status } from './evaluate.ts';
import type { HealthFact } from './facts.ts';
import type { RuleSet } from './ruleset.ts';
import { antigen, arrival, exposure, isolationCompleted, override, pcr, symptoms, vaccination } from './testing.ts';

/** Day d (and hour h) of March 2022, UTC. */
const D = (d: number, h = 0): string => new Date(Date.UTC(2022, 2, d, h)).toISOString();
const at = (facts: HealthFact[], now: string, rs: RuleSet = defaultRuleSet): Status => evaluate(facts, rs, now);
const color = (facts: HealthFact[], now: string, rs: RuleSet = defaultRuleSet): string => at(facts, now, rs).color;

const positive = pcr('F1', 'positive', D(2, 10), D(3, 8));

describe('evaluate: no facts', () => {
  it('is green with nothing to explain', () => {
    const s = at([], D(1));
    expect(s).toMatchObject({ color: 'green', vaccinated: false, since: null, reasons: [], clears: null });
    expect(s.summary.en).toBe('Green: no health fact calls for isolation or quarantine.');
    expect(s).toMatchObject({ ruleSetId: 'default', ruleSetVersion: 1, evaluatedAt: '2022-03-01T00:00:00.000Z' });
  });
});

describe('R1: confirmed infection (positive PCR)', () => {
  it('is red from the result, explained in both languages', () => {
    const s = at([positive], D(5));
    expect(s.color).toBe('red');
    expect(s.since).toBe('2022-03-03T08:00:00.000Z');
    expect(s.reasons).toEqual([
      {
        ruleId: 'R1',
        effect: 'color',
        color: 'red',
        factIds: ['F1'],
        text: {
          en: 'Red since 3 Mar 2022 08:00 because a PCR test taken 2 Mar 2022 was positive (rule R1).',
          'zh-CN': '自2022年3月3日 08:00起为红码，因为2022年3月2日采样的核酸检测结果为阳性（规则R1）。',
        },
      },
    ]);
    expect(s.clears?.earliestAt).toBe('2022-03-17T08:00:00.000Z');
    expect(s.clears?.criteria.en).toBe(
      'Clears on 17 Mar 2022 08:00 at the earliest after 14 days and 2 negative PCR tests at least 24 h apart.',
    );
    expect(s.clears?.criteria['zh-CN']).toBe(
      '最早于2022年3月17日 08:00解除：需满14天，并有2次采样间隔至少24小时的核酸检测阴性结果。',
    );
    expect(s.clears?.remaining).toEqual([
      {
        ruleId: 'R1',
        triggerFactId: 'F1',
        periodEndsAt: '2022-03-17T08:00:00.000Z',
        periodServed: false,
        negativePcrRequired: 2,
        negativePcrRecorded: 0,
        minHoursApart: 24,
        isolationCompletedAccepted: false,
        isolationCompletedRecorded: false,
        earliestAt: '2022-03-17T08:00:00.000Z',
      },
    ]);
    expect(s.summary.en).toBe(`${s.reasons[0]?.text.en} ${s.clears?.criteria.en}`);
  });

  it('is green before the result exists and before it is recorded', () => {
    expect(color([positive], D(3, 7))).toBe('green');
    const late = { ...positive, recordedAt: D(4) };
    expect(color([late], D(3, 12))).toBe('green');
    // Once recorded, the status is placed on the facts' own time line.
    expect(at([late], D(4, 1)).since).toBe('2022-03-03T08:00:00.000Z');
  });

  it('is released by 2 negative PCR tests 24 h apart only after the 14 days', () => {
    const negs = [pcr('N1', 'negative', D(10), D(10, 6)), pcr('N2', 'negative', D(11), D(11, 6))];
    const facts = [positive, ...negs];
    expect(color(facts, D(17, 7))).toBe('red');
    const s = at(facts, D(17, 8));
    expect(s.color).toBe('green');
    expect(s.since).toBe('2022-03-17T08:00:00.000Z');
    expect(s.reasons).toEqual([
      expect.objectContaining({ ruleId: 'R1', effect: 'released', factIds: ['F1', 'N1', 'N2'] }),
    ]);
    expect(s.summary.en).toBe(
      'Green since 17 Mar 2022 08:00. Was red from 3 Mar 2022 08:00 to 17 Mar 2022 08:00 because a PCR test taken ' +
        '2 Mar 2022 was positive (rule R1); released after the 14-day period and negative PCR tests taken ' +
        '10 Mar 2022 and 11 Mar 2022.',
    );
  });

  it('with the tests done before the period ends, says the period is all that remains', () => {
    const facts = [positive, pcr('N1', 'negative', D(10), D(10, 6)), pcr('N2', 'negative', D(11), D(11, 6))];
    const s = at(facts, D(12));
    expect(s.color).toBe('red');
    expect(s.reasons[0]?.factIds).toEqual(['F1', 'N1', 'N2']);
    expect(s.clears?.criteria.en).toBe(
      'Clears on 17 Mar 2022 08:00, when the 14-day period ends; everything else required is recorded.',
    );
  });

  it('after the period, releases when the second negative result arrives', () => {
    const facts = [positive, pcr('N1', 'negative', D(18), D(18, 6)), pcr('N2', 'negative', D(19, 1), D(19, 9))];
    const served = at([positive, facts[1] as HealthFact], D(18, 12));
    expect(served.color).toBe('red');
    expect(served.clears?.criteria.en).toBe(
      'The 14-day period has been served; clears once 1 more negative PCR test, each at least 24 h after the ' +
        'previous one, is recorded.',
    );
    expect(served.clears?.remaining[0]).toMatchObject({ periodServed: true, negativePcrRecorded: 1 });
    expect(served.clears?.earliestAt).toBe('2022-03-19T00:00:00.000Z');
    expect(color(facts, D(19, 8))).toBe('red');
    expect(at(facts, D(19, 9)).since).toBe('2022-03-19T09:00:00.000Z');
  });

  it('does not count negatives less than 24 h apart, but any two far enough apart in the run', () => {
    const close = [positive, pcr('N1', 'negative', D(16)), pcr('N2', 'negative', D(16, 20))];
    expect(color(close, D(20))).toBe('red');
    const spaced = [...close, pcr('N3', 'negative', D(17, 1))];
    const s = at(spaced, D(20));
    expect(s.color).toBe('green');
    expect(s.reasons[0]?.factIds).toEqual(['F1', 'N1', 'N3']);
  });

  it('does not count negatives taken before the trigger, or antigen tests', () => {
    const before = [pcr('N0', 'negative', D(1)), pcr('N1', 'negative', D(2, 12)), positive];
    expect(color(before, D(25))).toBe('red');
    const antigens = [positive, antigen('A1', 'negative', D(18)), antigen('A2', 'negative', D(20))];
    expect(color(antigens, D(25))).toBe('red');
  });

  it('needs the negatives to be consecutive: a later positive breaks the run and is cited', () => {
    const facts = [
      positive,
      pcr('N1', 'negative', D(10)),
      pcr('X', 'positive', D(11), D(12), { method: 'pcr' }),
      pcr('N2', 'negative', D(18)),
    ];
    // X is a new R1 trigger too; it restarts 14 days from 12 Mar.
    const s = at(facts, D(27));
    expect(s.color).toBe('red');
    const r1 = s.reasons.find((r) => r.factIds[0] === 'F1');
    expect(r1?.factIds).toEqual(['F1', 'X', 'N2']);
    expect(color([...facts, pcr('N3', 'negative', D(25))], D(27))).toBe('green');
  });

  it('keeps a new 14 days for a second positive', () => {
    const facts = [positive, pcr('F2', 'positive', D(9), D(10))];
    const s = at(facts, D(18));
    expect(s.reasons.map((r) => r.factIds[0])).toEqual(['F1', 'F2']);
    expect(s.clears?.earliestAt).toBe('2022-03-24T00:00:00.000Z');
  });

  it('is not triggered by a positive antigen test in the default rules', () => {
    expect(color([antigen('A', 'positive', D(2))], D(3))).toBe('green');
  });
});

describe('R2: close contact within 14 days', () => {
  it('is red from the last contact for 14 days, then needs 2 negatives', () => {
    const e = exposure('E1', 'close', D(5, 19), D(6, 9));
    const s = at([e], D(7));
    expect(s).toMatchObject({ color: 'red', since: '2022-03-05T19:00:00.000Z' });
    expect(s.reasons[0]?.text.en).toBe(
      'Red since 5 Mar 2022 19:00 because you were a close contact of a case (last contact 5 Mar 2022 19:00) (rule R2).',
    );
    expect(s.clears?.earliestAt).toBe('2022-03-19T19:00:00.000Z');
    expect(color([e], D(25))).toBe('red');
    const released = [e, pcr('N1', 'negative', D(17)), pcr('N2', 'negative', D(18))];
    expect(color(released, D(19, 18))).toBe('red');
    expect(color(released, D(19, 19))).toBe('green');
  });

  it('does not count negatives taken before the last contact', () => {
    const before = [pcr('N1', 'negative', D(2)), pcr('N2', 'negative', D(3, 1)), exposure('E1', 'close', D(4))];
    expect(color(before, D(25))).toBe('red');
    expect(color([...before, pcr('N3', 'negative', D(19))], D(25))).toBe('red');
    expect(color([...before, pcr('N3', 'negative', D(19)), pcr('N4', 'negative', D(20))], D(25))).toBe('green');
  });

  it('is not triggered by a contact recorded more than 14 days after it happened', () => {
    expect(color([exposure('E1', 'close', D(1), D(15))], D(16))).toBe('red');
    expect(color([exposure('E1', 'close', D(1), D(15, 1))], D(16))).toBe('green');
  });
});

describe('yellow rules: 7 days and 1 negative PCR', () => {
  const cases: [string, HealthFact][] = [
    ['Y1', exposure('T', 'secondary', D(4))],
    ['Y2', exposure('T', 'risk_place', D(4))],
    ['Y3', symptoms('T', D(4), ['fever', 'cough'])],
    ['Y4', arrival('T', D(4))],
  ];
  for (const [ruleId, trigger] of cases) {
    it(`${ruleId} (${trigger.kind}) is yellow for 7 days, then released by one negative PCR`, () => {
      const s = at([trigger], D(5));
      expect(s).toMatchObject({ color: 'yellow', since: trigger.occurredAt });
      expect(s.reasons).toEqual([expect.objectContaining({ ruleId, factIds: ['T'], effect: 'color' })]);
      expect(s.clears?.earliestAt).toBe('2022-03-11T00:00:00.000Z');
      expect(color([trigger], D(12))).toBe('yellow');
      const early = [trigger, pcr('N', 'negative', D(5), D(5, 4))];
      expect(color(early, D(10, 23))).toBe('yellow');
      expect(at(early, D(11))).toMatchObject({ color: 'green', since: '2022-03-11T00:00:00.000Z' });
      const late = [trigger, pcr('N', 'negative', D(13), D(13, 4))];
      expect(color(late, D(13, 3))).toBe('yellow');
      expect(color(late, D(13, 4))).toBe('green');
    });
  }

  it('writes the symptoms and dates into the explanation', () => {
    const s = at([symptoms('S', D(4, 9), ['fever', 'loss_of_taste_or_smell'])], D(5));
    expect(s.reasons[0]?.text).toEqual({
      en: 'Yellow since 4 Mar 2022 09:00 because you reported symptoms (fever, loss of taste or smell) on 4 Mar 2022 (rule Y3).',
      'zh-CN': '自2022年3月4日 09:00起为黄码，因为您于2022年3月4日报告了症状（发热、味觉或嗅觉减退）（规则Y3）。',
    });
    expect(s.clears?.criteria.en).toBe(
      'Clears on 11 Mar 2022 09:00 at the earliest after 7 days and 1 negative PCR test.',
    );
  });
});

describe('several rules at once', () => {
  it('shows the reddest color, cites every rule in force, and clears when all are released', () => {
    const facts = [symptoms('S', D(1)), positive];
    const s = at(facts, D(5));
    expect(s.color).toBe('red');
    expect(s.since).toBe('2022-03-03T08:00:00.000Z');
    expect(s.reasons.map((r) => [r.ruleId, r.color])).toEqual([
      ['R1', 'red'],
      ['Y3', 'yellow'],
    ]);
    expect(s.clears?.earliestAt).toBe('2022-03-17T08:00:00.000Z');
    expect(s.clears?.criteria.en).toMatch(/^Green on 17 Mar 2022 08:00 at the earliest\. Rule R1: .* Rule Y3: /);
  });

  it('when red is released while yellow continues, is yellow since the release', () => {
    const facts = [
      positive,
      pcr('N1', 'negative', D(10)),
      pcr('N2', 'negative', D(11)),
      arrival('A', D(16)),
      pcr('N3', 'positive', D(15, 1), D(15, 2), { method: 'antigen' }),
    ];
    const s = at(facts, D(18));
    expect(s).toMatchObject({ color: 'yellow', since: '2022-03-17T08:00:00.000Z' });
    expect(s.reasons.map((r) => [r.ruleId, r.effect])).toEqual([
      ['Y4', 'color'],
      ['R1', 'released'],
    ]);
  });
});

describe('vaccination mark', () => {
  it('shows full vaccination, citing the fact, independently of the color', () => {
    const s = at([vaccination('V', D(1)), positive], D(5));
    expect(s).toMatchObject({ color: 'red', vaccinated: true });
    expect(s.reasons.at(-1)).toEqual({
      ruleId: 'V1',
      effect: 'mark',
      color: null,
      factIds: ['V'],
      text: {
        en: 'Vaccination mark: full vaccination completed 1 Mar 2022 (2 doses) (rule V1).',
        'zh-CN': '接种标识：已于2022年3月1日完成全程接种（2剂）（规则V1）。',
      },
    });
  });

  it('is not shown for an incomplete course, nor before it was recorded', () => {
    expect(at([vaccination('V', D(1), false, 1)], D(5)).vaccinated).toBe(false);
    expect(at([{ ...vaccination('V', D(1)), recordedAt: D(6) }], D(5)).vaccinated).toBe(false);
  });

  it('lapses after validForDays when the rule set says so', () => {
    const rs: RuleSet = {
      ...defaultRuleSet,
      vaccinationMark: { ...defaultRuleSet.vaccinationMark!, validForDays: 10 },
    };
    expect(at([vaccination('V', D(1))], D(10, 23), rs).vaccinated).toBe(true);
    expect(at([vaccination('V', D(1))], D(11), rs).vaccinated).toBe(false);
    expect(nextChangeAt([vaccination('V', D(1))], rs, D(2))).toBe('2022-03-11T00:00:00.000Z');
  });
});

describe('release paths configured in a rule set', () => {
  const withRelease = (release: RuleSet['rules'][number]['release']): RuleSet => ({
    ...defaultRuleSet,
    rules: defaultRuleSet.rules.map((r) => (r.id === 'R1' ? { ...r, release } : r)),
  });

  it('isolation_completed stands in for the tests when accepted, never for the period', () => {
    const rs = withRelease({ ...defaultRuleSet.rules[0]!.release, acceptIsolationCompleted: true });
    const facts = [positive, isolationCompleted('I', D(12))];
    expect(color(facts, D(17, 7), rs)).toBe('red');
    expect(at(facts, D(15), rs).clears?.criteria.en).toBe(
      'Clears on 17 Mar 2022 08:00, when the 14-day period ends; everything else required is recorded.',
    );
    const s = at(facts, D(17, 8), rs);
    expect(s.color).toBe('green');
    expect(s.reasons[0]).toMatchObject({ effect: 'released', factIds: ['F1', 'I'] });
    expect(s.reasons[0]?.text.en).toContain('a record that isolation was completed on 12 Mar 2022');
    // The default rules do not accept it.
    expect(color(facts, D(20))).toBe('red');
    // A record from before the trigger does not count.
    expect(color([isolationCompleted('I', D(1)), positive], D(20), rs)).toBe('red');
  });

  it('a rule without test requirements is released by the period alone', () => {
    const rs = withRelease({ negativePcr: null, acceptIsolationCompleted: false });
    expect(at([positive], D(16), rs).clears?.criteria.en).toBe(
      'Clears on 17 Mar 2022 08:00, when the 14-day period ends.',
    );
    expect(color([positive], D(17, 7), rs)).toBe('red');
    const s = at([positive], D(17, 8), rs);
    expect(s.color).toBe('green');
    expect(s.reasons[0]?.text.en).toContain('released after the 14-day period.');
  });
});

describe('overrides', () => {
  const lift = override('O1', 'green', D(4), D(8));

  it('apply with the override cited, until they expire', () => {
    const s = at([positive, lift], D(5));
    expect(s).toMatchObject({ color: 'green', since: '2022-03-04T00:00:00.000Z', clears: null });
    expect(s.reasons).toEqual([
      {
        ruleId: 'override',
        effect: 'override',
        color: 'green',
        factIds: ['O1'],
        text: {
          en:
            'Green since 4 Mar 2022 00:00 by a two-person override until 8 Mar 2022 00:00 ' +
            '(reason: laboratory error: "specimen mix-up confirmed by the lab").',
          'zh-CN':
            '自2022年3月4日 00:00起经双人审批更正为绿码，有效至2022年3月8日 00:00（原因：实验室差错：“specimen mix-up confirmed by the lab”）。',
        },
      },
    ]);
    const after = at([positive, lift], D(8));
    expect(after).toMatchObject({ color: 'red', since: '2022-03-03T08:00:00.000Z' });
    expect(nextChangeAt([positive, lift], defaultRuleSet, D(5))).toBe('2022-03-08T00:00:00.000Z');
  });

  it('a red override says when it ends', () => {
    const s = at([override('O', 'red', D(4), D(6))], D(5));
    expect(s).toMatchObject({ color: 'red', clears: { earliestAt: '2022-03-06T00:00:00.000Z', remaining: [] } });
    expect(s.clears?.criteria.en).toBe(
      'The override ends on 6 Mar 2022 00:00; the status is then computed from the rules again.',
    );
  });

  it('the most recent override in force wins; an expired later one gives way to an earlier one', () => {
    const facts = [override('O1', 'yellow', D(1), D(20)), override('O2', 'green', D(4), D(6))];
    expect(at(facts, D(5)).reasons[0]?.factIds).toEqual(['O2']);
    expect(at(facts, D(7))).toMatchObject({ color: 'yellow', reasons: [expect.objectContaining({ factIds: ['O1'] })] });
  });

  it("'clear' withdraws earlier overrides and the status says so", () => {
    const facts = [positive, lift, override('C', 'clear', D(5))];
    const s = at(facts, D(6));
    expect(s.color).toBe('red');
    expect(s.reasons.map((r) => [r.effect, r.factIds])).toEqual([
      ['color', ['F1']],
      ['override_withdrawn', ['O1', 'C']],
    ]);
    expect(s.reasons[1]?.text.en).toBe(
      'An override to green made on 4 Mar 2022 00:00 was withdrawn on 5 Mar 2022 00:00.',
    );
    // An override made after the clear is in force.
    expect(color([...facts, override('O3', 'green', D(5, 1), D(9))], D(6))).toBe('green');
  });
});

describe('explanations', () => {
  it('are written in the rule set time zone, or the one passed in', () => {
    const sh: RuleSet = { ...defaultRuleSet, timeZone: 'Asia/Shanghai' };
    expect(at([positive], D(5), sh).reasons[0]?.text.en).toBe(
      'Red since 3 Mar 2022 16:00 because a PCR test taken 2 Mar 2022 was positive (rule R1).',
    );
    expect(evaluate([positive], defaultRuleSet, D(5), { timeZone: 'America/New_York' }).reasons[0]?.text.en).toContain(
      'since 3 Mar 2022 03:00',
    );
  });
});

describe('input checks', () => {
  it('refuses an invalid rule set, facts of two people and duplicate fact ids', () => {
    expect(() =>
      evaluate([], { ...defaultRuleSet, rules: [defaultRuleSet.rules[0]!, defaultRuleSet.rules[0]!] }, D(1)),
    ).toThrow(/duplicate_rule_id|already used/);
    expect(() => evaluate([positive, { ...symptoms('S', D(1)), personId: 'P2' }], defaultRuleSet, D(5))).toThrow(
      /different people/,
    );
    expect(() => evaluate([positive, positive], defaultRuleSet, D(5))).toThrow(/duplicate fact id/);
    expect(() => evaluate([], defaultRuleSet, 'yesterday')).toThrow(RangeError);
  });

  it('accepts now as ISO text, epoch ms or Date', () => {
    const iso = at([positive], D(5));
    expect(sameStatus(iso, evaluate([positive], defaultRuleSet, Date.parse(D(5))))).toBe(true);
    expect(sameStatus(iso, evaluate([positive], defaultRuleSet, new Date(D(5))))).toBe(true);
    expect(sameStatus(iso, at([positive], D(6)))).toBe(true);
    expect(sameStatus(iso, at([positive, symptoms('S', D(4))], D(5)))).toBe(false);
  });
});

describe('nextChangeAt', () => {
  it('is null when nothing will change without new facts', () => {
    expect(nextChangeAt([], defaultRuleSet, D(1))).toBeNull();
    expect(nextChangeAt([positive], defaultRuleSet, D(20))).toBeNull();
  });

  it('is the end of the period when it changes the status', () => {
    expect(nextChangeAt([positive], defaultRuleSet, D(5))).toBe('2022-03-17T08:00:00.000Z');
    const done = [symptoms('S', D(4)), pcr('N', 'negative', D(5))];
    expect(nextChangeAt(done, defaultRuleSet, D(6))).toBe('2022-03-11T00:00:00.000Z');
  });

  it('includes facts that take effect later', () => {
    expect(nextChangeAt([{ ...positive, recordedAt: D(9) }], defaultRuleSet, D(5))).toBe('2022-03-09T00:00:00.000Z');
  });
});
