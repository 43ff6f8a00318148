import { describe, expect, it } from 'vitest';
import { SEED_CATEGORY_TREE } from './category-seed.ts';
import { indexCategories, parseCategoryTree } from './categories.ts';
import { SLA_PHASES } from './stages.ts';

const clone = () => structuredClone(SEED_CATEGORY_TREE);

describe('seeded category tree', () => {
  it('passes its own schema', () => {
    const r = parseCategoryTree(SEED_CATEGORY_TREE);
    expect(r.ok ? [] : r.issues).toEqual([]);
  });

  it('has the six standard event classes and public health, each with 3–6 subcategories', () => {
    expect(SEED_CATEGORY_TREE.majors.map((m) => [m.code, m.name['zh-CN']])).toEqual([
      ['01', '市容环境'],
      ['02', '宣传广告'],
      ['03', '施工管理'],
      ['04', '街面秩序'],
      ['05', '突发事件'],
      ['06', '其他事件'],
      ['07', '公共卫生'],
    ]);
    for (const major of SEED_CATEGORY_TREE.majors) {
      expect(major.minors.length).toBeGreaterThanOrEqual(3);
      expect(major.minors.length).toBeLessThanOrEqual(6);
    }
  });

  it('times emergencies and public health around the clock in every phase', () => {
    for (const major of SEED_CATEGORY_TREE.majors.filter((m) => m.code === '05' || m.code === '07'))
      for (const minor of major.minors)
        for (const phase of SLA_PHASES)
          expect(`${minor.code} ${phase} ${minor.limits[phase].calendar}`).toBe(`${minor.code} ${phase} urgent`);
  });

  it('covers quarantine needs, supplies and medical help', () => {
    const index = indexCategories(SEED_CATEGORY_TREE);
    expect(index.get('0701')?.name.en).toBe('Quarantine household needs');
    expect(index.get('0702')?.name.en).toBe('Shortage of supplies');
    expect(index.get('0703')).toMatchObject({
      name: { en: 'Medical help needed' },
      handler: { role: 'health_officer' },
    });
  });

  it('indexes minors with their major class and department names', () => {
    const index = indexCategories(SEED_CATEGORY_TREE);
    expect(index.size).toBe(SEED_CATEGORY_TREE.majors.reduce((n, m) => n + m.minors.length, 0));
    expect(index.get('0401')).toMatchObject({
      majorCode: '04',
      majorName: { 'zh-CN': '街面秩序', en: 'Street order' },
      departmentName: { en: 'Urban management enforcement' },
      limits: {
        handle: { amount: 3, unit: 'hours', calendar: 'urgent' },
        verify: { amount: 1.5, calendar: 'working' },
      },
    });
  });
});

describe('parseCategoryTree errors name the category and the field', () => {
  it('reports a bad time limit', () => {
    const tree = clone();
    tree.majors[0]!.minors[2]!.limits.handle.amount = -1;
    const r = parseCategoryTree(tree);
    expect(r.ok ? [] : r.issues).toEqual([
      {
        path: 'majors[0].minors[2].limits.handle.amount',
        code: '0103',
        message: 'category 0103, majors[0].minors[2].limits.handle.amount: a time limit must be positive',
      },
    ]);
  });

  it('reports codes that do not belong to their major class, duplicates and reserved codes', () => {
    const tree = clone();
    tree.majors[0]!.minors[1]!.code = '0201';
    tree.majors[0]!.minors[2]!.code = '0101';
    tree.majors[1]!.minors[0]!.code = '0200';
    const r = parseCategoryTree(tree);
    const messages = r.ok ? [] : r.issues.map((i) => i.message);
    expect(messages).toContain(
      'category 0201, majors[0].minors[1].code: category 0201 must start with its major class code 01',
    );
    expect(messages).toContain('category 0101, majors[0].minors[2].code: category 0101 is defined twice');
    expect(messages).toContain(
      'category 0200, majors[1].minors[0].code: minor code 0200 ends in 00, which is reserved for the major class',
    );
  });

  it('reports unknown departments, roles and malformed codes', () => {
    const tree = clone();
    tree.majors[2]!.minors[0]!.handler.department = 'noise_police';
    (tree.majors[2]!.minors[1]!.handler as { role: string }).role = 'district_officer';
    tree.majors[3]!.minors[0]!.code = '41';
    const r = parseCategoryTree(tree);
    const byPath = Object.fromEntries((r.ok ? [] : r.issues).map((i) => [i.path, i.message]));
    expect(byPath['majors[2].minors[0].handler.department']).toMatch(
      /^category 0301, .*: unknown department 'noise_police' \(known: sanitation, /,
    );
    expect(byPath['majors[2].minors[1].handler.role']).toBe(
      'category 0302, majors[2].minors[1].handler.role: the handler role must be one of grid_worker, health_officer',
    );
    const messages = r.ok ? [] : r.issues.map((x) => x.message);
    expect(messages).toContain(
      "category 41, majors[3].minors[0].code: a category code is 4 digits: major + minor, e.g. '0101'",
    );
    expect(messages).toContain(
      'category 41, majors[3].minors[0].code: category 41 must start with its major class code 04',
    );
  });

  it('reports list attributes without values and missing names', () => {
    const tree = clone();
    tree.majors[6]!.minors[0]!.attributes[0]!.values = [];
    tree.majors[5]!.minors[0]!.name.en = ' ';
    const r = parseCategoryTree(tree);
    const messages = r.ok ? [] : r.issues.map((i) => i.message);
    expect(messages).toEqual([
      'category 0601, majors[5].minors[0].name.en: the English text is empty',
      'category 0701, majors[6].minors[0].attributes[0].values: a multivaluelist needs at least one value',
    ]);
  });

  it('reports problems outside any category by path alone', () => {
    const r = parseCategoryTree({ version: 0, departments: [], majors: [] });
    expect(r.ok ? [] : r.issues.map((i) => i.message)).toEqual([
      'version: Too small: expected number to be >0',
      'departments: at least one department is needed',
      'majors: at least one major class is needed',
    ]);
  });
});
