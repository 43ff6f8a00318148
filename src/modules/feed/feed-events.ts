import { inScope } from '../../core/policy/policy.ts';

/**
 * What the command-center feed may show of each event: counts, grids, stages and staff roles, never people.
 * Fields are copied from an allowlist per topic family, so a field added to an event later (a person id, a fact
 * id, a household) stays out of the feed until someone decides it belongs there.
 */

const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  incident: [
    'incidentId',
    'type',
    'seq',
    'from',
    'stage',
    'categoryCode',
    'gridCode',
    'path',
    'at',
    'dueAt',
    'assigneeId',
    'actorRole',
    'escalation',
    'late',
  ],
  task: ['taskId', 'kind', 'status', 'gridCode', 'path', 'assigneeId', 'dueAt', 'campaignId', 'incidentId'],
  // A status change says which grid now has one more red or yellow; not whose, and not why.
  status: ['from', 'to', 'colorChanged', 'gridCode', 'path'],
  campaign: ['campaignId', 'name', 'path', 'gridCode', 'households', 'dueAt', 'outcome'],
};

export const FEED_FAMILIES = Object.keys(ALLOWED);

export interface FeedEvent {
  id: number;
  topic: string;
  at: string;
  data: Record<string, unknown>;
}

function familyOf(topic: string): string | null {
  const family = topic.split('.')[0] ?? '';
  return family in ALLOWED ? family : null;
}

/**
 * The event as the viewer may see it, or null when it is not for the feed or lies outside the viewer's
 * jurisdiction. Events without a path are never shown: scope cannot be checked on them.
 */
export function feedEventFor(
  viewerScope: string,
  families: ReadonlySet<string>,
  e: { id: number; topic: string; payload: Record<string, unknown>; createdAt: Date },
): FeedEvent | null {
  const family = familyOf(e.topic);
  if (family === null || !families.has(family)) return null;
  const path = e.payload.path;
  if (typeof path !== 'string' || !inScope(viewerScope, path)) return null;
  const data: Record<string, unknown> = {};
  for (const k of ALLOWED[family] ?? []) if (e.payload[k] !== undefined) data[k] = e.payload[k];
  return { id: e.id, topic: e.topic, at: e.createdAt.toISOString(), data };
}

/** One server-sent event; the id lets a reconnecting client resume with Last-Event-ID. */
export function sseFrame(e: FeedEvent): string {
  return `id: ${e.id}\nevent: ${e.topic}\ndata: ${JSON.stringify({ at: e.at, ...e.data })}\n\n`;
}
