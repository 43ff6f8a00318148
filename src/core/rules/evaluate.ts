import { compileRuleSet, type CompiledColorRule, type CompiledRuleSet } from './compile.ts';
import { Writer } from './explain.ts';
import type { HealthFact, OverrideFact, TestResultFact, VaccinationFact } from './facts.ts';
import type { Color, Localized, RuleSet } from './ruleset.ts';
import { toIso, toMs, type Instant } from './time.ts';

export type ReasonEffect = 'color' | 'released' | 'override' | 'override_withdrawn' | 'mark';

export interface Reason {
  /** A rule id of the rule set, or "override". */
  ruleId: string;
  /**
   * color: a rule that holds now; released: a rule that held and was released (kept because the facts that released
   * it decide the current status); override / override_withdrawn: two-person corrections; mark: the vaccination mark.
   */
  effect: ReasonEffect;
  color: Color | null;
  /** Exactly the facts that decided this reason: the trigger first, then the facts that release it or block release. */
  factIds: string[];
  text: Localized;
}

export interface ReleaseProgress {
  ruleId: string;
  triggerFactId: string;
  periodEndsAt: string;
  periodServed: boolean;
  negativePcrRequired: number;
  negativePcrRecorded: number;
  minHoursApart: number;
  isolationCompletedAccepted: boolean;
  isolationCompletedRecorded: boolean;
  /** Earliest release, assuming the missing tests are taken as early as allowed and reported at once. */
  earliestAt: string;
}

export interface Clears {
  /** When the status can turn green at the earliest, or when an override ends. */
  earliestAt: string | null;
  criteria: Localized;
  remaining: ReleaseProgress[];
}

export interface Status {
  color: Color;
  vaccinated: boolean;
  /** Start of the current color (as the facts now known place it in time); null for someone who was never colored. */
  since: string | null;
  reasons: Reason[];
  clears: Clears | null;
  /** The whole explanation in one paragraph per language. */
  summary: Localized;
  ruleSetId: string;
  ruleSetVersion: number;
  evaluatedAt: string;
}

export interface EvaluateOptions {
  /** IANA zone for the explanation texts; defaults to the rule set's timeZone. */
  timeZone?: string;
}

interface Known {
  fact: HealthFact;
  at: number;
}

interface Pcr {
  k: Known;
  spec: number;
  positive: boolean;
}

interface Episode {
  rule: CompiledColorRule;
  trigger: Known;
  start: number;
  periodEnd: number;
  /** null while the rule still holds at `now`. */
  releasedAt: number | null;
  releasedBy: 'period' | 'tests' | 'isolation' | null;
  chain: Pcr[];
  positives: Pcr[];
  isolation: Known | null;
  testsSatisfied: boolean;
  earliest: number;
}

const RANK: Record<Color, number> = { green: 0, yellow: 1, red: 2 };
const byTimeThenId = (a: Known, b: Known): number => a.at - b.at || cmp(a.fact.id, b.fact.id);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Computes a person's status from their health facts under a rule set, as of `now`.
 *
 * A fact counts once it has both occurred and been recorded by `now`. Rules are applied on the facts' own time line:
 * a rule holds from its trigger's occurredAt until it is released, which is never before its period has passed.
 * Facts must have passed HealthFactSchema and belong to one person with distinct ids (otherwise RangeError); the rule
 * set must pass validateRuleSet (otherwise RuleSetValidationError).
 */
export function evaluate(
  facts: readonly HealthFact[],
  ruleSet: RuleSet,
  now: Instant,
  options: EvaluateOptions = {},
): Status {
  const crs = compileRuleSet(ruleSet);
  const nowMs = toMs(now);
  checkFacts(facts);
  const w = new Writer(options.timeZone ?? crs.timeZone);
  const known: Known[] = facts
    .map((fact) => ({ fact, at: Date.parse(fact.occurredAt), rec: Date.parse(fact.recordedAt) }))
    .filter((k) => k.at <= nowMs && k.rec <= nowMs)
    .map(({ fact, at }) => ({ fact, at }))
    .sort(byTimeThenId);

  const head = { ruleSetId: ruleSet.id, ruleSetVersion: ruleSet.version, evaluatedAt: toIso(nowMs) };
  const mark = vaccinationMark(known, crs, nowMs, w);
  const markReasons = mark ? [mark] : [];

  const ov = overrides(known, nowMs);
  if (ov.winner) {
    const o = ov.winner.fact as OverrideFact;
    const color = o.target as Color;
    const reason: Reason = {
      ruleId: 'override',
      effect: 'override',
      color,
      factIds: [o.id],
      text: w.both((lang) => w.override(o, color, lang)),
    };
    const ends = Date.parse(o.expiresAt ?? '');
    const clears: Clears | null =
      color === 'green'
        ? null
        : { earliestAt: toIso(ends), criteria: w.both((lang) => w.overrideEnds(ends, lang)), remaining: [] };
    return {
      color,
      vaccinated: mark !== null,
      since: toIso(ov.winner.at),
      reasons: [reason, ...markReasons],
      clears,
      summary: w.both((lang) =>
        w.join([reason.text[lang], clears?.criteria[lang] ?? '', ...markReasons.map((m) => m.text[lang])], lang),
      ),
      ...head,
    };
  }

  const episodes = findEpisodes(known, crs, nowMs);
  const active = episodes
    .filter((e) => e.releasedAt === null)
    .sort(
      (a, b) =>
        RANK[b.rule.color] - RANK[a.rule.color] ||
        a.start - b.start ||
        cmp(a.rule.id, b.rule.id) ||
        cmp(a.trigger.fact.id, b.trigger.fact.id),
    );
  const released = episodes
    .filter((e) => e.releasedAt !== null)
    .sort(
      (a, b) =>
        (b.releasedAt ?? 0) - (a.releasedAt ?? 0) ||
        b.start - a.start ||
        cmp(a.rule.id, b.rule.id) ||
        cmp(a.trigger.fact.id, b.trigger.fact.id),
    );
  const color = active.reduce<Color>((c, e) => (RANK[e.rule.color] > RANK[c] ? e.rule.color : c), 'green');
  const since = sinceOf(episodes, color, nowMs);

  const activeReasons: Reason[] = active.map((e) => ({
    ruleId: e.rule.id,
    effect: 'color',
    color: e.rule.color,
    factIds: citedFacts(e),
    text: w.both((lang) =>
      w.active(e.rule.color, e.start, w.template(e.rule.explanation, e.trigger.fact, lang), e.rule.id, lang),
    ),
  }));
  const releasedReasons: Reason[] = released.map((e) => ({
    ruleId: e.rule.id,
    effect: 'released',
    color: e.rule.color,
    factIds: citedFacts(e),
    text: w.both((lang) =>
      w.released(
        {
          color: e.rule.color,
          start: e.start,
          releasedAt: e.releasedAt ?? 0,
          periodDays: e.rule.periodDays,
          ruleId: e.rule.id,
          by: e.releasedBy ?? 'period',
          evidence: e.releasedBy === 'tests' ? e.chain.map((p) => p.spec) : e.isolation ? [e.isolation.at] : [],
        },
        w.template(e.rule.explanation, e.trigger.fact, lang),
        lang,
      ),
    ),
  }));
  const withdrawnReasons: Reason[] = ov.withdrawn.map(([o, c]) => ({
    ruleId: 'override',
    effect: 'override_withdrawn',
    color: (o.fact as OverrideFact).target as Color,
    factIds: [o.fact.id, c.fact.id],
    text: w.both((lang) => w.withdrawn(o.fact as OverrideFact, c.fact as OverrideFact, lang)),
  }));

  const clears = active.length > 0 ? clearsOf(active, w, nowMs) : null;
  const headline: Localized = color === 'green' ? w.both((lang) => w.green(since, lang)) : { 'zh-CN': '', en: '' };
  // A green summary says what ended the last colored period; older history stays in `reasons` only.
  const endedNow = color === 'green' ? releasedReasons.filter((_, i) => released[i]?.releasedAt === since) : [];
  return {
    color,
    vaccinated: mark !== null,
    since: since === null ? null : toIso(since),
    reasons: [...activeReasons, ...withdrawnReasons, ...releasedReasons, ...markReasons],
    clears,
    summary: w.both((lang) =>
      w.join(
        [
          headline[lang],
          ...endedNow.map((r) => r.text[lang]),
          ...activeReasons.map((r) => r.text[lang]),
          clears?.criteria[lang] ?? '',
          ...markReasons.map((m) => m.text[lang]),
        ],
        lang,
      ),
    ),
    ...head,
  };
}

function checkFacts(facts: readonly HealthFact[]): void {
  const ids = new Set<string>();
  const person = facts[0]?.personId;
  for (const f of facts) {
    if (f.personId !== person) throw new RangeError(`facts of different people (${person}, ${f.personId})`);
    if (ids.has(f.id)) throw new RangeError(`duplicate fact id ${f.id}`);
    ids.add(f.id);
  }
}

function findEpisodes(known: Known[], crs: CompiledRuleSet, now: number): Episode[] {
  const pcr: Pcr[] = known
    .filter((k) => k.fact.kind === 'test_result' && k.fact.method === 'pcr')
    .map((k) => {
      const f = k.fact as TestResultFact;
      return { k, spec: Date.parse(f.specimenCollectedAt), positive: f.result === 'positive' };
    })
    .sort((a, b) => a.spec - b.spec || byTimeThenId(a.k, b.k));
  const isolations = known.filter((k) => k.fact.kind === 'isolation_completed');
  const episodes: Episode[] = [];
  for (const k of known) {
    const rule = crs.rules.find((r) => r.matches(k.fact));
    if (!rule) continue;
    // withinDays: an exposure learned of too late to matter does not trigger quarantine.
    if (rule.withinMs !== null && Date.parse(k.fact.recordedAt) - k.at > rule.withinMs) continue;
    episodes.push(episodeOf(rule, k, pcr, isolations, now));
  }
  return episodes;
}

interface TestState {
  satisfied: boolean;
  chain: Pcr[];
  positives: Pcr[];
}

/**
 * Negative PCR results count for a rule when their specimen was collected at or after the trigger's occurredAt.
 * "Consecutive" means after the last positive PCR result known at that time; within that run, the chain is built
 * greedily from the earliest specimen, each next one at least minHoursApart after the previous. Greedy gives the
 * longest possible chain, so an extra negative result can only lengthen it.
 */
function testsAt(rule: CompiledColorRule, counted: Pcr[], t: number): TestState {
  const req = rule.negativePcr;
  if (req === null) return { satisfied: true, chain: [], positives: [] };
  const knownAtT = counted.filter((p) => p.k.at <= t);
  const positives = knownAtT.filter((p) => p.positive);
  let lastPositive = -1;
  knownAtT.forEach((p, i) => {
    if (p.positive) lastPositive = i;
  });
  const chain: Pcr[] = [];
  for (const p of knownAtT.slice(lastPositive + 1)) {
    if (chain.length >= req.count) break;
    const prev = chain[chain.length - 1];
    if (prev === undefined || p.spec - prev.spec >= req.gapMs) chain.push(p);
  }
  return { satisfied: chain.length >= req.count, chain, positives };
}

function episodeOf(rule: CompiledColorRule, trigger: Known, pcr: Pcr[], isolations: Known[], now: number): Episode {
  const start = trigger.at;
  const periodEnd = start + rule.periodMs;
  const counted = pcr.filter((p) => p.spec >= start);
  const isos = rule.acceptIsolationCompleted ? isolations.filter((k) => k.at >= start) : [];
  const base = { rule, trigger, start, periodEnd };

  // Whether a rule is met can only change when the period ends or a result or record arrives.
  const checks = [...new Set([periodEnd, ...counted.map((p) => p.k.at), ...isos.map((k) => k.at)])]
    .filter((t) => t >= periodEnd && t <= now)
    .sort((a, b) => a - b);
  for (const t of checks) {
    const tests = testsAt(rule, counted, t);
    const iso = isos.find((k) => k.at <= t) ?? null;
    if (tests.satisfied || iso) {
      const byTests = tests.satisfied;
      return {
        ...base,
        releasedAt: t,
        releasedBy: rule.negativePcr === null ? 'period' : byTests ? 'tests' : 'isolation',
        chain: byTests ? tests.chain : [],
        positives: tests.positives,
        isolation: byTests ? null : iso,
        testsSatisfied: byTests,
        earliest: t,
      };
    }
  }

  const tests = testsAt(rule, counted, now);
  const iso = isos.find((k) => k.at <= now) ?? null;
  let earliest = periodEnd;
  const req = rule.negativePcr;
  if (req && !tests.satisfied && !iso) {
    const last = tests.chain[tests.chain.length - 1];
    const first = last === undefined ? start : last.spec + req.gapMs;
    earliest = Math.max(periodEnd, first + (req.count - tests.chain.length - 1) * req.gapMs);
  }
  return {
    ...base,
    releasedAt: null,
    releasedBy: null,
    chain: tests.chain,
    positives: tests.positives,
    isolation: iso,
    testsSatisfied: tests.satisfied,
    earliest,
  };
}

function citedFacts(e: Episode): string[] {
  const ids = [e.trigger.fact.id];
  const add = (id: string): void => {
    if (!ids.includes(id)) ids.push(id);
  };
  // Positive results are cited because they are what keeps earlier negatives from counting.
  for (const p of [...e.positives, ...e.chain].sort((a, b) => a.spec - b.spec || byTimeThenId(a.k, b.k)))
    add(p.k.fact.id);
  if (e.isolation) add(e.isolation.fact.id);
  return ids;
}

function colorAt(episodes: Episode[], t: number): Color {
  let c: Color = 'green';
  for (const e of episodes)
    if (e.start <= t && (e.releasedAt === null || t < e.releasedAt) && RANK[e.rule.color] > RANK[c]) c = e.rule.color;
  return c;
}

function sinceOf(episodes: Episode[], color: Color, now: number): number | null {
  const boundaries = [
    ...new Set(episodes.flatMap((e) => (e.releasedAt === null ? [e.start] : [e.start, e.releasedAt]))),
  ]
    .filter((b) => b <= now)
    .sort((a, b) => b - a);
  for (const b of boundaries) if (colorAt(episodes, b - 1) !== color) return b;
  return null;
}

function clearsOf(active: Episode[], w: Writer, now: number): Clears {
  const remaining: ReleaseProgress[] = active.map((e) => ({
    ruleId: e.rule.id,
    triggerFactId: e.trigger.fact.id,
    periodEndsAt: toIso(e.periodEnd),
    periodServed: e.periodEnd <= now,
    negativePcrRequired: e.rule.negativePcr?.count ?? 0,
    negativePcrRecorded: e.chain.length,
    minHoursApart: e.rule.negativePcr?.minHoursApart ?? 0,
    isolationCompletedAccepted: e.rule.acceptIsolationCompleted,
    isolationCompletedRecorded: e.isolation !== null,
    earliestAt: toIso(e.earliest),
  }));
  const earliest = Math.max(...active.map((e) => e.earliest));
  const one = (e: Episode, lang: 'zh-CN' | 'en'): string =>
    w.criteria(
      {
        periodDays: e.rule.periodDays,
        periodEnd: e.periodEnd,
        served: e.periodEnd <= now,
        earliest: e.earliest,
        required: e.rule.negativePcr?.count ?? 0,
        recorded: e.chain.length,
        minHoursApart: e.rule.negativePcr?.minHoursApart ?? 0,
        isolationAccepted: e.rule.acceptIsolationCompleted,
        satisfied: e.testsSatisfied || e.isolation !== null,
      },
      lang,
    );
  const criteria = w.both((lang) => {
    const only = active[0];
    if (active.length === 1 && only) return one(only, lang);
    const prefix = (e: Episode): string => (lang === 'en' ? `Rule ${e.rule.id}: ` : `规则${e.rule.id}：`);
    return w.join([w.earliestOverall(earliest, lang), ...active.map((e) => prefix(e) + one(e, lang))], lang);
  });
  return { earliestAt: toIso(earliest), criteria, remaining };
}

function vaccinationMark(known: Known[], crs: CompiledRuleSet, now: number, w: Writer): Reason | null {
  const mark = crs.mark;
  if (!mark) return null;
  let best: Known | null = null;
  for (const k of known) {
    if (k.fact.kind !== 'vaccination' || !mark.matches(k.fact)) continue;
    if (mark.validForMs !== null && k.at + mark.validForMs <= now) continue;
    if (best === null || byTimeThenId(best, k) < 0) best = k;
  }
  if (!best) return null;
  const fact = best.fact as VaccinationFact;
  return {
    ruleId: mark.id,
    effect: 'mark',
    color: null,
    factIds: [fact.id],
    text: w.both((lang) => w.mark(w.template(mark.explanation, fact, lang), mark.id, lang)),
  };
}

/**
 * Each override shows its color from occurredAt until expiresAt; when several are in force the most recent wins.
 * A 'clear' withdraws every override that took effect before it.
 */
function overrides(known: Known[], now: number): { winner: Known | null; withdrawn: [Known, Known][] } {
  const all = known.filter((k) => k.fact.kind === 'override');
  const clears = all.filter((k) => (k.fact as OverrideFact).target === 'clear');
  const inForce = all.filter((k) => {
    const o = k.fact as OverrideFact;
    return o.target !== 'clear' && o.expiresAt !== null && now < Date.parse(o.expiresAt);
  });
  let winner: Known | null = null;
  const withdrawn: [Known, Known][] = [];
  for (const k of inForce) {
    const clear = clears.find((c) => c.at > k.at);
    if (clear) withdrawn.push([k, clear]);
    else winner = k; // inForce is sorted, so the last one standing is the most recent
  }
  return { winner, withdrawn: winner ? [] : withdrawn };
}

/** Statuses are equal when everything but evaluatedAt is. */
export function sameStatus(a: Status, b: Status): boolean {
  const { evaluatedAt: _a, ...ra } = a;
  const { evaluatedAt: _b, ...rb } = b;
  return JSON.stringify(ra) === JSON.stringify(rb);
}

/**
 * The first instant after `now` at which the status would change if no new fact arrived (a period ends, an override
 * expires, a vaccination mark lapses, a fact recorded ahead of time takes effect), or null if it never would.
 * A scheduler re-evaluates the person at that instant.
 */
export function nextChangeAt(
  facts: readonly HealthFact[],
  ruleSet: RuleSet,
  now: Instant,
  options: EvaluateOptions = {},
): string | null {
  const crs = compileRuleSet(ruleSet);
  const nowMs = toMs(now);
  const candidates = new Set<number>();
  for (const f of facts) {
    const at = Date.parse(f.occurredAt);
    candidates.add(at);
    candidates.add(Date.parse(f.recordedAt));
    if (f.kind === 'override' && f.expiresAt !== null) candidates.add(Date.parse(f.expiresAt));
    if (f.kind === 'vaccination' && crs.mark?.validForMs != null) candidates.add(at + crs.mark.validForMs);
    const rule = crs.rules.find((r) => r.matches(f));
    if (rule) candidates.add(at + rule.periodMs);
  }
  const current = evaluate(facts, ruleSet, nowMs, options);
  for (const t of [...candidates].filter((t) => t > nowMs).sort((a, b) => a - b)) {
    if (!sameStatus(current, evaluate(facts, ruleSet, t, options))) return toIso(t);
  }
  return null;
}
