import { describe, expect, it } from 'vitest';
import { runScenario } from './scenario.ts';

describe('tessera scenario: the Zhengzhou replay is flagged within minutes, a normal outbreak is not', () => {
  it('flags the station-exit exposures and the mass overrides, each within the first minutes of the pattern', async () => {
    const r = await runScenario('zhengzhou', { residents: 700, people: 60, seed: 3 });
    const first = (phase: string, detector: string) =>
      r.flags.find((f) => f.phase === phase && f.detector === detector);
    const chain = first('station-exposures', 'unsupported-status');
    expect(chain).toBeTruthy();
    expect(chain!.afterActions).toBe(1);
    const burst = first('station-exposures', 'exposure-burst');
    expect(burst).toBeTruthy();
    expect(burst!.afterActions).toBe(25);
    expect(burst!.simMinutes).toBeLessThanOrEqual(5);
    expect(burst!.severity).toBe('high');
    const overrides = first('mass-overrides', 'override-burst');
    expect(overrides).toBeTruthy();
    expect(overrides!.afterActions).toBeLessThanOrEqual(10);
    expect(overrides!.simMinutes).toBeLessThanOrEqual(5);
    // Nothing was flagged during the ordinary outbreak that preceded the abuse.
    expect(r.flags.filter((f) => f.phase === 'outbreak')).toEqual([]);
    for (const f of r.flags) expect(f.latencyMs).toBeLessThan(5_000);
  });

  it('raises no flag on a normal outbreak, continuously or in the sweep afterwards', async () => {
    const r = await runScenario('normal', { residents: 700, seed: 4 });
    expect(r.actions.outbreak).toBeGreaterThan(80);
    expect(r.flags).toEqual([]);
    expect(r.sweep.raised).toBe(0);
  });
});
