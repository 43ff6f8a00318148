import { describe, expect, it } from 'vitest';
import { emergencyCutoffs, inForce, rollingCutoff } from './policy.ts';

const D = (day: number) => new Date(Date.UTC(2026, 0, 1) + day * 86400_000);

describe('retention policy', () => {
  it('rolls each category back by its own period', () => {
    const days = {
      scans: 28,
      health_facts: 180,
      statuses: 180,
      cases_contacts: 365,
      incident_photos: 90,
      audit_entries: 1825,
    };
    expect(rollingCutoff('scans', days, D(100))).toEqual(D(72));
    expect(rollingCutoff('audit_entries', days, D(2000))).toEqual(D(175));
  });

  it('starts the clock for emergency data when an emergency ends without renewal', () => {
    const city = { path: '990100', startsAt: D(0), endsAt: D(90) };
    expect(emergencyCutoffs([city], 30, D(100))).toEqual([]);
    expect(emergencyCutoffs([city], 30, D(120))).toEqual([{ path: '990100', cutoff: D(90), endedAt: D(90) }]);
    const renewal = { path: '990100', startsAt: D(90), endsAt: D(150) };
    expect(emergencyCutoffs([city, renewal], 30, D(120))).toEqual([]);
    expect(emergencyCutoffs([city, renewal], 30, D(181))).toEqual([
      { path: '990100', cutoff: D(150), endedAt: D(150) },
    ]);
    // A city-wide declaration bridges the end of a district's own.
    const district = { path: '990100.990101', startsAt: D(0), endsAt: D(40) };
    expect(emergencyCutoffs([city, district], 10, D(60))).toEqual([]);
  });

  it('knows which declaration covers a place at an instant', () => {
    const d = [{ path: '990100', startsAt: D(0), endsAt: D(90) }];
    expect(inForce(d, '990100.990101.1', D(10))).toBe(d[0]);
    expect(inForce(d, '990200.1', D(10))).toBeNull();
    expect(inForce(d, '990100.1', D(90))).toBeNull();
  });
});
