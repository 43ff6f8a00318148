import type { RouteModule } from '../../platform/http/types.ts';
import { campaignRoutes } from '../campaigns/campaigns.routes.ts';
import { evaluationRoutes } from '../evaluation/evaluation.routes.ts';
import { feedRoutes } from '../feed/feed.routes.ts';
import { taskRoutes } from '../tasks/tasks.routes.ts';
import { categoryRoutes } from './categories.routes.ts';
import { incidentRoutes } from './incidents.routes.ts';

/** Grid operations under /api/v1: categories, incidents, tasks, campaigns, evaluation and the live feed. */
export const gridOperationsRoutes: RouteModule = async (app, ctx) => {
  for (const mod of [categoryRoutes, incidentRoutes, taskRoutes, campaignRoutes, evaluationRoutes, feedRoutes])
    await mod(app, ctx);
};
