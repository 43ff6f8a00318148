import type { RuleSet } from './ruleset.ts';
import { toMs, type Instant } from './time.ts';

export type PublicationErrorCode = 'version_not_increasing' | 'effective_in_past' | 'effective_before_previous';

export interface PublicationError {
  code: PublicationErrorCode;
  path: string;
  message: string;
}

/**
 * Checks a (valid) rule set against those already published: versions of one rule-set id only go up, never take
 * effect before an earlier version, and never take effect before the moment of publication. Together these keep
 * history unrewritable: the rules that produced any past status remain the published ones.
 */
export function checkPublication(candidate: RuleSet, published: readonly RuleSet[], now: Instant): PublicationError[] {
  const errors: PublicationError[] = [];
  const sameId = published.filter((r) => r.id === candidate.id);
  const latest = sameId.reduce<RuleSet | null>((m, r) => (m === null || r.version > m.version ? r : m), null);
  if (latest && candidate.version <= latest.version)
    errors.push({
      code: 'version_not_increasing',
      path: '/version',
      message: `version ${candidate.version} of ${candidate.id} is not above the published version ${latest.version}`,
    });
  const from = toMs(candidate.effectiveFrom);
  if (from < toMs(now))
    errors.push({
      code: 'effective_in_past',
      path: '/effectiveFrom',
      message: `effectiveFrom ${candidate.effectiveFrom} is before the time of publication; rules cannot be retroactive`,
    });
  const later = sameId.find((r) => toMs(r.effectiveFrom) > from);
  if (later)
    errors.push({
      code: 'effective_before_previous',
      path: '/effectiveFrom',
      message: `effectiveFrom ${candidate.effectiveFrom} is before that of published version ${later.version} (${later.effectiveFrom})`,
    });
  return errors;
}

/**
 * The rule set in force for a jurisdiction at an instant: the one with the latest effectiveFrom not after `at`
 * (the higher version on a tie), or null.
 */
export function selectRuleSet(ruleSets: readonly RuleSet[], jurisdiction: string, at: Instant): RuleSet | null {
  const t = toMs(at);
  let best: RuleSet | null = null;
  for (const r of ruleSets) {
    if (r.jurisdiction !== jurisdiction || toMs(r.effectiveFrom) > t) continue;
    const d = best === null ? 1 : toMs(r.effectiveFrom) - toMs(best.effectiveFrom) || r.version - best.version;
    if (d > 0) best = r;
  }
  return best;
}
