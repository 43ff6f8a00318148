import type { Release, RuleSet } from './ruleset.ts';

/*
 * DESIGN.md section 3, as a rule-set document. Every number is a parameter so a jurisdiction adapting it edits one
 * place, and the published document shows each number once.
 */

const redRelease: Release = {
  negativePcr: { count: { param: 'redReleaseNegativePcrCount' }, minHoursApart: { param: 'redReleaseMinHoursApart' } },
  acceptIsolationCompleted: false,
};

const yellowRelease: Release = {
  negativePcr: {
    count: { param: 'yellowReleaseNegativePcrCount' },
    minHoursApart: { param: 'yellowReleaseMinHoursApart' },
  },
  acceptIsolationCompleted: false,
};

export const defaultRuleSet: RuleSet = {
  id: 'default',
  version: 1,
  jurisdiction: 'default',
  effectiveFrom: '2020-01-01T00:00:00Z',
  timeZone: 'UTC',
  title: { 'zh-CN': '默认健康码规则', en: 'Default health status rules' },
  description: {
    'zh-CN':
      '红码：确诊感染，或14天内为病例的密切接触者；隔离14天，期满且连续2次核酸阴性（采样间隔至少24小时）后解除。' +
      '黄码：次密切接触者、在风险时段到访风险场所或地区、报告症状、或从风险地区抵达；居家隔离7天，期满且1次核酸阴性后解除。' +
      '全程接种疫苗者显示接种标识。',
    en:
      'Red: confirmed infection, or close contact of a case within the last 14 days; quarantine 14 days, released ' +
      'after the period and 2 consecutive negative PCR results at least 24 h apart. Yellow: secondary contact, visit ' +
      'to a designated risk place or area during its risk window, reported symptoms, or arrival from a risk area; ' +
      'self-isolation 7 days, released after the period and 1 negative PCR result. Full vaccination shows a mark.',
  },
  parameters: {
    infectiousPeriodDaysBefore: 2,
    closeContactMinutesByPlaceCategory: { default: 30 },
    redQuarantineDays: 14,
    closeContactWithinDays: 14,
    redReleaseNegativePcrCount: 2,
    redReleaseMinHoursApart: 24,
    yellowIsolationDays: 7,
    yellowReleaseNegativePcrCount: 1,
    yellowReleaseMinHoursApart: 0,
  },
  rules: [
    {
      id: 'R1',
      match: { kind: 'test_result', where: { method: { eq: 'pcr' }, result: { eq: 'positive' } } },
      color: 'red',
      periodDays: { param: 'redQuarantineDays' },
      release: redRelease,
      explanation: {
        'zh-CN': '{specimenDate}采样的核酸检测结果为阳性',
        en: 'a PCR test taken {specimenDate} was positive',
      },
    },
    {
      id: 'R2',
      match: { kind: 'exposure', where: { degree: { eq: 'close' } }, withinDays: { param: 'closeContactWithinDays' } },
      color: 'red',
      periodDays: { param: 'redQuarantineDays' },
      release: redRelease,
      explanation: {
        'zh-CN': '您是病例的密切接触者（最后接触于{windowEndAt}）',
        en: 'you were a close contact of a case (last contact {windowEndAt})',
      },
    },
    {
      id: 'Y1',
      match: { kind: 'exposure', where: { degree: { eq: 'secondary' } } },
      color: 'yellow',
      periodDays: { param: 'yellowIsolationDays' },
      release: yellowRelease,
      explanation: {
        'zh-CN': '您是病例的次密切接触者（最后接触于{windowEndAt}）',
        en: 'you were a secondary contact of a case (last contact {windowEndAt})',
      },
    },
    {
      id: 'Y2',
      match: { kind: 'exposure', where: { degree: { eq: 'risk_place' } } },
      color: 'yellow',
      periodDays: { param: 'yellowIsolationDays' },
      release: yellowRelease,
      explanation: {
        'zh-CN': '您在风险时段内（{windowStartAt}至{windowEndAt}）到访过风险场所或地区',
        en: 'you visited a designated risk place or area during its risk window ({windowStartAt} to {windowEndAt})',
      },
    },
    {
      id: 'Y3',
      match: { kind: 'symptom_report', where: {} },
      color: 'yellow',
      periodDays: { param: 'yellowIsolationDays' },
      release: yellowRelease,
      explanation: {
        'zh-CN': '您于{occurredDate}报告了症状（{symptoms}）',
        en: 'you reported symptoms ({symptoms}) on {occurredDate}',
      },
    },
    {
      id: 'Y4',
      match: { kind: 'risk_area_arrival', where: {} },
      color: 'yellow',
      periodDays: { param: 'yellowIsolationDays' },
      release: yellowRelease,
      explanation: {
        'zh-CN': '您于{arrivalDate}从风险地区抵达',
        en: 'you arrived from a designated risk area on {arrivalDate}',
      },
    },
  ],
  vaccinationMark: {
    id: 'V1',
    match: { kind: 'vaccination', where: { complete: { eq: true } } },
    validForDays: null,
    explanation: {
      'zh-CN': '已于{occurredDate}完成全程接种（{doses}剂）',
      en: 'full vaccination completed {occurredDate} ({doses} doses)',
    },
  },
};
