import type { RouteModule } from '../../platform/http/types.ts';
import { householdRoutes } from './households.routes.ts';
import { placeRoutes } from './places.routes.ts';
import { residentRoutes } from './residents.routes.ts';
import { staffRoutes } from './staff.routes.ts';

/** Households, residents (and `/me`), places and staff. */
export const registryRoutes: RouteModule = async (app, ctx) => {
  for (const mod of [householdRoutes, residentRoutes, placeRoutes, staffRoutes]) await mod(app, ctx);
};
