import { DEFAULT_WORKING_CALENDAR, MINUTE_MS } from './calendar.ts';
import type { EpochMs, WorkingCalendar } from './calendar.ts';
import { SEED_CATEGORY_TREE } from './category-seed.ts';
import { createWorkflowConfig } from './config.ts';
import type { WorkflowConfig, WorkflowConfigInput } from './config.ts';
import type { Actor, Assignee, IncidentState, TimelineEvent, WorkflowAction } from './incident.ts';
import { reportIncident, transition } from './state-machine.ts';

/** Shared fixtures for the workflow tests: a small jurisdiction tree, its staff, and helpers to drive incidents. */

export const CITY = '330100';
export const DISTRICT = `${CITY}.330106`;
export const SUBDISTRICT = `${DISTRICT}.001`;
export const COMMUNITY = `${SUBDISTRICT}.002`;
export const OTHER_COMMUNITY = `${SUBDISTRICT}.003`;
export const GRID = '330106001002001';

/** Local wall-clock time at UTC+8 (the default calendar's zone) as epoch ms. */
export function local(y: number, mo: number, d: number, h = 0, mi = 0): EpochMs {
  return Date.UTC(y, mo - 1, d, h, mi) - 480 * MINUTE_MS;
}

// 2024-03-04 is a Monday.
export const MON_0900 = local(2024, 3, 4, 9, 0);

export const resident: Actor = { id: 'res-1', role: 'resident', jurisdictionPath: null };
export const worker1: Actor = { id: 'w1', role: 'grid_worker', jurisdictionPath: COMMUNITY };
export const worker2: Actor = { id: 'w2', role: 'grid_worker', jurisdictionPath: COMMUNITY };
export const officer1: Actor = { id: 'c1', role: 'community_officer', jurisdictionPath: COMMUNITY };
export const officer2: Actor = { id: 'c2', role: 'community_officer', jurisdictionPath: COMMUNITY };
export const subdistrictOfficer: Actor = { id: 's1', role: 'subdistrict_officer', jurisdictionPath: SUBDISTRICT };
export const strangerOfficer: Actor = { id: 'c9', role: 'community_officer', jurisdictionPath: OTHER_COMMUNITY };

export function assignee(actor: Actor, department: string | null = 'sanitation'): Assignee {
  if (actor.role === 'resident' || actor.jurisdictionPath === null) throw new Error('assignees are staff');
  return { id: actor.id, role: actor.role, jurisdictionPath: actor.jurisdictionPath, department };
}

export function testConfig(
  overrides: Partial<WorkflowConfigInput> = {},
  calendar: WorkingCalendar = DEFAULT_WORKING_CALENDAR,
): WorkflowConfig {
  return createWorkflowConfig({ categories: SEED_CATEGORY_TREE, calendar, ...overrides });
}

export interface Driven {
  state: IncidentState;
  events: TimelineEvent[];
}

/** Reports an incident and applies actions in order, failing loudly if any step is refused. */
export function drive(
  config: WorkflowConfig,
  opts: { id?: string; category?: string; at?: EpochMs; reporter?: Actor; path?: string; grid?: string | null },
  steps: readonly WorkflowAction[],
): Driven {
  const reported = reportIncident(
    {
      id: opts.id ?? 'inc-1',
      categoryCode: opts.category ?? '0101',
      jurisdictionPath: opts.path ?? COMMUNITY,
      gridCode: opts.grid === undefined ? GRID : opts.grid,
      source: 'resident',
      actor: opts.reporter ?? resident,
      at: opts.at ?? MON_0900,
    },
    config,
  );
  if (!reported.ok) throw new Error(`report refused: ${reported.error.message}`);
  return continueWith(config, { state: reported.next, events: [reported.event] }, steps);
}

export function continueWith(config: WorkflowConfig, from: Driven, steps: readonly WorkflowAction[]): Driven {
  let { state } = from;
  const events = [...from.events];
  for (const step of steps) {
    const r = transition(state, step, config);
    if (!r.ok) throw new Error(`${step.type} at ${new Date(step.at).toISOString()} refused: ${r.error.message}`);
    state = r.next;
    events.push(r.event);
  }
  return { state, events };
}

/** The usual path to a given stage, each step a few minutes after the previous one. */
export function stepsTo(
  stage: 'collected' | 'filed' | 'dispatched' | 'handling' | 'handled' | 'closed' | 'evaluated',
  start: EpochMs = MON_0900,
): WorkflowAction[] {
  const at = (n: number) => start + n * 5 * MINUTE_MS;
  const all: WorkflowAction[] = [
    { type: 'file', actor: officer1, at: at(1) },
    { type: 'dispatch', actor: officer1, at: at(2), assignee: assignee(worker1) },
    { type: 'accept', actor: worker1, at: at(3) },
    { type: 'feedback', actor: worker1, at: at(4), reason: 'garbage removed' },
    { type: 'close', actor: officer2, at: at(5) },
    { type: 'evaluate', actor: officer2, at: at(6), rating: 5 },
  ];
  const count = { collected: 0, filed: 1, dispatched: 2, handling: 3, handled: 4, closed: 5, evaluated: 6 }[stage];
  return all.slice(0, count);
}
