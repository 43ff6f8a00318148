import type { EpochMs } from './calendar.ts';

/**
 * Door-to-door campaigns ("visit every household, no dead ends"). Coverage counts households that someone has
 * actually spoken to; a visit where nobody was home leaves the household unreached, so it stays on the revisit
 * list until a later visit reaches it.
 */

export const VISIT_OUTCOMES = ['reached', 'nobody_home', 'refused', 'needs_help'] as const;
export type VisitOutcome = (typeof VISIT_OUTCOMES)[number];

/** Outcomes in which the household was spoken to. A refusal is contact (the household knows) but is followed up. */
const CONTACT: ReadonlySet<VisitOutcome> = new Set(['reached', 'refused', 'needs_help']);

export function isContact(outcome: VisitOutcome): boolean {
  return CONTACT.has(outcome);
}

export interface CampaignHousehold {
  id: string;
  gridCode: string;
  /** The household's community path; coverage rolls up to every ancestor. */
  jurisdictionPath: string;
}

export interface VisitResult {
  householdId: string;
  outcome: VisitOutcome;
  at: EpochMs;
  workerId: string;
}

/** 'unvisited' and 'nobody_home' are unreached; the rest were reached, the last contact deciding which. */
export type HouseholdStatus = 'unvisited' | VisitOutcome;

export interface HouseholdProgress {
  householdId: string;
  gridCode: string;
  jurisdictionPath: string;
  status: HouseholdStatus;
  reached: boolean;
  attempts: number;
  lastVisitAt: EpochMs | null;
}

export interface Coverage {
  households: number;
  reached: number;
  unreached: number;
  unvisited: number;
  nobodyHome: number;
  refused: number;
  needsHelp: number;
  /** reached ÷ households; null for an empty scope. */
  coverage: number | null;
}

export interface CampaignProgress {
  overall: Coverage;
  byGrid: { gridCode: string; coverage: Coverage }[];
  byJurisdiction: { jurisdictionPath: string; coverage: Coverage }[];
  households: HouseholdProgress[];
  /** Households nobody has spoken to yet, never visited or nobody home: the revisit list. */
  unreached: HouseholdProgress[];
  /** Reached households whose last contact asked for help or refused: officers follow these up. */
  followUp: HouseholdProgress[];
  /** Visits to households outside the campaign's list, reported rather than silently dropped. */
  strayVisits: VisitResult[];
}

function emptyCoverage(): Coverage {
  return {
    households: 0,
    reached: 0,
    unreached: 0,
    unvisited: 0,
    nobodyHome: 0,
    refused: 0,
    needsHelp: 0,
    coverage: null,
  };
}

function count(c: Coverage, p: HouseholdProgress): void {
  c.households++;
  if (p.reached) c.reached++;
  else c.unreached++;
  if (p.status === 'unvisited') c.unvisited++;
  if (p.status === 'nobody_home') c.nobodyHome++;
  if (p.status === 'refused') c.refused++;
  if (p.status === 'needs_help') c.needsHelp++;
  c.coverage = c.reached / c.households;
}

function byCode<T>(key: (x: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/**
 * Progress of a campaign over its households from the visits so far (those after `asOf` ignored). The status of
 * a household is its last contact outcome if it was ever reached (a later nobody-home visit does not undo a
 * contact), else nobody_home if anyone knocked, else unvisited.
 */
export function campaignProgress(
  households: readonly CampaignHousehold[],
  visits: readonly VisitResult[],
  asOf: EpochMs = Number.POSITIVE_INFINITY,
): CampaignProgress {
  const progress = new Map<string, HouseholdProgress>();
  for (const h of households) {
    if (progress.has(h.id)) throw new RangeError(`household ${h.id} is listed twice in the campaign`);
    progress.set(h.id, {
      householdId: h.id,
      gridCode: h.gridCode,
      jurisdictionPath: h.jurisdictionPath,
      status: 'unvisited',
      reached: false,
      attempts: 0,
      lastVisitAt: null,
    });
  }
  const lastContactAt = new Map<string, EpochMs>();
  const strayVisits: VisitResult[] = [];
  for (const v of visits) {
    if (!VISIT_OUTCOMES.includes(v.outcome))
      throw new RangeError(`visit to ${v.householdId} has unknown outcome '${String(v.outcome)}'`);
    if (!(v.at <= asOf)) continue;
    const p = progress.get(v.householdId);
    if (!p) {
      strayVisits.push(v);
      continue;
    }
    p.attempts++;
    if (p.lastVisitAt === null || v.at > p.lastVisitAt) p.lastVisitAt = v.at;
    if (isContact(v.outcome)) {
      const previous = lastContactAt.get(p.householdId);
      // Ties keep the later-listed visit, so the caller's order breaks them.
      if (previous === undefined || v.at >= previous) {
        lastContactAt.set(p.householdId, v.at);
        p.status = v.outcome;
        p.reached = true;
      }
    } else if (!p.reached) p.status = 'nobody_home';
  }

  const overall = emptyCoverage();
  const grids = new Map<string, Coverage>();
  const jurisdictions = new Map<string, Coverage>();
  const list = [...progress.values()].sort(byCode((p) => `${p.gridCode}\u0000${p.householdId}`));
  for (const p of list) {
    count(overall, p);
    let g = grids.get(p.gridCode);
    if (!g) grids.set(p.gridCode, (g = emptyCoverage()));
    count(g, p);
    const segments = p.jurisdictionPath.split('.');
    for (let i = 1; i <= segments.length; i++) {
      const path = segments.slice(0, i).join('.');
      let j = jurisdictions.get(path);
      if (!j) jurisdictions.set(path, (j = emptyCoverage()));
      count(j, p);
    }
  }
  return {
    overall,
    byGrid: [...grids.entries()]
      .map(([gridCode, coverage]) => ({ gridCode, coverage }))
      .sort(byCode((g) => g.gridCode)),
    byJurisdiction: [...jurisdictions.entries()]
      .map(([jurisdictionPath, coverage]) => ({ jurisdictionPath, coverage }))
      .sort(byCode((j) => j.jurisdictionPath)),
    households: list,
    unreached: list.filter((p) => !p.reached),
    followUp: list.filter((p) => p.status === 'needs_help' || p.status === 'refused'),
    strayVisits,
  };
}
