import { describe, expect, it } from 'vitest';
import { campaignProgress } from './campaign.ts';
import type { CampaignHousehold, VisitOutcome, VisitResult } from './campaign.ts';
import { COMMUNITY, OTHER_COMMUNITY, local } from './test-fixtures.ts';

const G1 = '330106001002001';
const G2 = '330106001002002';
const G3 = '330106001003001';

const households: CampaignHousehold[] = [
  { id: 'h1', gridCode: G1, jurisdictionPath: COMMUNITY },
  { id: 'h2', gridCode: G1, jurisdictionPath: COMMUNITY },
  { id: 'h3', gridCode: G1, jurisdictionPath: COMMUNITY },
  { id: 'h4', gridCode: G2, jurisdictionPath: COMMUNITY },
  { id: 'h5', gridCode: G2, jurisdictionPath: COMMUNITY },
  { id: 'h6', gridCode: G3, jurisdictionPath: OTHER_COMMUNITY },
];

const visit = (householdId: string, outcome: VisitOutcome, day: number, hour = 10): VisitResult => ({
  householdId,
  outcome,
  at: local(2024, 3, day, hour),
  workerId: 'w1',
});

const visits: VisitResult[] = [
  visit('h1', 'reached', 4),
  visit('h2', 'nobody_home', 4),
  visit('h2', 'nobody_home', 5),
  visit('h3', 'nobody_home', 4),
  visit('h3', 'reached', 5),
  visit('h4', 'needs_help', 4),
  visit('h5', 'refused', 4),
  // h6 never visited.
];

describe('campaignProgress', () => {
  const progress = campaignProgress(households, visits);

  it('counts reached households; nobody home is not reached', () => {
    expect(progress.overall).toEqual({
      households: 6,
      reached: 4,
      unreached: 2,
      unvisited: 1,
      nobodyHome: 1,
      refused: 1,
      needsHelp: 1,
      coverage: 4 / 6,
    });
  });

  it('lists the unreached households with their attempts ("no dead ends")', () => {
    expect(progress.unreached.map((h) => [h.householdId, h.status, h.attempts])).toEqual([
      ['h2', 'nobody_home', 2],
      ['h6', 'unvisited', 0],
    ]);
    expect(progress.unreached[0]!.lastVisitAt).toBe(local(2024, 3, 5, 10));
  });

  it('lists households to follow up: needs help or refused', () => {
    expect(progress.followUp.map((h) => [h.householdId, h.status])).toEqual([
      ['h4', 'needs_help'],
      ['h5', 'refused'],
    ]);
  });

  it('breaks coverage down per grid and rolls it up per jurisdiction', () => {
    expect(progress.byGrid.map((g) => [g.gridCode, g.coverage.reached, g.coverage.households])).toEqual([
      [G1, 2, 3],
      [G2, 2, 2],
      [G3, 0, 1],
    ]);
    expect(progress.byJurisdiction.map((j) => [j.jurisdictionPath, j.coverage.reached, j.coverage.households])).toEqual(
      [
        ['330100', 4, 6],
        ['330100.330106', 4, 6],
        ['330100.330106.001', 4, 6],
        [COMMUNITY, 4, 5],
        [OTHER_COMMUNITY, 0, 1],
      ],
    );
  });

  it('a later nobody-home visit does not undo a contact, and the last contact decides the status', () => {
    const p = campaignProgress(households.slice(0, 1), [
      visit('h1', 'needs_help', 4),
      visit('h1', 'nobody_home', 6),
      visit('h1', 'reached', 5),
    ]);
    expect(p.households[0]).toMatchObject({
      status: 'reached',
      reached: true,
      attempts: 3,
      lastVisitAt: local(2024, 3, 6, 10),
    });
  });

  it('ignores visits after asOf', () => {
    const p = campaignProgress(households, visits, local(2024, 3, 4, 23));
    expect(p.overall).toMatchObject({ reached: 3, nobodyHome: 2 });
    expect(p.unreached.map((h) => h.householdId)).toEqual(['h2', 'h3', 'h6']);
  });

  it('reports visits to households outside the campaign and refuses duplicates and unknown outcomes', () => {
    const stray = visit('h99', 'reached', 4);
    expect(campaignProgress(households, [...visits, stray]).strayVisits).toEqual([stray]);
    expect(() => campaignProgress([...households, households[0]!], [])).toThrow(
      'household h1 is listed twice in the campaign',
    );
    expect(() =>
      campaignProgress(households, [{ ...stray, householdId: 'h1', outcome: 'gone' as VisitOutcome }]),
    ).toThrow("visit to h1 has unknown outcome 'gone'");
  });

  it('has null coverage for an empty scope', () => {
    expect(campaignProgress([], []).overall.coverage).toBeNull();
  });
});
