import { formatDate, formatDateTime } from '../rules/time.ts';
import type { Localized } from '../rules/ruleset.ts';

export interface PlaceName {
  zh: string;
  en: string;
}

/** "2 Mar 2026 12:10–12:30", or both full stamps when the span crosses midnight in the zone. */
export function span(startMs: number, endMs: number, timeZone: string, lang: 'zh-CN' | 'en'): string {
  const a = formatDateTime(startMs, timeZone, lang);
  const b = formatDateTime(endMs, timeZone, lang);
  const sameDay = formatDate(startMs, timeZone, lang) === formatDate(endMs, timeZone, lang);
  const to = lang === 'en' ? '–' : '至';
  return sameDay ? `${a}${to}${b.slice(-5)}` : `${a}${to}${b}`;
}

/** Why a person is a contact, naming the place and the time, in both languages. */
export function contactReason(
  degree: 'close' | 'secondary',
  place: PlaceName,
  startMs: number,
  endMs: number,
  timeZone: string,
  encounters: number,
): Localized {
  const more = (lang: 'zh-CN' | 'en') =>
    encounters > 1
      ? lang === 'en'
        ? ` (last of ${encounters} encounters)`
        : `（共${encounters}次交集中的最后一次）`
      : '';
  if (degree === 'close')
    return {
      'zh-CN': `${span(startMs, endMs, timeZone, 'zh-CN')}在${place.zh}与一名确诊病例同时在场，判定为密切接触者${more('zh-CN')}`,
      en: `At ${place.en} on ${span(startMs, endMs, timeZone, 'en')} you were there at the same time as a confirmed case: close contact${more('en')}`,
    };
  return {
    'zh-CN': `${span(startMs, endMs, timeZone, 'zh-CN')}在${place.zh}与一名病例的密切接触者同时在场，判定为次密切接触者${more('zh-CN')}`,
    en: `At ${place.en} on ${span(startMs, endMs, timeZone, 'en')} you were there at the same time as a close contact of a confirmed case: secondary contact${more('en')}`,
  };
}

/** Why a visitor of a designated risk place or area is exposed. */
export function riskVisitReason(
  area: PlaceName,
  place: PlaceName,
  visitMs: number,
  riskFromMs: number,
  riskUntilMs: number,
  timeZone: string,
): Localized {
  const where = (lang: 'zh-CN' | 'en') =>
    area.zh === place.zh && area.en === place.en
      ? lang === 'en'
        ? place.en
        : place.zh
      : lang === 'en'
        ? `${place.en} in ${area.en}`
        : `${area.zh}的${place.zh}`;
  return {
    'zh-CN': `${formatDateTime(visitMs, timeZone, 'zh-CN')}到访${where('zh-CN')}，该地在${span(riskFromMs, riskUntilMs, timeZone, 'zh-CN')}为风险区域`,
    en: `You visited ${where('en')} on ${formatDateTime(visitMs, timeZone, 'en')}, within its risk window ${span(riskFromMs, riskUntilMs, timeZone, 'en')}`,
  };
}
