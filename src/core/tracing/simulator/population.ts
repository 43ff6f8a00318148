import type { Prng } from '../../random/prng.ts';
import type { Agent, SimPlace } from './model.ts';

export interface ResidentInput {
  id: string;
  householdId: string;
  path: string;
  birthYear: number;
}

const WORK = ['office', 'shop', 'restaurant', 'market', 'supermarket', 'hospital', 'clinic', 'factory'];
const VENUES = ['restaurant', 'shop', 'market', 'supermarket', 'gym', 'cinema'];

/** Places ordered by nearness: same community, then subdistrict, district, city. */
function near(places: SimPlace[], path: string, categories: string[]): SimPlace[][] {
  const parts = path.split('.');
  const tiers: SimPlace[][] = [[], [], [], []];
  for (const p of places) {
    if (!categories.includes(p.category)) continue;
    const q = p.path.split('.');
    const shared = q.findIndex((seg, i) => seg !== parts[i]);
    const depth = shared < 0 ? q.length : shared;
    const tier = depth >= parts.length ? 0 : depth >= parts.length - 1 ? 1 : depth >= parts.length - 2 ? 2 : 3;
    tiers[tier]!.push(p);
  }
  return tiers;
}

function pickNear(tiers: SimPlace[][], rng: Prng, localBias = 0.75): SimPlace | null {
  for (const tier of tiers) {
    if (tier.length === 0) continue;
    if (rng.chance(localBias) || tier === tiers[tiers.length - 1]) return rng.pick(tier);
  }
  const all = tiers.flat();
  return all.length ? rng.pick(all) : null;
}

/**
 * Gives every resident a role by age, a workplace or school (mostly near home) and a few favourite venues near home.
 */
export function buildPopulation(residents: ResidentInput[], places: SimPlace[], year: number, rng: Prng): Agent[] {
  const cache = new Map<string, { work: SimPlace[][]; school: SimPlace[][]; venues: SimPlace[][] }>();
  return residents.map((r) => {
    let tiers = cache.get(r.path);
    if (!tiers) {
      tiers = {
        work: near(places, r.path, WORK),
        school: near(places, r.path, ['school']),
        venues: near(places, r.path, VENUES),
      };
      cache.set(r.path, tiers);
    }
    const age = year - r.birthYear;
    const role: Agent['role'] =
      age >= 6 && age < 18 ? 'student' : age >= 18 && age < 65 && rng.chance(0.75) ? 'worker' : 'home';
    const work =
      role === 'student' ? pickNear(tiers.school, rng, 0.9) : role === 'worker' ? pickNear(tiers.work, rng, 0.5) : null;
    const venues = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const v = pickNear(tiers.venues, rng, 0.8);
      if (v) venues.add(v.id);
    }
    return {
      id: r.id,
      householdId: r.householdId,
      path: r.path,
      age,
      role: work || role === 'home' ? role : 'home',
      workPlaceId: work?.id ?? null,
      venueIds: [...venues],
      infectedAtMs: null,
      infectiousFromMs: 0,
      infectiousUntilMs: 0,
      onsetMs: null,
      shedding: 0,
    };
  });
}
