import { api } from './client.ts';

export type Localized = { 'zh-CN': string; en: string };
export type ParamRef = { param: string };
export type NumberOrParam = number | ParamRef;
export type Condition = { eq: string | boolean } | { in: string[] } | { includesAny: string[] };

export interface ColorRule {
  id: string;
  match: { kind: string; where: Record<string, Condition | undefined>; withinDays?: NumberOrParam };
  color: 'yellow' | 'red';
  periodDays: NumberOrParam;
  release: {
    negativePcr: { count: NumberOrParam; minHoursApart: NumberOrParam } | null;
    acceptIsolationCompleted: boolean;
  };
  explanation: Localized;
}

export interface RuleSet {
  id: string;
  version: number;
  jurisdiction: string;
  effectiveFrom: string;
  timeZone: string;
  title: Localized;
  description?: Localized;
  parameters: Record<string, number | Record<string, number>>;
  rules: ColorRule[];
  vaccinationMark: {
    id: string;
    match: { kind: 'vaccination'; where: Record<string, Condition | undefined> };
    validForDays: NumberOrParam | null;
    explanation: Localized;
  } | null;
}

/** Every published rule set, all versions (public). */
export const listRuleSets = (signal?: AbortSignal) => api<{ items: RuleSet[] }>('/rulesets', signal ? { signal } : {});
