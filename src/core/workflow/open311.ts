import type { EpochMs } from './calendar.ts';
import type { AttributeDatatype, CategoryIndex, IndexedCategory } from './categories.ts';
import type { IncidentState, RejectionKind } from './incident.ts';
import { isFinished } from './stages.ts';
import type { Lang, Stage } from './stages.ts';

/**
 * Open311 GeoReport v2 view of the workflow. The spec knows only `open` and `closed`; everything finer goes into
 * `status_notes`, as FixMyStreet does with its extended states. Field names follow the spec (snake_case) so the
 * HTTP layer can serialise these objects to JSON or XML unchanged.
 */

export type Open311Status = 'open' | 'closed';

export function open311Status(stage: Stage): Open311Status {
  return isFinished(stage) ? 'closed' : 'open';
}

const NOTES: Readonly<Record<Stage, Record<Lang, string>>> = {
  collected: { 'zh-CN': '已收到，等待受理。', en: 'Received and waiting to be reviewed.' },
  filed: { 'zh-CN': '已立案，等待派遣。', en: 'Accepted; waiting to be sent to the responsible team.' },
  dispatched: { 'zh-CN': '已派遣至处置部门。', en: 'Sent to the responsible team.' },
  handling: { 'zh-CN': '正在处置。', en: 'The responsible team is working on it.' },
  handled: { 'zh-CN': '处置部门已反馈，等待核查。', en: 'Reported fixed; waiting for an independent check.' },
  closed: { 'zh-CN': '经核查已结案。', en: 'Checked on site by an independent inspector and closed.' },
  evaluated: { 'zh-CN': '已结案并完成评价。', en: 'Closed and evaluated.' },
  rejected: { 'zh-CN': '不予立案。', en: 'Not accepted as a case.' },
  returned: { 'zh-CN': '原部门退回，正在重新派遣。', en: 'Being passed to a different team.' },
  parked: {
    'zh-CN': '无法在时限内完成，已列入挂账问题清单。',
    en: 'Cannot be done within the time limit; it is on the list of scheduled work.',
  },
};

const REJECTION_NOTES: Readonly<Record<RejectionKind, Record<Lang, string>>> = {
  duplicate: { 'zh-CN': '与已有问题重复', en: 'Duplicate of an existing report' },
  unverified: { 'zh-CN': '现场核实未发现问题', en: 'No problem was found on site' },
  out_of_scope: { 'zh-CN': '不属于城市管理事项', en: 'Not a matter this service handles' },
  other: { 'zh-CN': '', en: '' },
};

export interface StatusNoteDetail {
  rejection?: RejectionKind | null;
  duplicateOf?: string | null;
  /** Text an officer chose to publish (e.g. the parking explanation). Internal reasons are never added here. */
  publicNote?: string | null;
}

/** `status_notes` for a stage, in the reader's language. */
export function open311StatusNotes(stage: Stage, lang: Lang, detail: StatusNoteDetail = {}): string {
  const parts = [NOTES[stage][lang]];
  if (stage === 'rejected' && detail.rejection) {
    const why = REJECTION_NOTES[detail.rejection][lang];
    if (why)
      parts.push(
        detail.duplicateOf
          ? `${why}: ${detail.duplicateOf}${lang === 'en' ? '.' : '。'}`
          : `${why}${lang === 'en' ? '.' : '。'}`,
      );
  }
  const note = detail.publicNote?.trim();
  if (note) parts.push(note);
  return parts.join(lang === 'en' ? ' ' : '');
}

/** `expected_datetime`: when the handling limit runs out, while one runs. */
export function open311ExpectedDatetime(state: IncidentState): EpochMs | null {
  return state.sla?.phase === 'handle' ? state.sla.dueAt : null;
}

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime' | 'batch' | 'blackbox';
  keywords: string;
  group: string;
}

export interface Open311AttributeValue {
  key: string;
  name: string;
}

export interface Open311Attribute {
  variable: boolean;
  code: string;
  datatype: AttributeDatatype;
  required: boolean;
  datatype_description: string | null;
  order: number;
  description: string;
  values: Open311AttributeValue[];
}

export interface Open311ServiceDefinition {
  service_code: string;
  attributes: Open311Attribute[];
}

/** The category as an Open311 service: its code, its name, and its major class as the group. */
export function open311Service(category: IndexedCategory, lang: Lang): Open311Service {
  return {
    service_code: category.code,
    service_name: category.name[lang],
    description: category.description[lang],
    metadata: category.attributes.length > 0,
    type: 'realtime',
    keywords: category.keywords.join(', '),
    group: category.majorName[lang],
  };
}

/** Every active category, in code order (the `services` list). */
export function open311Services(categories: CategoryIndex, lang: Lang): Open311Service[] {
  return [...categories.values()]
    .filter((c) => c.active)
    .sort((a, b) => (a.code < b.code ? -1 : 1))
    .map((c) => open311Service(c, lang));
}

const DATATYPE_HINTS: Partial<Record<AttributeDatatype, Record<Lang, string>>> = {
  number: { 'zh-CN': '请输入数字', en: 'A number' },
  datetime: { 'zh-CN': 'ISO 8601 日期时间', en: 'An ISO 8601 date and time' },
  multivaluelist: { 'zh-CN': '可多选', en: 'Choose one or more' },
  singlevaluelist: { 'zh-CN': '请选择一项', en: 'Choose one' },
};

/** The `services/{code}` definition: the category's extra questions as Open311 attributes. */
export function open311ServiceDefinition(category: IndexedCategory, lang: Lang): Open311ServiceDefinition {
  return {
    service_code: category.code,
    attributes: category.attributes.map((a, i) => ({
      variable: true,
      code: a.code,
      datatype: a.datatype,
      required: a.required,
      datatype_description: DATATYPE_HINTS[a.datatype]?.[lang] ?? null,
      order: i + 1,
      description: a.label[lang],
      values: a.values.map((v) => ({ key: v.key, name: v.name[lang] })),
    })),
  };
}

export interface AttributeProblem {
  code: string;
  message: string;
}

const ISO_DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Checks the `attribute[code]=value` fields of a POST against the category's definition. Returns every problem,
 * each naming the attribute, so a client can fix them all at once; an empty list means the answers are valid.
 */
export function checkOpen311Attributes(
  category: IndexedCategory,
  answers: Readonly<Record<string, string | readonly string[]>>,
): AttributeProblem[] {
  const problems: AttributeProblem[] = [];
  const known = new Map(category.attributes.map((a) => [a.code, a]));
  for (const code of Object.keys(answers))
    if (!known.has(code)) problems.push({ code, message: `service ${category.code} has no attribute '${code}'` });
  for (const a of category.attributes) {
    const raw = answers[a.code];
    const values = (raw === undefined ? [] : typeof raw === 'string' ? [raw] : [...raw])
      .map((v) => v.trim())
      .filter((v) => v !== '');
    if (values.length === 0) {
      if (a.required) problems.push({ code: a.code, message: `attribute '${a.code}' (${a.label.en}) is required` });
      continue;
    }
    if (a.datatype !== 'multivaluelist' && values.length > 1)
      problems.push({ code: a.code, message: `attribute '${a.code}' takes one value, got ${values.length}` });
    for (const v of values) {
      if (a.datatype === 'number' && !Number.isFinite(Number(v)))
        problems.push({ code: a.code, message: `attribute '${a.code}' must be a number, got '${v}'` });
      if (a.datatype === 'datetime' && (!ISO_DATETIME_RE.test(v) || Number.isNaN(Date.parse(v))))
        problems.push({
          code: a.code,
          message: `attribute '${a.code}' must be an ISO 8601 date-time with a zone, got '${v}'`,
        });
      if ((a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist') && !a.values.some((x) => x.key === v))
        problems.push({
          code: a.code,
          message: `'${v}' is not a value of attribute '${a.code}' (allowed: ${a.values.map((x) => x.key).join(', ')})`,
        });
    }
  }
  return problems;
}
