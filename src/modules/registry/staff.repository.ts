import type { Database } from '../../platform/database/database.ts';

export interface StaffRow {
  id: string;
  username: string;
  display_name: string;
  role: string;
  scope_jurisdiction_id: string;
  active: boolean;
  created_at: Date;
  scope_path: string;
}

function staff(db: Database) {
  return db
    .selectFrom('staff')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'staff.scope_jurisdiction_id')
    .select([
      'staff.id',
      'staff.username',
      'staff.display_name',
      'staff.role',
      'staff.scope_jurisdiction_id',
      'staff.active',
      'staff.created_at',
      'jurisdictions.path as scope_path',
    ]);
}

export async function findStaff(db: Database, id: string): Promise<StaffRow | undefined> {
  return staff(db).where('staff.id', '=', id).executeTakeFirst();
}

export async function usernameTaken(db: Database, username: string): Promise<boolean> {
  const r = await db.selectFrom('staff').select('id').where('username', '=', username).executeTakeFirst();
  return Boolean(r);
}

/** Staff whose scope lies in the subtree at `path`, by username. */
export async function listStaffUnder(
  db: Database,
  path: string,
  opts: { afterUsername: string | null; limit: number; role?: string | undefined; active?: boolean | undefined },
) {
  let q = staff(db).where((eb) =>
    eb.or([eb('jurisdictions.path', '=', path), eb('jurisdictions.path', 'like', `${path}.%`)]),
  );
  if (opts.role) q = q.where('staff.role', '=', opts.role);
  if (opts.active !== undefined) q = q.where('staff.active', '=', opts.active);
  if (opts.afterUsername) q = q.where('staff.username', '>', opts.afterUsername);
  return q
    .orderBy('staff.username')
    .limit(opts.limit + 1)
    .execute();
}

export async function insertStaff(
  db: Database,
  row: {
    id: string;
    username: string;
    display_name: string;
    role: string;
    scope_jurisdiction_id: string;
    password_hash: string;
  },
): Promise<void> {
  await db.insertInto('staff').values(row).execute();
}

export async function updateStaff(
  db: Database,
  id: string,
  changes: Partial<{ display_name: string; role: string; scope_jurisdiction_id: string; active: boolean }>,
) {
  await db.updateTable('staff').set(changes).where('id', '=', id).execute();
}

export async function endSessionsOf(db: Database, staffId: string): Promise<void> {
  await db.deleteFrom('sessions').where('principal_kind', '=', 'staff').where('principal_id', '=', staffId).execute();
}

/** Grid assignments of a staff member with each grid's community path. */
export async function gridAssignmentsOf(db: Database, staffId: string) {
  return db
    .selectFrom('grid_workers')
    .innerJoin('grids', 'grids.code', 'grid_workers.grid_code')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
    .select(['grid_workers.grid_code', 'jurisdictions.path'])
    .where('grid_workers.staff_id', '=', staffId)
    .execute();
}

export async function removeGridAssignments(db: Database, staffId: string, gridCodes: string[]): Promise<void> {
  if (gridCodes.length === 0) return;
  await db.deleteFrom('grid_workers').where('staff_id', '=', staffId).where('grid_code', 'in', gridCodes).execute();
}
