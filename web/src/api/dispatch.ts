import { getGrid } from './geo.ts';
import { actOnIncident, type Incident, type IncidentSummary } from './incidents.ts';

export interface Worker {
  id: string;
  displayName: string;
}

/** The grid workers of a unit grid, read fresh (assignments change during a shift). */
export async function gridWorkers(gridCode: string, signal?: AbortSignal): Promise<Worker[]> {
  const g = await getGrid(gridCode, signal);
  return g.properties.workers ?? [];
}

/** Stages in which an officer can hand the incident to someone: first dispatch, or a reassignment. */
export const DISPATCHABLE = ['collected', 'filed', 'returned'] as const;
export const REASSIGNABLE = ['dispatched', 'handling'] as const;
export const PARKABLE = ['dispatched', 'handling'] as const;
/** Stages with a running time limit and the work not yet done: the workflow's `escalate` step applies. */
export const ESCALATABLE = ['collected', 'filed', 'returned', 'dispatched', 'handling', 'handled'] as const;

export const mayAssign = (stage: string) =>
  (DISPATCHABLE as readonly string[]).includes(stage) || (REASSIGNABLE as readonly string[]).includes(stage);
export const mayEscalate = (stage: string) => (ESCALATABLE as readonly string[]).includes(stage);
export const mayPark = (stage: string) => (PARKABLE as readonly string[]).includes(stage);

/**
 * Assigns an incident to a grid worker through the workflow: a new report is filed (立案) first, then dispatched
 * (派遣); one already with someone is reassigned, which needs a reason and keeps its clock running.
 */
export async function assignIncident(
  incident: IncidentSummary,
  assigneeId: string,
  reason: string | undefined,
): Promise<Incident> {
  if ((REASSIGNABLE as readonly string[]).includes(incident.stage))
    return actOnIncident(incident.id, { type: 'reassign', assigneeId, ...(reason ? { reason } : {}) });
  if (incident.stage === 'collected') await actOnIncident(incident.id, { type: 'file' });
  return actOnIncident(incident.id, { type: 'dispatch', assigneeId, ...(reason ? { reason } : {}) });
}

/**
 * Escalated supervision (督办): the next jurisdiction level up supervises the incident, with the officer's written
 * reason on the record. The time limit keeps running. Overdue incidents also escalate by themselves, level by level.
 */
export const escalateIncident = (id: string, reason: string) => actOnIncident(id, { type: 'escalate', reason });

/**
 * Puts an incident the grid cannot resolve within any limit on the problem ledger (挂账): its clock stops until it
 * is resumed, with the officer's written explanation.
 */
export const parkIncident = (id: string, reason: string) => actOnIncident(id, { type: 'park', reason });

/** Takes a parked incident off the ledger: back to where it was, with a fresh handling limit. */
export const resumeIncident = (id: string) => actOnIncident(id, { type: 'resume' });
