import { sql, type Transaction } from 'kysely';
import type { CategoryTree } from '../../core/workflow/index.ts';
import type { Database } from '../../platform/database/database.ts';
import type { DB } from '../../platform/database/schema.ts';

type Db = Database | Transaction<DB>;

export const CALENDAR_SETTING = 'incidents.working_calendar';

/** The version in force and the stored working calendar, in one round trip (cheap enough to ask per request). */
export async function workflowVersion(db: Db): Promise<{ version: number | null; calendar: unknown }> {
  const r = await sql<{ version: number | null; calendar: unknown }>`
    select (select max(version) from incident_category_versions) as version,
           (select value from settings where key = ${CALENDAR_SETTING}) as calendar`.execute(db);
  const row = r.rows[0];
  return { version: row?.version ?? null, calendar: row?.calendar ?? null };
}

export async function categoryTreeVersion(db: Db, version: number) {
  return db.selectFrom('incident_category_versions').selectAll().where('version', '=', version).executeTakeFirst();
}

/** Stores a tree as the new version and mirrors its minor categories into the flat table. */
export async function storeCategoryTree(trx: Transaction<DB>, tree: CategoryTree, at: Date, by: string | null) {
  await trx
    .insertInto('incident_category_versions')
    .values({ version: tree.version, tree: JSON.stringify(tree), created_at: at, created_by: by })
    .execute();
  const rows = tree.majors.flatMap((major) =>
    major.minors.map((m) => ({
      code: m.code,
      major_code: major.code,
      name_zh: m.name['zh-CN'],
      name_en: m.name.en,
      department: m.handler.department,
      handler_role: m.handler.role,
      active: m.active,
      tree_version: tree.version,
    })),
  );
  await trx
    .insertInto('incident_categories')
    .values(rows)
    .onConflict((oc) =>
      oc.column('code').doUpdateSet((eb) => ({
        major_code: eb.ref('excluded.major_code'),
        name_zh: eb.ref('excluded.name_zh'),
        name_en: eb.ref('excluded.name_en'),
        department: eb.ref('excluded.department'),
        handler_role: eb.ref('excluded.handler_role'),
        active: eb.ref('excluded.active'),
        tree_version: eb.ref('excluded.tree_version'),
      })),
    )
    .execute();
  const codes = rows.map((r) => r.code);
  await trx.deleteFrom('incident_categories').where('code', 'not in', codes).execute();
}

/** Categories that incidents refer to, with how many; removing them would orphan history. */
export async function referencedCategories(db: Db, codes: string[]): Promise<Map<string, number>> {
  if (codes.length === 0) return new Map();
  const rows = await db
    .selectFrom('incidents')
    .select(['category_code', (eb) => eb.fn.countAll<number>().as('n')])
    .where('category_code', 'in', codes)
    .groupBy('category_code')
    .execute();
  return new Map(rows.map((r) => [r.category_code, Number(r.n)]));
}

export async function currentCategoryCodes(db: Db): Promise<string[]> {
  return (await db.selectFrom('incident_categories').select('code').execute()).map((r) => r.code);
}

export async function storeCalendar(trx: Transaction<DB>, calendar: unknown, at: Date) {
  await trx
    .insertInto('settings')
    .values({ key: CALENDAR_SETTING, value: JSON.stringify(calendar), updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(calendar), updated_at: at }))
    .execute();
}
