import { sql, type Transaction } from 'kysely';
import type { RetentionCategory } from '../../core/retention/policy.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DB } from '../../platform/database/schema.ts';
import { hasTable } from '../anomalies/support.ts';

export interface Candidate {
  /** Record id as committed in the certificate: `<table>:<id>`. */
  id: string;
  at: Date;
  personId: string | null;
}

export interface DueRule {
  /** Records at or before this instant are past their retention period. */
  cutoff: Date;
  /** After an emergency ended (plus grace), its data is due in full: per jurisdiction path, up to its end. */
  emergency: ReadonlyArray<{ path: string; cutoff: Date }>;
}

/** One data category's storage: which records are due, which of those are still needed, and how to delete them. */
export interface RetentionStore {
  category: RetentionCategory;
  available(ctx: AppContext): Promise<boolean>;
  due(ctx: AppContext, rule: DueRule, limit: number): Promise<Candidate[]>;
  /** Reasons, by candidate id, why a record must be kept (an open case, a current red status, an open appeal). */
  held(ctx: AppContext, candidates: readonly Candidate[]): Promise<Map<string, string>>;
  remove(trx: Transaction<DB>, candidates: readonly Candidate[]): Promise<number>;
}

const strip = (id: string) => id.slice(id.indexOf(':') + 1);

/** `person_id in (people under these paths)` as SQL, for the emergency rule. */
function emergencyClause(column: string, timeColumn: string, rule: DueRule) {
  if (rule.emergency.length === 0) return sql<boolean>`false`;
  return sql<boolean>`(${sql.join(
    rule.emergency.map(
      (e) => sql`(${sql.ref(timeColumn)} <= ${e.cutoff} and ${sql.ref(column)} in (
        select r.id from residents r join households h on h.id = r.household_id join grids g on g.code = h.grid_code
        join jurisdictions j on j.id = g.community_id where j.path = ${e.path} or j.path like ${`${e.path}.%`}))`,
    ),
    sql` or `,
  )})`;
}

/** People whose data an investigation still needs: an open case (when tracing is installed), or a red status. */
async function peopleUnderInvestigation(ctx: AppContext, people: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const ids = [...new Set(people)];
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = ids.slice(i, i + 5000);
    if (await hasTable(ctx.db, 'cases')) {
      const open = await ctx.db
        .selectFrom('cases')
        .select(['id', 'person_id'])
        .where('state', '=', 'open')
        .where('person_id', 'in', chunk)
        .execute();
      for (const c of open) out.set(c.person_id, `open case ${c.id}`);
      const contacts = await ctx.db
        .selectFrom('exposures')
        .innerJoin('cases', 'cases.id', 'exposures.case_id')
        .select(['exposures.person_id', 'cases.id'])
        .where('cases.state', '=', 'open')
        .where('exposures.person_id', 'in', chunk)
        .execute();
      for (const c of contacts) if (!out.has(c.person_id)) out.set(c.person_id, `contact of open case ${c.id}`);
    }
    const red = await ctx.db
      .selectFrom('statuses')
      .select(['person_id', 'color'])
      .where('color', '!=', 'green')
      .where('person_id', 'in', chunk)
      .execute();
    for (const r of red) if (!out.has(r.person_id)) out.set(r.person_id, `current ${r.color} status`);
  }
  return out;
}

async function heldByPerson(ctx: AppContext, candidates: readonly Candidate[]) {
  const people = await peopleUnderInvestigation(
    ctx,
    candidates.flatMap((c) => (c.personId ? [c.personId] : [])),
  );
  const out = new Map<string, string>();
  for (const c of candidates) {
    const why = c.personId ? people.get(c.personId) : undefined;
    if (why) out.set(c.id, why);
  }
  return out;
}

const healthFacts: RetentionStore = {
  category: 'health_facts',
  available: async () => true,
  async due(ctx, rule, limit) {
    const rows = await ctx.db
      .selectFrom('health_facts')
      .select(['id', 'recorded_at', 'person_id'])
      .where((eb) =>
        eb.or([
          eb('recorded_at', '<=', rule.cutoff),
          emergencyClause('health_facts.person_id', 'health_facts.recorded_at', rule),
        ]),
      )
      .orderBy('recorded_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: `health_fact:${r.id}`, at: new Date(r.recorded_at), personId: r.person_id }));
  },
  async held(ctx, candidates) {
    const out = await heldByPerson(ctx, candidates);
    const ids = candidates.map((c) => strip(c.id));
    for (let i = 0; i < ids.length; i += 5000) {
      const chunk = ids.slice(i, i + 5000);
      // The latest complete vaccination still carries the vaccination mark.
      const vacc = await sql<{ id: string }>`
        select distinct on (person_id) id from health_facts
        where kind = 'vaccination' and (data->>'complete')::boolean and withdrawn_at is null
          and person_id in (select person_id from health_facts where id in (${sql.join(chunk)}))
        order by person_id, occurred_at desc`.execute(ctx.db);
      for (const v of vacc.rows)
        if (chunk.includes(v.id)) out.set(`health_fact:${v.id}`, 'latest vaccination (vaccination mark)');
      const appealed = await ctx.db
        .selectFrom('appeals')
        .select(['id', 'contested_fact_ids'])
        .where('state', '=', 'open')
        .execute();
      for (const a of appealed) {
        const contested = (
          typeof a.contested_fact_ids === 'string' ? JSON.parse(a.contested_fact_ids) : a.contested_fact_ids
        ) as string[];
        for (const f of contested)
          if (chunk.includes(f)) out.set(`health_fact:${f}`, `contested by open appeal ${a.id}`);
      }
    }
    return out;
  },
  async remove(trx, candidates) {
    const ids = candidates.map((c) => strip(c.id));
    let n = 0;
    for (let i = 0; i < ids.length; i += 5000) {
      const chunk = ids.slice(i, i + 5000);
      // Records that point at a deleted fact keep existing without the pointer.
      await trx.updateTable('overrides').set({ fact_id: null }).where('fact_id', 'in', chunk).execute();
      await trx.updateTable('exposures').set({ fact_id: null }).where('fact_id', 'in', chunk).execute();
      await trx.updateTable('checkins').set({ fact_id: null }).where('fact_id', 'in', chunk).execute();
      const r = await trx.deleteFrom('health_facts').where('id', 'in', chunk).executeTakeFirst();
      n += Number(r.numDeletedRows);
    }
    return n;
  },
};

const statuses: RetentionStore = {
  category: 'statuses',
  available: async () => true,
  async due(ctx, rule, limit) {
    // Every history row but each person's latest (which is their current status) may go.
    const rows = await ctx.db
      .selectFrom('status_history as h')
      .select(['h.id', 'h.changed_at', 'h.person_id'])
      .where((eb) =>
        eb.or([eb('h.changed_at', '<=', rule.cutoff), emergencyClause('h.person_id', 'h.changed_at', rule)]),
      )
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('status_history as later')
            .select('later.id')
            .whereRef('later.person_id', '=', 'h.person_id')
            .whereRef('later.id', '>', 'h.id'),
        ),
      )
      .orderBy('h.id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: `status_history:${r.id}`, at: new Date(r.changed_at), personId: r.person_id }));
  },
  held: heldByPerson,
  async remove(trx, candidates) {
    const ids = candidates.map((c) => Number(strip(c.id)));
    let n = 0;
    for (let i = 0; i < ids.length; i += 5000) {
      const r = await trx
        .deleteFrom('status_history')
        .where('id', 'in', ids.slice(i, i + 5000))
        .executeTakeFirst();
      n += Number(r.numDeletedRows);
    }
    return n;
  },
};

const scans: RetentionStore = {
  category: 'scans',
  available: (ctx) => hasTable(ctx.db, 'scans'),
  async due(ctx, rule, limit) {
    const rows = await ctx.db
      .selectFrom('scans')
      .select(['id', 'scanned_at', 'person_id'])
      .where((eb) =>
        eb.or([eb('scanned_at', '<=', rule.cutoff), emergencyClause('scans.person_id', 'scans.scanned_at', rule)]),
      )
      .orderBy('scanned_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: `scan:${r.id}`, at: new Date(r.scanned_at), personId: r.person_id }));
  },
  held: heldByPerson,
  async remove(trx, candidates) {
    let n = 0;
    for (let i = 0; i < candidates.length; i += 5000) {
      const chunk = candidates.slice(i, i + 5000);
      const latest = chunk.reduce((m, c) => (c.at > m ? c.at : m), new Date(0));
      // The time bound lets PostgreSQL skip partitions that cannot hold these rows.
      const r = await trx
        .deleteFrom('scans')
        .where('scanned_at', '<=', latest)
        .where(
          'id',
          'in',
          chunk.map((c) => strip(c.id)),
        )
        .executeTakeFirst();
      n += Number(r.numDeletedRows);
    }
    return n;
  },
};

const casesContacts: RetentionStore = {
  category: 'cases_contacts',
  available: (ctx) => hasTable(ctx.db, 'cases'),
  async due(ctx, rule, limit) {
    // Exposures of closed cases and of designations, then closed cases no remaining exposure or case points at.
    const exposures = await sql<{ id: string; created_at: Date | string; person_id: string }>`
      select e.id, e.created_at, e.person_id from exposures e left join cases c on c.id = e.case_id
      where (c.id is null or c.state = 'closed')
        and (e.created_at <= ${rule.cutoff} or ${emergencyClause('e.person_id', 'e.created_at', rule)})
      order by e.created_at limit ${limit}`.execute(ctx.db);
    const cases = await sql<{ id: string; closed_at: Date | string; person_id: string }>`
      select c.id, c.closed_at, c.person_id from cases c
      where c.state = 'closed'
        and (c.closed_at <= ${rule.cutoff} or ${emergencyClause('c.person_id', 'c.closed_at', rule)})
        and not exists (select 1 from cases o where o.source_case_id = c.id and o.state = 'open')
      order by c.closed_at limit ${limit}`.execute(ctx.db);
    return [
      ...exposures.rows.map((r) => ({ id: `exposure:${r.id}`, at: new Date(r.created_at), personId: r.person_id })),
      ...cases.rows.map((r) => ({ id: `case:${r.id}`, at: new Date(r.closed_at), personId: r.person_id })),
    ];
  },
  async held(ctx, candidates) {
    const out = await heldByPerson(ctx, candidates);
    // A closed case whose exposures are not all going now must stay, or they would point nowhere.
    const going = new Set(candidates.filter((c) => c.id.startsWith('exposure:')).map((c) => strip(c.id)));
    const caseIds = candidates.filter((c) => c.id.startsWith('case:')).map((c) => strip(c.id));
    if (caseIds.length) {
      const refs = await ctx.db
        .selectFrom('exposures')
        .select(['id', 'case_id'])
        .where('case_id', 'in', caseIds)
        .execute();
      for (const r of refs)
        if (!going.has(r.id) || out.has(`exposure:${r.id}`))
          out.set(`case:${r.case_id}`, `exposure ${r.id} still refers to it`);
    }
    return out;
  },
  async remove(trx, candidates) {
    const exposures = candidates.filter((c) => c.id.startsWith('exposure:')).map((c) => strip(c.id));
    const cases = candidates.filter((c) => c.id.startsWith('case:')).map((c) => strip(c.id));
    let n = 0;
    for (let i = 0; i < exposures.length; i += 5000) {
      const r = await trx
        .deleteFrom('exposures')
        .where('id', 'in', exposures.slice(i, i + 5000))
        .executeTakeFirst();
      n += Number(r.numDeletedRows);
    }
    for (let i = 0; i < cases.length; i += 5000) {
      const chunk = cases.slice(i, i + 5000);
      await trx.updateTable('cases').set({ source_case_id: null }).where('source_case_id', 'in', chunk).execute();
      await trx.updateTable('outbreaks').set({ index_case_id: null }).where('index_case_id', 'in', chunk).execute();
      const r = await trx.deleteFrom('cases').where('id', 'in', chunk).executeTakeFirst();
      n += Number(r.numDeletedRows);
    }
    return n;
  },
};

const incidentPhotos: RetentionStore = {
  category: 'incident_photos',
  available: (ctx) => hasTable(ctx.db, 'incident_photos'),
  async due(ctx, rule, limit) {
    const rows = await ctx.db
      .selectFrom('incident_photos')
      .innerJoin('incidents', 'incidents.id', 'incident_photos.incident_id')
      .select(['incident_photos.incident_id', 'incident_photos.n', 'incident_photos.created_at'])
      .where('incident_photos.created_at', '<=', rule.cutoff)
      // Photos of an incident still being handled are evidence for it.
      .where('incidents.stage', 'in', ['closed', 'evaluated', 'rejected'])
      .orderBy('incident_photos.created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: `incident_photo:${r.incident_id}/${r.n}`,
      at: new Date(r.created_at),
      personId: null,
    }));
  },
  held: async () => new Map(),
  async remove(trx, candidates) {
    let n = 0;
    for (const c of candidates) {
      const [incident, k] = strip(c.id).split('/');
      const r = await trx
        .deleteFrom('incident_photos')
        .where('incident_id', '=', incident as string)
        .where('n', '=', Number(k))
        .executeTakeFirst();
      n += Number(r.numDeletedRows);
    }
    return n;
  },
};

export const STORES: readonly RetentionStore[] = [scans, healthFacts, statuses, casesContacts, incidentPhotos];
