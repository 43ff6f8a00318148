import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from './calendar.ts';
import type { Actor, WorkflowAction } from './incident.ts';
import { evaluateGroups, evaluateIncidents, groupBy } from './metrics.ts';
import type { IncidentHistory } from './metrics.ts';
import {
  assignee,
  COMMUNITY,
  drive,
  local,
  officer1,
  officer2,
  OTHER_COMMUNITY,
  subdistrictOfficer,
  testConfig,
  worker1,
  worker2,
} from './test-fixtures.ts';

const config = testConfig();
const worker3: Actor = { id: 'w3', role: 'grid_worker', jurisdictionPath: OTHER_COMMUNITY };

function history(
  id: string,
  grid: string,
  reportedAt: number,
  steps: WorkflowAction[],
  path: string = COMMUNITY,
): IncidentHistory {
  const { state, events } = drive(config, { id, at: reportedAt, grid, path }, steps);
  return { incidentId: id, gridCode: state.gridCode, jurisdictionPath: path, categoryCode: state.categoryCode, events };
}

const mon = (h: number, m = 0) => local(2024, 3, 4, h, m);
const tue = (h: number, m = 0) => local(2024, 3, 5, h, m);
const wed = (h: number, m = 0) => local(2024, 3, 6, h, m);
const fri = (h: number, m = 0) => local(2024, 3, 8, h, m);

const intake = (
  at: number,
  worker: Actor = worker1,
  dispatcher: Actor = officer1,
  department = 'sanitation',
): WorkflowAction[] => [
  { type: 'file', actor: dispatcher, at: at + 5 * MINUTE_MS },
  { type: 'dispatch', actor: dispatcher, at: at + 10 * MINUTE_MS, assignee: assignee(worker, department) },
  { type: 'accept', actor: worker, at: at + 15 * MINUTE_MS },
];

// Hand-built timelines (category 0101: file 1 wh, dispatch 1 wh, handle 4 wh, verify 2 wh).
const HISTORIES: IncidentHistory[] = [
  // A: on time throughout. Handling 09:10–10:00 (50 min), report → close 90 min.
  history('A', 'g1', mon(9), [
    ...intake(mon(9)),
    { type: 'feedback', actor: worker1, at: mon(10), reason: 'cleared' },
    { type: 'close', actor: officer2, at: mon(10, 30) },
  ]),
  // B: handled a day late (due Monday 14:40). Handling 23 h 50, report → close 24 h 30.
  history('B', 'g1', mon(9), [
    ...intake(mon(9), worker2),
    { type: 'feedback', actor: worker2, at: tue(9), reason: 'cleared' },
    { type: 'close', actor: officer2, at: tue(9, 30) },
  ]),
  // C: reworked once, on time. Handling 50 + 30 = 80 min, report → close 150 min.
  history('C', 'g2', mon(9), [
    ...intake(mon(9)),
    { type: 'feedback', actor: worker1, at: mon(10), reason: 'cleared' },
    { type: 'rework', actor: officer2, at: mon(10, 30), reason: 'bags left behind' },
    { type: 'feedback', actor: worker1, at: mon(11), reason: 'bags removed' },
    { type: 'close', actor: officer2, at: mon(11, 30) },
  ]),
  // D: in another community, accepted Tuesday and overdue from 14:40.
  history('D', 'g4', tue(9), intake(tue(9), worker3, subdistrictOfficer, 'urban_management'), OTHER_COMMUNITY),
  // E: filed Friday 11:05, dispatch due 12:05.
  history('E', 'g3', fri(11), [{ type: 'file', actor: officer1, at: fri(11, 5) }]),
  // F: parked while being handled.
  history('F', 'g3', wed(9), [
    ...intake(wed(9)),
    { type: 'park', actor: officer1, at: wed(10), reason: 'kerb rebuilt in spring' },
  ]),
  // G: not accepted as a case.
  history('G', 'g3', wed(9), [
    { type: 'reject', actor: officer1, at: wed(9, 30), reason: 'nothing on site', rejection: 'unverified' },
  ]),
  // I: reported Monday afternoon and never filed.
  history('I', 'g3', mon(14), []),
  // H: reported before the period, closed inside it: not in the cohort.
  history('H', 'g1', local(2024, 2, 28, 9, 0), [
    ...intake(local(2024, 2, 28, 9, 0)),
    { type: 'feedback', actor: worker1, at: mon(9), reason: 'done' },
    { type: 'close', actor: officer2, at: mon(9, 30) },
  ]),
];

const MARCH = { from: local(2024, 3, 1), to: local(2024, 4, 1) };
const FRIDAY_NOON = { ...MARCH, asOf: fri(12) };

describe('evaluateIncidents', () => {
  it('computes the standard indicators on hand-built timelines', () => {
    expect(evaluateIncidents(HISTORIES, FRIDAY_NOON)).toEqual({
      reported: 8,
      rejected: 1,
      filed: 6,
      dueForClosure: 4,
      closed: 3,
      closedOnTime: 2,
      open: 3,
      parked: 1,
      overdue: 1,
      handled: 3,
      reworked: 1,
      closureRate: 0.75,
      onTimeClosureRate: 0.5,
      reworkRate: 1 / 3,
      averageHandlingMs: ((50 + 1430 + 80) / 3) * MINUTE_MS,
      averageClosingMs: ((90 + 1470 + 150) / 3) * MINUTE_MS,
    });
  });

  it('counts cases that become overdue later in the period as due', () => {
    const m = evaluateIncidents(HISTORIES, MARCH);
    expect(m).toMatchObject({ overdue: 2, dueForClosure: 5, closed: 3, parked: 1 });
    expect(m.closureRate).toBeCloseTo(0.6);
  });

  it('ignores events after asOf', () => {
    const m = evaluateIncidents(HISTORIES, { ...MARCH, asOf: mon(10, 15) });
    // Only A, B and C had been reported; A had feedback but was not closed yet.
    expect(m).toMatchObject({ reported: 3, closed: 0, handled: 2, open: 3, overdue: 0, closureRate: null });
  });

  it('returns nulls, not NaN, for empty cohorts', () => {
    const m = evaluateIncidents(HISTORIES, { from: local(2023, 1, 1), to: local(2023, 2, 1) });
    expect(m).toMatchObject({
      reported: 0,
      closureRate: null,
      onTimeClosureRate: null,
      reworkRate: null,
      averageHandlingMs: null,
    });
  });

  it('refuses an empty period', () => {
    expect(() => evaluateIncidents(HISTORIES, { from: MARCH.to, to: MARCH.from })).toThrow(RangeError);
  });
});

describe('evaluateGroups', () => {
  const byKey = (groups: ReturnType<typeof evaluateGroups>) =>
    Object.fromEntries(groups.map((g) => [String(g.key), g.metrics]));

  it('per worker: the one who gave feedback, else the assignee; unassigned incidents under null', () => {
    const groups = evaluateGroups(HISTORIES, FRIDAY_NOON, groupBy.worker);
    expect(groups.map((g) => g.key)).toEqual(['w1', 'w2', 'w3', null]);
    const m = byKey(groups);
    expect(m.w1).toMatchObject({
      reported: 3,
      closed: 2,
      closedOnTime: 2,
      parked: 1,
      dueForClosure: 2,
      closureRate: 1,
    });
    expect(m.w2).toMatchObject({ reported: 1, closed: 1, closedOnTime: 0, onTimeClosureRate: 0 });
    expect(m.w3).toMatchObject({ reported: 1, overdue: 1, closureRate: 0 });
    expect(m.null).toMatchObject({ reported: 3, rejected: 1, filed: 1, dueForClosure: 0, closureRate: null });
  });

  it('per grid and per department', () => {
    const grids = byKey(evaluateGroups(HISTORIES, FRIDAY_NOON, groupBy.grid));
    expect(Object.keys(grids)).toEqual(['g1', 'g2', 'g3', 'g4']);
    expect(grids.g1).toMatchObject({ reported: 2, closed: 2, closedOnTime: 1 });
    expect(grids.g2).toMatchObject({ reported: 1, reworked: 1, reworkRate: 1 });
    const departments = byKey(evaluateGroups(HISTORIES, FRIDAY_NOON, groupBy.department));
    expect(departments.sanitation).toMatchObject({ reported: 4, closed: 3 });
    expect(departments.urban_management).toMatchObject({ reported: 1, overdue: 1 });
  });

  it('per jurisdiction, at one depth or rolled up to every ancestor', () => {
    const level4 = byKey(evaluateGroups(HISTORIES, FRIDAY_NOON, groupBy.jurisdiction(4)));
    expect(level4[COMMUNITY]).toMatchObject({ reported: 7 });
    expect(level4[OTHER_COMMUNITY]).toMatchObject({ reported: 1 });
    const rolled = evaluateGroups(HISTORIES, FRIDAY_NOON, groupBy.jurisdiction());
    expect(rolled.map((g) => [g.key, g.metrics.reported])).toEqual([
      ['330100', 8],
      ['330100.330106', 8],
      ['330100.330106.001', 8],
      [COMMUNITY, 7],
      [OTHER_COMMUNITY, 1],
    ]);
    expect(rolled[0]!.metrics).toEqual(evaluateIncidents(HISTORIES, FRIDAY_NOON));
  });

  it('per major category', () => {
    const groups = evaluateGroups(HISTORIES, FRIDAY_NOON, groupBy.majorCategory);
    expect(groups.map((g) => [g.key, g.metrics.reported])).toEqual([['01', 8]]);
  });
});
