import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Principal, StaffRole } from './api/types.ts';

export type AreaId = 'command' | 'resident' | 'worker' | 'checkpoint' | 'health' | 'oversight' | 'lab' | 'venue';
export type Audience = StaffRole | 'resident';
/** wall: dark operations screen; mobile: phone-first; desk: office pages. */
export type Theme = 'wall' | 'mobile' | 'desk';

export interface Area {
  id: AreaId;
  path: `/${string}`;
  theme: Theme;
  audience: readonly Audience[];
  // One lazy chunk per area: a resident's phone never downloads the map engine.
  Screen: LazyExoticComponent<ComponentType>;
}

const OFFICERS = ['community_officer', 'subdistrict_officer', 'district_officer', 'admin'] as const;

export const AREAS: readonly Area[] = [
  {
    id: 'command',
    path: '/command',
    theme: 'wall',
    audience: [...OFFICERS, 'health_officer', 'auditor'],
    Screen: lazy(() => import('./routes/command/CommandCenter.tsx')),
  },
  {
    id: 'resident',
    path: '/resident',
    theme: 'mobile',
    audience: ['resident'],
    Screen: lazy(() => import('./routes/resident/ResidentHome.tsx')),
  },
  {
    id: 'worker',
    path: '/worker',
    theme: 'mobile',
    audience: ['grid_worker'],
    Screen: lazy(() => import('./routes/worker/WorkerHome.tsx')),
  },
  {
    id: 'checkpoint',
    path: '/checkpoint',
    theme: 'mobile',
    audience: ['verifier'],
    Screen: lazy(() => import('./routes/checkpoint/CheckpointHome.tsx')),
  },
  {
    id: 'health',
    path: '/health',
    theme: 'desk',
    audience: ['health_officer', 'admin'],
    Screen: lazy(() => import('./routes/health/HealthHome.tsx')),
  },
  {
    id: 'oversight',
    path: '/oversight',
    theme: 'desk',
    audience: ['auditor', 'admin'],
    Screen: lazy(() => import('./routes/oversight/OversightHome.tsx')),
  },
  { id: 'lab', path: '/lab', theme: 'desk', audience: ['lab'], Screen: lazy(() => import('./routes/lab/LabHome.tsx')) },
  {
    id: 'venue',
    path: '/venue',
    theme: 'mobile',
    audience: ['venue_operator'],
    Screen: lazy(() => import('./routes/venue/VenueHome.tsx')),
  },
];

/** Pages anyone may open without signing in (and signed-in people too): published aggregates only. */
export interface PublicPage {
  id: 'transparency';
  path: `/${string}`;
  theme: Theme;
  Screen: LazyExoticComponent<ComponentType>;
}

export const PUBLIC_PAGES: readonly PublicPage[] = [
  {
    id: 'transparency',
    path: '/transparency',
    theme: 'desk',
    Screen: lazy(() => import('./routes/transparency/TransparencyPage.tsx')),
  },
];

export const publicPageAt = (path: string): PublicPage | undefined =>
  PUBLIC_PAGES.find((p) => path === p.path || path.startsWith(`${p.path}/`));

const HOME: Record<Audience, AreaId> = {
  resident: 'resident',
  grid_worker: 'worker',
  verifier: 'checkpoint',
  health_officer: 'health',
  auditor: 'oversight',
  lab: 'lab',
  venue_operator: 'venue',
  community_officer: 'command',
  subdistrict_officer: 'command',
  district_officer: 'command',
  admin: 'command',
};

export const audienceOf = (p: Principal): Audience => (p.kind === 'resident' ? 'resident' : p.role);

export function areaById(id: AreaId): Area {
  const a = AREAS.find((x) => x.id === id);
  if (!a) throw new Error(`unknown area ${id}`);
  return a;
}

export const homeOf = (p: Principal): Area => areaById(HOME[audienceOf(p)]);

export const areasFor = (p: Principal): Area[] => AREAS.filter((a) => a.audience.includes(audienceOf(p)));

export const areaAt = (path: string): Area | undefined =>
  AREAS.find((a) => path === a.path || path.startsWith(`${a.path}/`));
