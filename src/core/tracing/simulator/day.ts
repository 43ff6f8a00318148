import type { Prng } from '../../random/prng.ts';
import {
  HOUR_MS,
  infect,
  isInfectiousAt,
  transmissionProbability,
  type Agent,
  type Infection,
  type SimParameters,
  type SimPlace,
  type Visit,
} from './model.ts';

const MIN = 60_000;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
/** Roughly normal noise (sum of three uniforms), in minutes. */
const jitter = (rng: Prng, sd: number) => (rng.next() + rng.next() + rng.next() - 1.5) * 2 * sd * MIN;

/**
 * One day of movement for everyone not isolated: workers go to work (some eat out at lunch), students to school,
 * and people visit their venues in the evening or at the weekend. Scans happen on arrival, mostly.
 */
export function planDay(
  agents: Agent[],
  dayStartMs: number,
  weekend: boolean,
  isolated: ReadonlySet<string>,
  rng: Prng,
  params: SimParameters,
): Visit[] {
  const visits: Visit[] = [];
  const add = (agentId: string, placeId: string | null | undefined, start: number, minutes: number) => {
    if (!placeId) return;
    visits.push({
      agentId,
      placeId,
      startMs: start,
      endMs: start + minutes * MIN,
      scanned: rng.chance(params.scanCompliance),
    });
  };
  for (const a of agents) {
    if (isolated.has(a.id)) continue;
    const at = (hour: number, sd: number, lo: number, hi: number) =>
      dayStartMs + clamp(hour * HOUR_MS + jitter(rng, sd), lo * HOUR_MS, hi * HOUR_MS);
    if (!weekend && a.role !== 'home' && a.workPlaceId) {
      const start = at(a.role === 'student' ? 7.5 : 8.5, a.role === 'student' ? 10 : 35, 6, 11);
      const hours = a.role === 'student' ? 8.5 : 8.5 + rng.next();
      add(a.id, a.workPlaceId, start, hours * 60);
      if (a.role === 'worker' && rng.chance(0.35))
        add(
          a.id,
          rng.pick(a.venueIds.length ? a.venueIds : [a.workPlaceId]),
          at(12.2, 15, 11.5, 13.5),
          30 + rng.int(0, 30),
        );
      if (rng.chance(0.25) && a.venueIds.length)
        add(a.id, rng.pick(a.venueIds), at(19, 45, 17.5, 21.5), 20 + rng.int(0, 70));
    } else {
      const outings = weekend ? rng.int(0, 2) : rng.int(0, 2) === 0 ? 0 : 1;
      for (let i = 0; i < outings && a.venueIds.length; i++)
        add(a.id, rng.pick(a.venueIds), at(10 + rng.next() * 10, 30, 8, 21.5), 20 + rng.int(0, 90));
    }
  }
  return visits;
}

/**
 * Who gets infected today: at each place, every susceptible person present at the same time as an infectious one may
 * be infected (the longer together, the likelier); at home, household members of the infectious. Agents are mutated
 * (infect); the ground truth is returned.
 */
export function spread(
  agents: Map<string, Agent>,
  visits: Visit[],
  places: Map<string, SimPlace>,
  dayStartMs: number,
  rng: Prng,
  params: SimParameters,
): Infection[] {
  const out: Infection[] = [];
  const byPlace = new Map<string, Visit[]>();
  for (const v of visits) {
    const list = byPlace.get(v.placeId);
    if (list) list.push(v);
    else byPlace.set(v.placeId, [v]);
  }
  // Decide with everyone's state as it was at the start of the day: today's infections shed from tomorrow on.
  const newly = new Set<string>();
  for (const [placeId, list] of byPlace) {
    const category = places.get(placeId)?.category ?? 'default';
    const sources = list.filter((v) => {
      const a = agents.get(v.agentId)!;
      return !newly.has(a.id) && isInfectiousAt(a, v.startMs);
    });
    if (sources.length === 0) continue;
    for (const target of list) {
      const b = agents.get(target.agentId)!;
      if (b.infectedAtMs !== null) continue;
      for (const src of sources) {
        if (src.agentId === target.agentId) continue;
        const minutes = (Math.min(src.endMs, target.endMs) - Math.max(src.startMs, target.startMs)) / MIN;
        if (minutes <= 0) continue;
        const a = agents.get(src.agentId)!;
        if (!rng.chance(transmissionProbability(category, minutes, a.shedding, params))) continue;
        const atMs = Math.max(src.startMs, target.startMs);
        infect(b, atMs, rng, params);
        newly.add(b.id);
        out.push({
          infecteeId: b.id,
          infectorId: a.id,
          placeId,
          atMs,
          bothScanned: src.scanned && target.scanned,
          infectorArrivalMs: src.startMs,
          infecteeArrivalMs: target.startMs,
        });
        break;
      }
    }
  }
  const households = new Map<string, Agent[]>();
  for (const a of agents.values()) {
    const list = households.get(a.householdId);
    if (list) list.push(a);
    else households.set(a.householdId, [a]);
  }
  const evening = dayStartMs + 21 * HOUR_MS;
  for (const members of households.values()) {
    const sick = members.filter((m) => !newly.has(m.id) && isInfectiousAt(m, evening));
    if (sick.length === 0) continue;
    for (const m of members) {
      if (m.infectedAtMs !== null) continue;
      const src = sick.find(() => rng.chance(params.householdDaily));
      if (!src) continue;
      infect(m, evening, rng, params);
      newly.add(m.id);
      out.push({
        infecteeId: m.id,
        infectorId: src.id,
        placeId: null,
        atMs: evening,
        bothScanned: false,
        infectorArrivalMs: null,
        infecteeArrivalMs: null,
      });
    }
  }
  return out;
}
