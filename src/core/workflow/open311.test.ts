import { describe, expect, it } from 'vitest';
import { SEED_CATEGORY_TREE } from './category-seed.ts';
import { indexCategories } from './categories.ts';
import {
  checkOpen311Attributes,
  open311ExpectedDatetime,
  open311Service,
  open311ServiceDefinition,
  open311Services,
  open311Status,
  open311StatusNotes,
} from './open311.ts';
import { STAGES } from './stages.ts';
import { drive, stepsTo, testConfig } from './test-fixtures.ts';

const categories = indexCategories(SEED_CATEGORY_TREE);

describe('status mapping', () => {
  it('maps finished stages to closed and everything else to open', () => {
    expect(Object.fromEntries(STAGES.map((s) => [s, open311Status(s)]))).toEqual({
      collected: 'open',
      filed: 'open',
      dispatched: 'open',
      handling: 'open',
      handled: 'open',
      closed: 'closed',
      evaluated: 'closed',
      rejected: 'closed',
      returned: 'open',
      parked: 'open',
    });
  });

  it('explains each stage in both languages', () => {
    for (const s of STAGES) {
      expect(open311StatusNotes(s, 'en')).toMatch(/\.$/);
      expect(open311StatusNotes(s, 'zh-CN')).toMatch(/。$/);
    }
    expect(open311StatusNotes('handled', 'en')).toBe('Reported fixed; waiting for an independent check.');
  });

  it('adds the rejection reason, the original of a duplicate and a published note', () => {
    expect(open311StatusNotes('rejected', 'en', { rejection: 'duplicate', duplicateOf: '20240304-0012' })).toBe(
      'Not accepted as a case. Duplicate of an existing report: 20240304-0012.',
    );
    expect(open311StatusNotes('rejected', 'zh-CN', { rejection: 'unverified' })).toBe('不予立案。现场核实未发现问题。');
    expect(open311StatusNotes('rejected', 'en', { rejection: 'other' })).toBe('Not accepted as a case.');
    expect(open311StatusNotes('parked', 'en', { publicNote: 'The kerb is rebuilt in April.' })).toBe(
      'Cannot be done within the time limit; it is on the list of scheduled work. The kerb is rebuilt in April.',
    );
  });

  it('gives the handling deadline as expected_datetime only while handling runs', () => {
    const config = testConfig();
    const { state: dispatched } = drive(config, {}, stepsTo('dispatched'));
    expect(open311ExpectedDatetime(dispatched)).toBe(dispatched.sla!.dueAt);
    const { state: filed } = drive(config, {}, stepsTo('filed'));
    expect(open311ExpectedDatetime(filed)).toBeNull();
  });
});

describe('services', () => {
  it('lists every active category as a realtime service grouped by major class', () => {
    const services = open311Services(categories, 'en');
    expect(services).toHaveLength(categories.size);
    expect(services.map((s) => s.service_code)).toEqual([...categories.keys()].sort());
    expect(services[0]).toEqual({
      service_code: '0101',
      service_name: 'Exposed garbage',
      description: 'Household waste left exposed on a street or in a public place',
      metadata: false,
      type: 'realtime',
      keywords: 'garbage, rubbish, litter, 垃圾',
      group: 'City appearance',
    });
    expect(open311Service(categories.get('0701')!, 'zh-CN')).toMatchObject({
      service_name: '隔离居民生活需求',
      group: '公共卫生',
      metadata: true,
    });
  });

  it('leaves retired categories out', () => {
    const retired = new Map(categories);
    retired.set('0101', { ...categories.get('0101')!, active: false });
    expect(open311Services(retired, 'en').map((s) => s.service_code)).not.toContain('0101');
  });

  it('describes the extra questions of a service', () => {
    const def = open311ServiceDefinition(categories.get('0701')!, 'en');
    expect(def.service_code).toBe('0701');
    expect(def.attributes).toHaveLength(2);
    expect(def.attributes[0]).toMatchObject({
      variable: true,
      code: 'needs',
      datatype: 'multivaluelist',
      required: true,
      datatype_description: 'Choose one or more',
      order: 1,
      description: 'What is needed',
    });
    expect(def.attributes[0]!.values[0]).toEqual({ key: 'food', name: 'Food' });
    expect(def.attributes[1]).toMatchObject({
      code: 'household_size',
      datatype: 'number',
      required: false,
      order: 2,
      values: [],
    });
  });
});

describe('attribute answers', () => {
  const needs = categories.get('0701')!;
  const medical = categories.get('0703')!;

  it('accepts valid answers', () => {
    expect(checkOpen311Attributes(needs, { needs: ['food', 'medicine'], household_size: '3' })).toEqual([]);
    expect(checkOpen311Attributes(medical, { care_type: 'dialysis' })).toEqual([]);
  });

  it('names every problem', () => {
    expect(
      checkOpen311Attributes(needs, { needs: ['food', 'caviar'], household_size: 'three', colour: 'red' }),
    ).toEqual([
      { code: 'colour', message: "service 0701 has no attribute 'colour'" },
      {
        code: 'needs',
        message: "'caviar' is not a value of attribute 'needs' (allowed: food, medicine, water, waste, other)",
      },
      { code: 'household_size', message: "attribute 'household_size' must be a number, got 'three'" },
    ]);
    expect(checkOpen311Attributes(medical, {})).toEqual([
      { code: 'care_type', message: "attribute 'care_type' (Care needed) is required" },
    ]);
    expect(checkOpen311Attributes(medical, { care_type: ['dialysis', 'maternity'] })).toEqual([
      { code: 'care_type', message: "attribute 'care_type' takes one value, got 2" },
    ]);
  });
});
