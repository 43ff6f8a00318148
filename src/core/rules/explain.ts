import type { HealthFact, OverrideFact } from './facts.ts';
import type { Color, Lang, Localized } from './ruleset.ts';
import { formatDate, formatDateTime } from './time.ts';

/*
 * Every sentence a resident reads about their status is built here, in both languages, from fixed phrases and the
 * rule set's templates. Nothing depends on the process locale or on the current time beyond what is passed in.
 */

type Labels = Record<string, Localized>;

const COLOR: Record<Color, Localized> = {
  green: { 'zh-CN': '绿码', en: 'green' },
  yellow: { 'zh-CN': '黄码', en: 'yellow' },
  red: { 'zh-CN': '红码', en: 'red' },
};
const METHOD: Labels = { pcr: { 'zh-CN': '核酸', en: 'PCR' }, antigen: { 'zh-CN': '抗原', en: 'antigen' } };
const DEGREE: Labels = {
  close: { 'zh-CN': '密切接触', en: 'close contact' },
  secondary: { 'zh-CN': '次密切接触', en: 'secondary contact' },
  risk_place: { 'zh-CN': '风险场所到访', en: 'risk-place visit' },
};
const SYMPTOM: Labels = {
  fever: { 'zh-CN': '发热', en: 'fever' },
  cough: { 'zh-CN': '咳嗽', en: 'cough' },
  sore_throat: { 'zh-CN': '咽痛', en: 'sore throat' },
  shortness_of_breath: { 'zh-CN': '气促', en: 'shortness of breath' },
  loss_of_taste_or_smell: { 'zh-CN': '味觉或嗅觉减退', en: 'loss of taste or smell' },
  fatigue: { 'zh-CN': '乏力', en: 'fatigue' },
  muscle_aches: { 'zh-CN': '肌肉酸痛', en: 'muscle aches' },
  headache: { 'zh-CN': '头痛', en: 'headache' },
  runny_nose: { 'zh-CN': '流涕', en: 'runny nose' },
  diarrhea: { 'zh-CN': '腹泻', en: 'diarrhoea' },
  other: { 'zh-CN': '其他症状', en: 'other symptoms' },
};
const AREA: Labels = {
  place: { 'zh-CN': '场所', en: 'place' },
  grid: { 'zh-CN': '网格', en: 'grid' },
  jurisdiction: { 'zh-CN': '地区', en: 'area' },
};
const OVERRIDE_REASON: Labels = {
  data_entry_error: { 'zh-CN': '录入错误', en: 'data entry error' },
  lab_error: { 'zh-CN': '实验室差错', en: 'laboratory error' },
  identity_mismatch: { 'zh-CN': '身份匹配错误', en: 'identity mismatch' },
  clinical_assessment: { 'zh-CN': '临床评估', en: 'clinical assessment' },
  unverifiable_foreign_record: { 'zh-CN': '无法核实的外地记录', en: 'unverifiable foreign record' },
};

const label = (labels: Labels, key: string, lang: Lang): string => labels[key]?.[lang] ?? key;
const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export class Writer {
  constructor(readonly timeZone: string) {}

  at(ms: number, lang: Lang): string {
    return formatDateTime(ms, this.timeZone, lang);
  }

  day(ms: number, lang: Lang): string {
    return formatDate(ms, this.timeZone, lang);
  }

  both(f: (lang: Lang) => string): Localized {
    return { 'zh-CN': f('zh-CN'), en: f('en') };
  }

  /** Fills a rule's explanation template; unknown placeholders cannot occur because publication rejects them. */
  template(template: Localized, fact: HealthFact, lang: Lang): string {
    const values = this.placeholders(fact, lang);
    return template[lang].replace(/\{([^{}]*)\}/g, (whole, name: string) => values[name] ?? whole);
  }

  private placeholders(fact: HealthFact, lang: Lang): Record<string, string> {
    const at = Date.parse(fact.occurredAt);
    const common = { occurredAt: this.at(at, lang), occurredDate: this.day(at, lang) };
    switch (fact.kind) {
      case 'test_result': {
        const spec = Date.parse(fact.specimenCollectedAt);
        return {
          ...common,
          method: label(METHOD, fact.method, lang),
          specimenAt: this.at(spec, lang),
          specimenDate: this.day(spec, lang),
        };
      }
      case 'exposure':
        return {
          ...common,
          degree: label(DEGREE, fact.degree, lang),
          windowStartAt: this.at(Date.parse(fact.window.start), lang),
          windowEndAt: this.at(Date.parse(fact.window.end), lang),
          windowDate: this.day(Date.parse(fact.window.end), lang),
        };
      case 'symptom_report':
        return {
          ...common,
          symptoms: fact.symptoms.map((s) => label(SYMPTOM, s, lang)).join(lang === 'en' ? ', ' : '、'),
          onsetDate:
            fact.onsetAt === null ? (lang === 'en' ? 'unknown' : '不详') : this.day(Date.parse(fact.onsetAt), lang),
        };
      case 'risk_area_arrival':
        return {
          ...common,
          areaKind: label(AREA, fact.areaKind, lang),
          arrivalDate: this.day(at, lang),
          departedDate: this.day(Date.parse(fact.departedAt), lang),
        };
      case 'vaccination':
        return { ...common, doses: String(fact.doses) };
      default:
        return common;
    }
  }

  active(color: Color, since: number, explanation: string, ruleId: string, lang: Lang): string {
    return lang === 'en'
      ? `${capital(COLOR[color].en)} since ${this.at(since, lang)} because ${explanation} (rule ${ruleId}).`
      : `自${this.at(since, lang)}起为${COLOR[color]['zh-CN']}，因为${explanation}（规则${ruleId}）。`;
  }

  released(
    e: {
      color: Color;
      start: number;
      releasedAt: number;
      periodDays: number;
      ruleId: string;
      by: 'period' | 'tests' | 'isolation';
      evidence: number[];
    },
    explanation: string,
    lang: Lang,
  ): string {
    const d = e.periodDays;
    if (lang === 'en') {
      const tests = e.evidence.map((t) => this.day(t, 'en')).join(' and ');
      const after =
        e.by === 'period'
          ? `the ${d}-day period`
          : e.by === 'tests'
            ? `the ${d}-day period and ${e.evidence.length > 1 ? 'negative PCR tests' : 'a negative PCR test'} taken ${tests}`
            : `the ${d}-day period and a record that isolation was completed on ${tests}`;
      return (
        `Was ${COLOR[e.color].en} from ${this.at(e.start, 'en')} to ${this.at(e.releasedAt, 'en')} because ` +
        `${explanation} (rule ${e.ruleId}); released after ${after}.`
      );
    }
    const tests = e.evidence.map((t) => this.day(t, 'zh-CN')).join('和');
    const after =
      e.by === 'period'
        ? `满${d}天后解除`
        : e.by === 'tests'
          ? `满${d}天并有${tests}采样的核酸检测阴性结果后解除`
          : `满${d}天并有${tests}的隔离期满记录后解除`;
    return (
      `${this.at(e.start, 'zh-CN')}至${this.at(e.releasedAt, 'zh-CN')}曾为${COLOR[e.color]['zh-CN']}，` +
      `因为${explanation}（规则${e.ruleId}）；${after}。`
    );
  }

  /** What still has to happen for one active rule to release, e.g. "Clears on … at the earliest after …". */
  criteria(
    p: {
      periodDays: number;
      periodEnd: number;
      served: boolean;
      earliest: number;
      required: number;
      recorded: number;
      minHoursApart: number;
      isolationAccepted: boolean;
      satisfied: boolean;
    },
    lang: Lang,
  ): string {
    const { periodDays: d, required: n, recorded: l, minHoursApart: h } = p;
    const k = n - l;
    const spaced = h > 0 && n > 1;
    if (lang === 'en') {
      const alt = p.isolationAccepted ? ' (or a record that isolation was completed)' : '';
      const tests = (c: number): string => `${c} negative PCR test${c === 1 ? '' : 's'}`;
      if (n === 0) return `Clears on ${this.at(p.periodEnd, 'en')}, when the ${d}-day period ends.`;
      if (p.satisfied)
        return `Clears on ${this.at(p.periodEnd, 'en')}, when the ${d}-day period ends; everything else required is recorded.`;
      if (p.served) {
        const gap = spaced ? (l > 0 ? `, each at least ${h} h after the previous one,` : ` at least ${h} h apart`) : '';
        return `The ${d}-day period has been served; clears once ${k} more negative PCR test${k === 1 ? '' : 's'}${gap}${alt} ${k === 1 ? 'is' : 'are'} recorded.`;
      }
      return (
        `Clears on ${this.at(p.earliest, 'en')} at the earliest after ${d} days and ${tests(n)}` +
        `${spaced ? ` at least ${h} h apart` : ''}${alt}.` +
        (l > 0 ? ` ${l} of ${n} recorded so far.` : '')
      );
    }
    const alt = p.isolationAccepted ? '（或隔离期满记录）' : '';
    const gap = spaced ? `采样间隔至少${h}小时的` : '';
    if (n === 0) return `将于${this.at(p.periodEnd, 'zh-CN')}满${d}天时解除。`;
    if (p.satisfied) return `将于${this.at(p.periodEnd, 'zh-CN')}满${d}天时解除（其余条件已具备）。`;
    if (p.served) return `已满${d}天；再有${k}次${gap}核酸检测阴性结果${alt}即可解除。`;
    return (
      `最早于${this.at(p.earliest, 'zh-CN')}解除：需满${d}天，并有${n}次${gap}核酸检测阴性结果${alt}。` +
      (l > 0 ? `目前已有${l}次。` : '')
    );
  }

  override(o: OverrideFact, color: Color, lang: Lang): string {
    const at = this.at(Date.parse(o.occurredAt), lang);
    const until = o.expiresAt === null ? '' : this.at(Date.parse(o.expiresAt), lang);
    const why = label(OVERRIDE_REASON, o.reasonCode, lang);
    return lang === 'en'
      ? `${capital(COLOR[color].en)} since ${at} by a two-person override until ${until} (reason: ${why}: "${o.note}").`
      : `自${at}起经双人审批更正为${COLOR[color]['zh-CN']}，有效至${until}（原因：${why}：“${o.note}”）。`;
  }

  overrideEnds(expiresAt: number, lang: Lang): string {
    return lang === 'en'
      ? `The override ends on ${this.at(expiresAt, 'en')}; the status is then computed from the rules again.`
      : `该更正于${this.at(expiresAt, 'zh-CN')}到期，之后按规则重新计算。`;
  }

  withdrawn(o: OverrideFact, clear: OverrideFact, lang: Lang): string {
    const set = this.at(Date.parse(o.occurredAt), lang);
    const off = this.at(Date.parse(clear.occurredAt), lang);
    const color = o.target === 'clear' ? 'green' : o.target;
    return lang === 'en'
      ? `An override to ${COLOR[color].en} made on ${set} was withdrawn on ${off}.`
      : `${set}作出的${COLOR[color]['zh-CN']}更正已于${off}撤销。`;
  }

  mark(explanation: string, ruleId: string, lang: Lang): string {
    return lang === 'en'
      ? `Vaccination mark: ${explanation} (rule ${ruleId}).`
      : `接种标识：${explanation}（规则${ruleId}）。`;
  }

  green(since: number | null, lang: Lang): string {
    if (since === null)
      return lang === 'en'
        ? 'Green: no health fact calls for isolation or quarantine.'
        : '绿码：没有需要隔离的健康事实。';
    return lang === 'en' ? `Green since ${this.at(since, 'en')}.` : `自${this.at(since, 'zh-CN')}起为绿码。`;
  }

  earliestOverall(earliest: number, lang: Lang): string {
    return lang === 'en'
      ? `Green on ${this.at(earliest, 'en')} at the earliest.`
      : `最早于${this.at(earliest, 'zh-CN')}转为绿码。`;
  }

  join(parts: string[], lang: Lang): string {
    return parts.filter((p) => p.length > 0).join(lang === 'en' ? ' ' : '');
  }
}
