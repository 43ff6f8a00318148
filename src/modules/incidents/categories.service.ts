import { sql } from 'kysely';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import {
  createWorkflowConfig,
  DEFAULT_WORKING_CALENDAR,
  parseCategoryTree,
  SEED_CATEGORY_TREE,
  workingCalendarSchema,
} from '../../core/workflow/index.ts';
import type { CategoryTree, WorkflowConfig, WorkingCalendar } from '../../core/workflow/index.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Database } from '../../platform/database/database.ts';
import { conflict, forbidden, unprocessable } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import {
  categoryTreeVersion,
  currentCategoryCodes,
  referencedCategories,
  storeCalendar,
  storeCategoryTree,
  workflowVersion,
} from './categories.repository.ts';

/** The category tree and calendar in force, compiled into the state machine's configuration. */
export interface Workflow {
  version: number;
  tree: CategoryTree;
  calendar: WorkingCalendar;
  config: WorkflowConfig;
}

const SEED_LOCK = 7_100_501;
const cache = new WeakMap<Database, { key: string; workflow: Workflow }>();

/**
 * The workflow configuration in force. The first call on an empty database stores the seed tree as version 1.
 * Compiled configurations are cached per database and keyed by version, so an edit made by another process is
 * picked up on the next request. Call it before opening a transaction: PGlite has a single connection.
 */
export async function loadWorkflow(ctx: AppContext): Promise<Workflow> {
  let { version, calendar } = await workflowVersion(ctx.db);
  if (version === null) {
    await seedCategories(ctx);
    ({ version, calendar } = await workflowVersion(ctx.db));
    if (version === null) throw new Error('incident categories could not be seeded');
  }
  const key = `${version}|${JSON.stringify(calendar)}`;
  const hit = cache.get(ctx.db);
  if (hit?.key === key) return hit.workflow;
  const row = await categoryTreeVersion(ctx.db, version);
  const parsed = parseCategoryTree(typeof row?.tree === 'string' ? JSON.parse(row.tree) : row?.tree);
  if (!parsed.ok) throw new Error(`stored category tree ${version} is invalid: ${parsed.issues[0]?.message}`);
  const cal = workingCalendarSchema.safeParse(
    typeof calendar === 'string' ? JSON.parse(calendar) : (calendar ?? DEFAULT_WORKING_CALENDAR),
  );
  const workingCalendar = cal.success ? (cal.data as WorkingCalendar) : DEFAULT_WORKING_CALENDAR;
  const workflow: Workflow = {
    version,
    tree: parsed.tree,
    calendar: workingCalendar,
    config: createWorkflowConfig({ categories: parsed.tree, calendar: workingCalendar }),
  };
  cache.set(ctx.db, { key, workflow });
  return workflow;
}

async function seedCategories(ctx: AppContext): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${SEED_LOCK})`.execute(trx);
    const { version } = await workflowVersion(trx);
    if (version !== null) return;
    const now = ctx.clock.now();
    await storeCategoryTree(trx, SEED_CATEGORY_TREE, now, null);
    await appendAudit(trx, now, {
      actor: { kind: 'system', id: 'incident-categories' },
      action: 'incident.categories.seed',
      subjectKind: 'incident_categories',
      subjectId: String(SEED_CATEGORY_TREE.version),
    });
  });
}

/** Replaces the category tree (admin). Every problem is reported at once; nothing changes unless all pass. */
export async function replaceCategoryTree(ctx: AppContext, principal: Principal, input: unknown) {
  const decision = authorize(principal, 'incident.configure');
  if (!decision.allow) throw forbidden(decision.reason);
  const parsed = parseCategoryTree(input);
  if (!parsed.ok)
    throw unprocessable(parsed.issues.map((i) => i.message).join('; '), {
      errors: parsed.issues.map((i) => ({ field: `body.${i.path}`, code: i.code, message: i.message })),
    });
  const current = await loadWorkflow(ctx);
  const tree = parsed.tree;
  if (tree.version <= current.version)
    throw conflict(
      `body.version: ${tree.version} is not newer than the tree in force (version ${current.version}); send version ${current.version + 1}`,
    );
  const keep = new Set(tree.majors.flatMap((m) => m.minors.map((c) => c.code)));
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${SEED_LOCK})`.execute(trx);
    const inForce = (await workflowVersion(trx)).version ?? 0;
    if (tree.version <= inForce)
      throw conflict(`body.version: version ${inForce} was stored meanwhile; send version ${inForce + 1}`);
    // Checked inside the transaction: the foreign key would otherwise fail on a report filed meanwhile.
    const removed = (await currentCategoryCodes(trx)).filter((c) => !keep.has(c));
    const used = await referencedCategories(trx, removed);
    if (used.size > 0) {
      const errors = [...used].map(([code, n]) => ({
        field: 'body.majors',
        code,
        message: `category ${code} has ${n} incident(s) and cannot be removed; keep it with "active": false to retire it`,
      }));
      throw unprocessable(errors.map((e) => e.message).join('; '), { errors });
    }
    await storeCategoryTree(trx, tree, now, principal.kind === 'staff' ? principal.id : null);
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: 'incident.categories.update',
      subjectKind: 'incident_categories',
      subjectId: String(tree.version),
      detail: { from: current.version, to: tree.version, removed },
    });
  });
  return { version: tree.version, tree };
}

export async function currentCategoryTree(ctx: AppContext) {
  const w = await loadWorkflow(ctx);
  return { version: w.version, tree: w.tree };
}

export async function currentCalendar(ctx: AppContext): Promise<WorkingCalendar> {
  return (await loadWorkflow(ctx)).calendar;
}

/** Sets the office calendar that working-time limits count in (admin). Running deadlines keep their dates. */
export async function replaceCalendar(ctx: AppContext, principal: Principal, input: unknown) {
  const decision = authorize(principal, 'incident.configure');
  if (!decision.allow) throw forbidden(decision.reason);
  const parsed = workingCalendarSchema.safeParse(input);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({
      field: ['body', ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    throw unprocessable(errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
  }
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await storeCalendar(trx, parsed.data, now);
    await appendAudit(trx, now, {
      actor: actorOf(principal),
      action: 'incident.calendar.update',
      subjectKind: 'incident_calendar',
      subjectId: null,
      detail: { calendar: parsed.data },
    });
  });
  return parsed.data as WorkingCalendar;
}
