import { sql, type Transaction } from 'kysely';
import type { VisitOutcome } from '../../core/workflow/index.ts';
import type { Database } from '../../platform/database/database.ts';
import type { DB } from '../../platform/database/schema.ts';

type Db = Database | Transaction<DB>;

export async function insertCampaign(
  trx: Transaction<DB>,
  c: { id: string; name: string; jurisdictionId: string; dueAt: Date; createdAt: Date; createdBy: string },
): Promise<void> {
  await trx
    .insertInto('campaigns')
    .values({
      id: c.id,
      name: c.name,
      jurisdiction_id: c.jurisdictionId,
      due_at: c.dueAt,
      households: 0,
      created_at: c.createdAt,
      created_by: c.createdBy,
    })
    .execute();
}

/**
 * One visit task per household in the jurisdiction subtree, in a single INSERT … SELECT so a subdistrict of tens
 * of thousands of households is one statement. Within each grid, households are dealt round-robin to the grid's
 * active workers, the least loaded first; a grid without workers leaves its tasks unassigned for an officer.
 */
export async function insertCampaignTasks(
  trx: Transaction<DB>,
  c: { id: string; path: string; dueAt: Date; createdAt: Date; createdBy: string },
): Promise<number> {
  const r = await sql<{ n: number | string }>`
    with scope as (
      select id from jurisdictions where path = ${c.path} or path like ${`${c.path}.%`}
    ), hh as (
      select h.id, h.grid_code, g.community_id,
             row_number() over (partition by h.grid_code order by h.id) - 1 as rn
      from households h
      join grids g on g.code = h.grid_code
      where g.community_id in (select id from scope)
    ), load as (
      select assignee_id, count(*) as n from tasks
      where status in ('open', 'accepted') and assignee_id is not null
      group by assignee_id
    ), w as (
      select gw.grid_code, gw.staff_id,
             row_number() over (partition by gw.grid_code order by coalesce(l.n, 0), gw.staff_id) - 1 as idx,
             count(*) over (partition by gw.grid_code) as cnt
      from grid_workers gw
      join staff s on s.id = gw.staff_id and s.active and s.role = 'grid_worker'
      left join load l on l.assignee_id = gw.staff_id
      where gw.grid_code in (select distinct grid_code from hh)
    ), ins as (
      insert into tasks (id, kind, subject_kind, subject_id, grid_code, community_id, campaign_id, form, status,
                         assignee_id, due_at, created_at, created_by)
      select gen_random_uuid(), 'campaign_visit', 'household', hh.id, hh.grid_code, hh.community_id, ${c.id},
             'campaign_visit', 'open', w.staff_id, ${c.dueAt}, ${c.createdAt}, ${c.createdBy}
      from hh left join w on w.grid_code = hh.grid_code and w.idx = hh.rn % w.cnt
      returning 1
    )
    select count(*) as n from ins`.execute(trx);
  return Number(r.rows[0]?.n ?? 0);
}

export async function setHouseholdCount(trx: Transaction<DB>, id: string, n: number): Promise<void> {
  await trx.updateTable('campaigns').set({ households: n }).where('id', '=', id).execute();
}

export async function findCampaign(db: Db, id: string) {
  return db
    .selectFrom('campaigns')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'campaigns.jurisdiction_id')
    .select([
      'campaigns.id',
      'campaigns.name',
      'campaigns.jurisdiction_id',
      'campaigns.due_at',
      'campaigns.households',
      'campaigns.created_at',
      'campaigns.created_by',
      'jurisdictions.path',
      'jurisdictions.name_zh',
      'jurisdictions.name_en',
    ])
    .where('campaigns.id', '=', id)
    .executeTakeFirst();
}
export type CampaignRow = NonNullable<Awaited<ReturnType<typeof findCampaign>>>;

/** The campaign's households (one visit task each) with their grid, community path and task. */
export async function campaignHouseholds(db: Db, campaignId: string) {
  return db
    .selectFrom('tasks')
    .innerJoin('jurisdictions', 'jurisdictions.id', 'tasks.community_id')
    .select([
      'tasks.subject_id as household_id',
      'tasks.grid_code',
      'jurisdictions.path',
      'tasks.id as task_id',
      'tasks.assignee_id',
    ])
    .where('tasks.campaign_id', '=', campaignId)
    .execute();
}

export async function campaignVisits(db: Db, campaignId: string) {
  return db
    .selectFrom('campaign_visits')
    .select(['household_id', 'outcome', 'at', 'worker_id'])
    .where('campaign_id', '=', campaignId)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

export async function insertVisit(
  trx: Transaction<DB>,
  v: {
    id: string;
    campaignId: string;
    householdId: string;
    taskId: string;
    outcome: VisitOutcome;
    at: Date;
    workerId: string;
    note: string | null;
  },
): Promise<void> {
  await trx
    .insertInto('campaign_visits')
    .values({
      id: v.id,
      campaign_id: v.campaignId,
      household_id: v.householdId,
      task_id: v.taskId,
      outcome: v.outcome,
      at: v.at,
      worker_id: v.workerId,
      note: v.note,
    })
    .execute();
}
