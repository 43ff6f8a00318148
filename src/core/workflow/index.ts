/**
 * Public API of the incident workflow core: the closed-loop state machine, working-time deadlines and
 * escalation, the category tree, evaluation metrics, the Open311 mapping and campaign coverage. Pure: time comes
 * in as epoch-ms parameters.
 */

export * from './stages.ts';
export * from './calendar.ts';
export * from './deadlines.ts';
export * from './escalation.ts';
export * from './categories.ts';
export { SEED_CATEGORY_TREE } from './category-seed.ts';
export * from './incident.ts';
export * from './config.ts';
export { allowedActions, escalate, reportIncident, transition } from './state-machine.ts';
export type { IncidentReport } from './state-machine.ts';
export * from './metrics.ts';
export * from './open311.ts';
export * from './campaign.ts';
