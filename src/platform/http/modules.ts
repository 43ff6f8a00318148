import type { RouteModule } from './types.ts';
import { authRoutes } from '../../modules/auth/auth.routes.ts';
import { gridRoutes } from '../../modules/grids/grids.routes.ts';
import { jurisdictionRoutes } from '../../modules/jurisdictions/jurisdictions.routes.ts';
import { registryRoutes } from '../../modules/registry/registry.routes.ts';
import { importRoutes } from '../../modules/imports/imports.routes.ts';
import { healthRoutes } from './health.routes.ts';
import { statusRoutes } from '../../modules/status/status.routes.ts';
import { codeRoutes } from '../../modules/codes/codes.routes.ts';
import { accountabilityRoutes } from '../../modules/accountability/accountability.routes.ts';
import { statsRoutes } from '../../modules/stats/stats.routes.ts';
import { scanRoutes } from '../../modules/scans/scans.routes.ts';
import { gridOperationsRoutes } from '../../modules/incidents/grid-operations.routes.ts';
import { labRoutes } from '../../modules/labs/labs.routes.ts';
import { caseRoutes } from '../../modules/cases/cases.routes.ts';
import { followupRoutes } from '../../modules/followup/followup.routes.ts';

/** Every domain module's routes, mounted under /api/v1. Add one line per module. */
export const routeModules: RouteModule[] = [
  healthRoutes,
  authRoutes,
  jurisdictionRoutes,
  gridRoutes,
  registryRoutes,
  importRoutes,
  statusRoutes,
  codeRoutes,
  accountabilityRoutes,
  statsRoutes,
  scanRoutes,
  gridOperationsRoutes,
  labRoutes,
  caseRoutes,
  followupRoutes,
];
