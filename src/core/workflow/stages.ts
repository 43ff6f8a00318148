/**
 * Stages of the closed-loop incident workflow (Dongcheng 2004 model, CJ/T 315): collect → file → dispatch →
 * handle → feedback → verify and close → evaluate, plus the exception stages returned (回退) and parked (挂账).
 */

export const STAGES = [
  'collected', // 信息收集: reported, waiting to be filed or rejected
  'filed', // 立案: accepted as a case, waiting for dispatch
  'dispatched', // 派遣: sent to a handler, not yet accepted
  'handling', // 处置: the handler accepted it and is working on it
  'handled', // 处置反馈: the handler reported the result, waiting for verification
  'closed', // 核查结案: verified on site by someone else and closed
  'evaluated', // 综合评价: evaluated after closure
  'rejected', // 不予立案: not accepted as a case
  'returned', // 回退: the handler said "not ours", back with the dispatcher
  'parked', // 挂账: cannot be done within the limit, on the problem ledger with a written explanation
] as const;
export type Stage = (typeof STAGES)[number];

/** Stages no action leaves. */
export const TERMINAL_STAGES: readonly Stage[] = ['evaluated', 'rejected'];

/** Stages in which the incident is finished for the reporter (Open311 `closed`). */
export const FINISHED_STAGES: readonly Stage[] = ['closed', 'evaluated', 'rejected'];

/**
 * A time limit runs per phase, not per stage: the handling clock starts at dispatch and keeps running through
 * acceptance, because the department's limit covers both (the clock "starts at dispatch" in the standard).
 */
export const SLA_PHASES = ['file', 'dispatch', 'handle', 'verify'] as const;
export type SlaPhase = (typeof SLA_PHASES)[number];

const PHASE_OF_STAGE: Readonly<Record<Stage, SlaPhase | null>> = {
  collected: 'file',
  filed: 'dispatch',
  returned: 'dispatch',
  dispatched: 'handle',
  handling: 'handle',
  handled: 'verify',
  closed: null,
  evaluated: null,
  rejected: null,
  parked: null, // the clock stops while parked; resuming starts a fresh handling limit
};

export function phaseOf(stage: Stage): SlaPhase | null {
  return PHASE_OF_STAGE[stage];
}

export function isFinished(stage: Stage): boolean {
  return FINISHED_STAGES.includes(stage);
}

export function isTerminal(stage: Stage): boolean {
  return TERMINAL_STAGES.includes(stage);
}

export type Lang = 'zh-CN' | 'en';

export interface Localized {
  'zh-CN': string;
  en: string;
}

export const STAGE_LABELS: Readonly<Record<Stage, Localized>> = {
  collected: { 'zh-CN': '已上报', en: 'Reported' },
  filed: { 'zh-CN': '已立案', en: 'Filed' },
  dispatched: { 'zh-CN': '已派遣', en: 'Dispatched' },
  handling: { 'zh-CN': '处置中', en: 'Being handled' },
  handled: { 'zh-CN': '已反馈', en: 'Handled, awaiting verification' },
  closed: { 'zh-CN': '已结案', en: 'Verified and closed' },
  evaluated: { 'zh-CN': '已评价', en: 'Evaluated' },
  rejected: { 'zh-CN': '不予立案', en: 'Not accepted' },
  returned: { 'zh-CN': '已回退', en: 'Returned for redispatch' },
  parked: { 'zh-CN': '已挂账', en: 'Parked' },
};

export const PHASE_LABELS: Readonly<Record<SlaPhase, Localized>> = {
  file: { 'zh-CN': '立案', en: 'filing' },
  dispatch: { 'zh-CN': '派遣', en: 'dispatch' },
  handle: { 'zh-CN': '处置', en: 'handling' },
  verify: { 'zh-CN': '核查', en: 'verification' },
};
