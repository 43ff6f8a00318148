import type { Transaction } from 'kysely';
import { inScope } from '../../core/policy/policy.ts';
import { HANDLER_ROLES } from '../../core/workflow/index.ts';
import type { HandlerRole } from '../../core/workflow/index.ts';
import type { Database } from '../../platform/database/database.ts';
import type { DB } from '../../platform/database/schema.ts';
import {
  communityWorkerIds,
  gridWorkerIds,
  openTaskCounts,
  staffCoveringPath,
  staffForAssignment,
} from './tasks.repository.ts';

type Db = Database | Transaction<DB>;

/** The candidate with the fewest open tasks; ties go to the smallest id so the choice is reproducible. */
export async function leastLoaded(db: Db, ids: readonly string[]): Promise<string | null> {
  if (ids.length === 0) return null;
  const counts = await openTaskCounts(db, ids);
  const load = (id: string) => counts.get(id) ?? 0;
  return [...ids].sort((a, b) => load(a) - load(b) || (a < b ? -1 : a > b ? 1 : 0))[0] ?? null;
}

/**
 * The grid's own workers first; when it has none (or only the one being replaced), the workers of its community.
 * `exclude` is the current assignee when reassigning.
 */
export async function defaultGridAssignee(
  db: Db,
  gridCode: string,
  communityId: string,
  exclude: string | null = null,
): Promise<string | null> {
  const own = (await gridWorkerIds(db, gridCode)).filter((id) => id !== exclude);
  if (own.length > 0) return leastLoaded(db, own);
  return leastLoaded(
    db,
    (await communityWorkerIds(db, communityId)).filter((id) => id !== exclude),
  );
}

/** Who handles work of `role` at a place by default: grid workers of the grid, or health officers covering it. */
export async function defaultHandler(
  db: Db,
  role: HandlerRole,
  place: { gridCode: string; communityId: string; path: string },
  exclude: string | null = null,
): Promise<string | null> {
  if (role === 'grid_worker') return defaultGridAssignee(db, place.gridCode, place.communityId, exclude);
  return leastLoaded(
    db,
    (await staffCoveringPath(db, role, place.path)).filter((id) => id !== exclude),
  );
}

export type AssigneeCheck =
  | { ok: true; staff: { id: string; role: HandlerRole; scopePath: string; displayName: string } }
  | { ok: false; message: string };

/** Whether a staff member can be given work at `path`: active, a handler role, and working there. */
export async function checkAssignee(db: Db, id: string, path: string): Promise<AssigneeCheck> {
  const s = await staffForAssignment(db, id);
  if (!s) return { ok: false, message: `no staff member ${id}` };
  if (!s.active) return { ok: false, message: `staff member ${id} (${s.display_name}) is deactivated` };
  if (!(HANDLER_ROLES as readonly string[]).includes(s.role))
    return {
      ok: false,
      message: `work can be assigned only to ${HANDLER_ROLES.join(' or ')} staff; ${s.display_name} is ${s.role}`,
    };
  if (!inScope(s.scope_path, path))
    return {
      ok: false,
      message: `${s.display_name} works in ${s.scope_path}; the work lies in ${path}, outside that scope`,
    };
  return {
    ok: true,
    staff: { id: s.id, role: s.role as HandlerRole, scopePath: s.scope_path, displayName: s.display_name },
  };
}
