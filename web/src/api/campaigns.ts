import { getAllMyTasks, type Task } from './tasks.ts';

export interface VisitProgress {
  campaignId: string;
  gridCode: string;
  households: number;
  /** Spoken to: reached, refused or needing help (a later nobody-home visit does not undo it). */
  reached: number;
  /** Never visited, or nobody home so far: still on the revisit list. */
  unreached: Task[];
  /** Reached, but they refused or need help. */
  followUp: number;
  dueAt: string;
}

const outcomeOf = (t: Task) => (typeof t.result?.outcome === 'string' ? t.result.outcome : null);

/**
 * Door-to-door campaign progress of the signed-in worker, per campaign and grid, from their own visit tasks
 * (GET /me/tasks?kind=campaign_visit). A campaign deals one visit task per household to the grid's workers, so
 * these are exactly the households the worker answers for; coverage reports (GET /campaigns/:id/coverage) are
 * for officers.
 */
export async function myCampaignProgress(signal?: AbortSignal): Promise<VisitProgress[]> {
  const tasks = await getAllMyTasks({ kind: 'campaign_visit', status: 'all' }, signal);
  const groups = new Map<string, VisitProgress>();
  for (const t of tasks) {
    if (!t.campaignId || t.status === 'cancelled') continue;
    const key = `${t.campaignId}:${t.gridCode}`;
    const g = groups.get(key) ?? {
      campaignId: t.campaignId,
      gridCode: t.gridCode,
      households: 0,
      reached: 0,
      unreached: [],
      followUp: 0,
      dueAt: t.dueAt,
    };
    g.households += 1;
    if (t.status === 'completed') {
      g.reached += 1;
      const o = outcomeOf(t);
      if (o === 'refused' || o === 'needs_help') g.followUp += 1;
    } else g.unreached.push(t);
    groups.set(key, g);
  }
  // Households where nobody was home come first on the revisit list: they have waited longest.
  for (const g of groups.values()) g.unreached.sort((a, b) => b.attempts - a.attempts);
  return [...groups.values()].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
}
