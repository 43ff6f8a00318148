import { z } from 'zod';
import type { StaffRole } from '../policy/roles.ts';
import { timeLimitSchema } from './deadlines.ts';
import type { Localized } from './stages.ts';

/**
 * The two-level incident category tree (GB/T 30428.2 style: 2-digit major class + 2-digit minor class, e.g.
 * '0101'). Administrators edit it as data; every definition passes `parseCategoryTree`, whose errors name the
 * category and the field. Each minor category carries a time limit for every phase and the department and role
 * that handle it.
 */

/** Roles an incident may be dispatched to. Officers dispatch and verify; they do not handle, so verification stays independent. */
export const HANDLER_ROLES = ['grid_worker', 'health_officer'] as const satisfies readonly StaffRole[];
export type HandlerRole = (typeof HANDLER_ROLES)[number];

export const ATTRIBUTE_DATATYPES = [
  'string',
  'number',
  'datetime',
  'text',
  'singlevaluelist',
  'multivaluelist',
] as const;
export type AttributeDatatype = (typeof ATTRIBUTE_DATATYPES)[number];

const localizedSchema = z.object({
  'zh-CN': z.string().trim().min(1, 'the Chinese text is empty'),
  en: z.string().trim().min(1, 'the English text is empty'),
});

const attributeSchema = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'an attribute code is lower_snake_case, at most 40 characters'),
    datatype: z.enum(ATTRIBUTE_DATATYPES),
    required: z.boolean(),
    label: localizedSchema,
    values: z.array(z.object({ key: z.string().trim().min(1), name: localizedSchema })).default([]),
  })
  .superRefine((a, ctx) => {
    const isList = a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist';
    if (isList && a.values.length === 0)
      ctx.addIssue({ code: 'custom', path: ['values'], message: `a ${a.datatype} needs at least one value` });
    if (!isList && a.values.length > 0)
      ctx.addIssue({ code: 'custom', path: ['values'], message: `a ${a.datatype} attribute takes no list of values` });
    const seen = new Set<string>();
    a.values.forEach((v, i) => {
      if (seen.has(v.key))
        ctx.addIssue({ code: 'custom', path: ['values', i, 'key'], message: `value key '${v.key}' is repeated` });
      seen.add(v.key);
    });
  });

const minorSchema = z
  .object({
    code: z.string().regex(/^\d{4}$/, "a category code is 4 digits: major + minor, e.g. '0101'"),
    name: localizedSchema,
    description: localizedSchema,
    limits: z.object({
      file: timeLimitSchema,
      dispatch: timeLimitSchema,
      handle: timeLimitSchema,
      verify: timeLimitSchema,
    }),
    handler: z.object({
      department: z.string().min(1, 'a handling department is required'),
      role: z.enum(HANDLER_ROLES, `the handler role must be one of ${HANDLER_ROLES.join(', ')}`),
    }),
    keywords: z.array(z.string().trim().min(1)).default([]),
    attributes: z.array(attributeSchema).default([]),
    active: z.boolean().default(true),
  })
  .superRefine((c, ctx) => {
    if (c.code.endsWith('00'))
      ctx.addIssue({
        code: 'custom',
        path: ['code'],
        message: `minor code ${c.code} ends in 00, which is reserved for the major class`,
      });
    const seen = new Set<string>();
    c.attributes.forEach((a, i) => {
      if (seen.has(a.code))
        ctx.addIssue({
          code: 'custom',
          path: ['attributes', i, 'code'],
          message: `attribute '${a.code}' is defined twice`,
        });
      seen.add(a.code);
    });
  });

const majorSchema = z.object({
  code: z.string().regex(/^\d{2}$/, "a major class code is 2 digits, e.g. '01'"),
  name: localizedSchema,
  description: localizedSchema,
  minors: z.array(minorSchema).min(1, 'a major class needs at least one minor category'),
});

const departmentSchema = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a department code is lower_snake_case, at most 40 characters'),
  name: localizedSchema,
});

export const categoryTreeSchema = z
  .object({
    version: z.number().int().positive(),
    departments: z.array(departmentSchema).min(1, 'at least one department is needed'),
    majors: z.array(majorSchema).min(1, 'at least one major class is needed'),
  })
  // Cross-references are checked even when some fields are malformed, so one pass reports every problem.
  .superRefine((tree, ctx) => crossCheck(tree as unknown, ctx), { when: () => true });

type Ctx = Parameters<Parameters<z.ZodObject['superRefine']>[0]>[1];
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const field = (v: unknown, key: string): unknown =>
  v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
const codeOf = (v: unknown): string | null => {
  const c = field(v, 'code');
  return typeof c === 'string' ? c : null;
};

function crossCheck(tree: unknown, ctx: Ctx): void {
  const departments = new Set<string>();
  asArray(field(tree, 'departments')).forEach((d, i) => {
    const code = codeOf(d);
    if (code === null) return;
    if (departments.has(code))
      ctx.addIssue({
        code: 'custom',
        path: ['departments', i, 'code'],
        message: `department '${code}' is defined twice`,
      });
    departments.add(code);
  });
  const majors = new Set<string>();
  const minors = new Set<string>();
  asArray(field(tree, 'majors')).forEach((major, i) => {
    const majorCode = codeOf(major);
    if (majorCode !== null && majors.has(majorCode))
      ctx.addIssue({
        code: 'custom',
        path: ['majors', i, 'code'],
        message: `major class ${majorCode} is defined twice`,
      });
    if (majorCode !== null) majors.add(majorCode);
    asArray(field(major, 'minors')).forEach((minor, j) => {
      const at = ['majors', i, 'minors', j];
      const code = codeOf(minor);
      if (code !== null && majorCode !== null && !code.startsWith(majorCode))
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'code'],
          message: `category ${code} must start with its major class code ${majorCode}`,
        });
      if (code !== null && minors.has(code))
        ctx.addIssue({ code: 'custom', path: [...at, 'code'], message: `category ${code} is defined twice` });
      if (code !== null) minors.add(code);
      const department = field(field(minor, 'handler'), 'department');
      if (typeof department === 'string' && department !== '' && !departments.has(department))
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'handler', 'department'],
          message: `unknown department '${department}' (known: ${[...departments].join(', ')})`,
        });
    });
  });
}

export type CategoryTree = z.output<typeof categoryTreeSchema>;
export type MajorCategory = z.output<typeof majorSchema>;
export type CategoryDefinition = z.output<typeof minorSchema>;
export type CategoryAttribute = z.output<typeof attributeSchema>;
export type Department = z.output<typeof departmentSchema>;

export interface CategoryIssue {
  /** Field path, e.g. `majors[0].minors[2].limits.handle.amount`. */
  path: string;
  /** The category or major class concerned, when the path lies inside one. */
  code: string | null;
  message: string;
}

export type CategoryTreeResult = { ok: true; tree: CategoryTree } | { ok: false; issues: CategoryIssue[] };

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? String(seg) : `.${String(seg)}`;
  return out || '(root)';
}

function codeAt(input: unknown, path: readonly PropertyKey[]): string | null {
  if (path[0] !== 'majors' || typeof path[1] !== 'number') return null;
  const major = (input as { majors?: unknown[] })?.majors?.[path[1]] as
    { code?: unknown; minors?: unknown[] } | undefined;
  if (path[2] === 'minors' && typeof path[3] === 'number') {
    const minor = major?.minors?.[path[3]] as { code?: unknown } | undefined;
    return typeof minor?.code === 'string' ? minor.code : null;
  }
  return typeof major?.code === 'string' ? major.code : null;
}

/** Validates an administrator's category tree; every problem is reported with its path and category code. */
export function parseCategoryTree(input: unknown): CategoryTreeResult {
  const parsed = categoryTreeSchema.safeParse(input);
  if (parsed.success) return { ok: true, tree: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => {
      const code = codeAt(input, issue.path);
      const path = formatPath(issue.path);
      return {
        path,
        code,
        message: code ? `category ${code}, ${path}: ${issue.message}` : `${path}: ${issue.message}`,
      };
    }),
  };
}

export interface IndexedCategory extends CategoryDefinition {
  majorCode: string;
  majorName: Localized;
  departmentName: Localized;
}

export type CategoryIndex = ReadonlyMap<string, IndexedCategory>;

/** Minor categories by code, each with its major class and department names. */
export function indexCategories(tree: CategoryTree): CategoryIndex {
  const departments = new Map(tree.departments.map((d) => [d.code, d.name]));
  const index = new Map<string, IndexedCategory>();
  for (const major of tree.majors)
    for (const minor of major.minors)
      index.set(minor.code, {
        ...minor,
        majorCode: major.code,
        majorName: major.name,
        departmentName: departments.get(minor.handler.department) ?? {
          'zh-CN': minor.handler.department,
          en: minor.handler.department,
        },
      });
  return index;
}
