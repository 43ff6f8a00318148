import type { Prng } from '../../random/prng.ts';

/*
 * An agent-based outbreak: residents move between home, work, school and venues; an infectious person can infect
 * others who are at the same place at the same time. Everything is pure and driven by a seeded PRNG, so the same seed
 * gives the same outbreak, and the ground truth (who infected whom, where, when) is known exactly.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export interface SimPlace {
  id: string;
  category: string;
  gridCode: string;
  /** Jurisdiction path of the place's community, for "near home" choices. */
  path: string;
}

export interface Agent {
  id: string;
  householdId: string;
  path: string;
  age: number;
  role: 'worker' | 'student' | 'home';
  workPlaceId: string | null;
  venueIds: string[];
  /** Disease state: infectedAtMs null = never infected. */
  infectedAtMs: number | null;
  infectiousFromMs: number;
  infectiousUntilMs: number;
  onsetMs: number | null;
  /** Relative infectiousness (asymptomatic people shed less). */
  shedding: number;
}

export interface Visit {
  agentId: string;
  placeId: string;
  startMs: number;
  endMs: number;
  /** Whether the agent scanned the poster on arrival (the scan time is `startMs`). */
  scanned: boolean;
}

export interface Infection {
  infecteeId: string;
  /** null for the seed infections introduced at the start. */
  infectorId: string | null;
  /** null for a household infection (no scan exists for it). */
  placeId: string | null;
  atMs: number;
  /** Both the infector's and the infectee's visits were scanned. */
  bothScanned: boolean;
  infectorArrivalMs: number | null;
  infecteeArrivalMs: number | null;
}

export interface SimParameters {
  /** Probability a visit is scanned on arrival. */
  scanCompliance: number;
  /** Per-hour infection hazard of a full-shedding infectious person to one other person present, per category. */
  hazardPerHour: Record<string, number>;
  /** Daily probability of infecting each household member while infectious. */
  householdDaily: number;
  asymptomaticShare: number;
  /** Share of symptomatic people who get tested, and the delay after onset. */
  testOnSymptoms: number;
}

export const DEFAULT_SIM_PARAMETERS: SimParameters = {
  scanCompliance: 0.92,
  // Calibrated so that, untraced, a few seeds infect about 40% of a 2,000-person city in two weeks.
  hazardPerHour: {
    restaurant: 0.06,
    market: 0.03,
    shop: 0.025,
    supermarket: 0.025,
    office: 0.006,
    factory: 0.006,
    school: 0.005,
    hospital: 0.01,
    clinic: 0.01,
    gym: 0.06,
    cinema: 0.04,
    default: 0.015,
  },
  householdDaily: 0.05,
  asymptomaticShare: 0.3,
  testOnSymptoms: 0.7,
};

/**
 * Infects an agent at an instant: incubation of 3–7 days to symptom onset (none for the asymptomatic); infectious
 * from 1–3 days before onset until a week after it. The spread of the pre-symptomatic phase is deliberate: tracing
 * assumes a fixed number of days (a rule-set parameter), reality does not.
 */
export function infect(agent: Agent, atMs: number, rng: Prng, params: SimParameters): void {
  const incubation = (3 + rng.next() * 4) * DAY_MS;
  const presymptomatic = (1 + rng.next() * 2) * DAY_MS;
  const asymptomatic = rng.chance(params.asymptomaticShare);
  const onset = atMs + incubation;
  agent.infectedAtMs = atMs;
  agent.onsetMs = asymptomatic ? null : onset;
  agent.infectiousFromMs = Math.max(atMs + DAY_MS, onset - presymptomatic);
  agent.infectiousUntilMs = onset + 7 * DAY_MS;
  agent.shedding = asymptomatic ? 0.5 : 1;
}

export function isInfectiousAt(agent: Agent, ms: number): boolean {
  return agent.infectedAtMs !== null && ms >= agent.infectiousFromMs && ms < agent.infectiousUntilMs;
}

/** A PCR specimen taken at `ms` detects an infection from two days after it for three weeks. */
export function pcrPositive(agent: Agent, ms: number): boolean {
  return agent.infectedAtMs !== null && ms >= agent.infectedAtMs + 2 * DAY_MS && ms <= agent.infectedAtMs + 21 * DAY_MS;
}

/** Probability that `minutes` of co-presence with a shedding person infects. */
export function transmissionProbability(category: string, minutes: number, shedding: number, params: SimParameters) {
  const hazard = params.hazardPerHour[category] ?? params.hazardPerHour.default ?? 0.03;
  return 1 - Math.exp(-hazard * shedding * (minutes / 60));
}
