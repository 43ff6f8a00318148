import { describe, expect, it } from 'vitest';
import { defaultRuleSet } from './default-ruleset.ts';
import { checkPublication, selectRuleSet } from './publication.ts';
import type { RuleSet } from './ruleset.ts';

const v = (version: number, effectiveFrom: string, jurisdiction = 'default', id = 'default'): RuleSet => ({
  ...defaultRuleSet,
  id,
  version,
  effectiveFrom,
  jurisdiction,
});

describe('checkPublication', () => {
  const published = [v(1, '2022-01-01T00:00:00Z'), v(2, '2022-02-01T00:00:00Z')];

  it('accepts a next version that takes effect from now on', () => {
    expect(checkPublication(v(3, '2022-03-01T00:00:00Z'), published, '2022-02-15T00:00:00Z')).toEqual([]);
    expect(
      checkPublication(v(1, '2022-03-01T00:00:00Z', 'city-b', 'city-b'), published, '2022-03-01T00:00:00Z'),
    ).toEqual([]);
  });

  it('rejects a version that does not go up', () => {
    expect(checkPublication(v(2, '2022-03-01T00:00:00Z'), published, '2022-02-15T00:00:00Z')).toEqual([
      expect.objectContaining({ code: 'version_not_increasing', path: '/version' }),
    ]);
  });

  it('rejects retroactive rules', () => {
    expect(checkPublication(v(3, '2022-02-10T00:00:00Z'), published, '2022-02-15T00:00:00Z')).toEqual([
      expect.objectContaining({ code: 'effective_in_past', path: '/effectiveFrom' }),
    ]);
  });

  it('rejects a version taking effect before an earlier one', () => {
    const later = [v(1, '2022-05-01T00:00:00Z')];
    expect(checkPublication(v(2, '2022-04-01T00:00:00Z'), later, '2022-03-01T00:00:00Z')).toEqual([
      expect.objectContaining({ code: 'effective_before_previous', message: expect.stringContaining('version 1') }),
    ]);
  });
});

describe('selectRuleSet', () => {
  const sets = [
    v(1, '2022-01-01T00:00:00Z'),
    v(2, '2022-02-01T00:00:00Z'),
    v(3, '2022-02-01T00:00:00Z'),
    v(1, '2022-01-15T00:00:00Z', 'city-b', 'city-b'),
  ];

  it('picks the latest effective version for the jurisdiction', () => {
    expect(selectRuleSet(sets, 'default', '2021-12-31T23:59:59Z')).toBeNull();
    expect(selectRuleSet(sets, 'default', '2022-01-20T00:00:00Z')?.version).toBe(1);
    expect(selectRuleSet(sets, 'default', '2022-02-01T00:00:00Z')?.version).toBe(3);
    expect(selectRuleSet(sets, 'city-b', '2022-03-01T00:00:00Z')?.id).toBe('city-b');
    expect(selectRuleSet(sets, 'city-c', '2022-03-01T00:00:00Z')).toBeNull();
  });
});
