import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import type { Database } from '../../platform/database/database.ts';

/**
 * Whether an exposure has an epidemiological basis. A case is confirmed when the tracing module holds it, or when it
 * names a positive test result (by fact id or by the person who tested positive). A place is a risk place when it was
 * designated one, when a positive person scanned there in the preceding two weeks, or when a confirmed case's close
 * contacts were found there.
 */
const tables = new WeakMap<Database, Map<string, Promise<boolean>>>();

export async function hasTable(db: Database, name: string): Promise<boolean> {
  let m = tables.get(db);
  if (!m) {
    m = new Map();
    tables.set(db, m);
  }
  let p = m.get(name);
  if (!p) {
    p = sql<{ present: boolean }>`select to_regclass(${name}) is not null as present`
      .execute(db)
      .then((r) => Boolean(r.rows[0]?.present));
    m.set(name, p);
  }
  return p;
}

const DAY = 24 * 3600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class SupportChecker {
  private cases = new Map<string, boolean>();
  private places = new Map<string, boolean>();

  constructor(private ctx: AppContext) {}

  async caseSupported(caseId: string | null): Promise<boolean> {
    if (!caseId) return false;
    const hit = this.cases.get(caseId);
    if (hit !== undefined) return hit;
    let ok = false;
    const uuid = UUID.test(caseId);
    if (uuid && (await hasTable(this.ctx.db, 'cases'))) {
      const r = await sql<{ n: number }>`select count(*)::int as n from cases where id = ${caseId}::uuid`.execute(
        this.ctx.db,
      );
      ok = Number(r.rows[0]?.n ?? 0) > 0;
    }
    if (!ok) {
      // Indexed lookups only: by fact id, or by the person's facts when the case names a person.
      const r = uuid
        ? await sql<{ n: number }>`
            select count(*)::int as n from health_facts
            where person_id = ${caseId}::uuid and kind = 'test_result' and data->>'result' = 'positive'
              and withdrawn_at is null`.execute(this.ctx.db)
        : await sql<{ n: number }>`
            select count(*)::int as n from health_facts
            where id = ${caseId} and kind = 'test_result' and data->>'result' = 'positive'
              and withdrawn_at is null`.execute(this.ctx.db);
      ok = Number(r.rows[0]?.n ?? 0) > 0;
    }
    this.cases.set(caseId, ok);
    return ok;
  }

  async placeSupported(placeId: string | null, at: Date): Promise<boolean> {
    if (!placeId) return false;
    const key = `${placeId}@${Math.floor(at.getTime() / DAY)}`;
    const hit = this.places.get(key);
    if (hit !== undefined) return hit;
    const from = new Date(at.getTime() - 14 * DAY);
    const to = new Date(at.getTime() + DAY);
    let ok = false;
    if (await hasTable(this.ctx.db, 'risk_designations')) {
      const r = await sql<{ n: number }>`
        select count(*)::int as n from risk_designations
        where area_kind = 'place' and area_id = ${placeId} and revoked_at is null
          and risk_from <= ${to} and risk_until >= ${from}`.execute(this.ctx.db);
      ok = Number(r.rows[0]?.n ?? 0) > 0;
    }
    if (!ok && UUID.test(placeId) && (await hasTable(this.ctx.db, 'scans'))) {
      const r = await sql<{ n: number }>`
        select count(*)::int as n from scans s
        where s.place_id = ${placeId}::uuid and s.scanned_at between ${from} and ${to}
          and exists (select 1 from health_facts f where f.person_id = s.person_id and f.kind = 'test_result'
                      and f.data->>'result' = 'positive' and f.withdrawn_at is null)`.execute(this.ctx.db);
      ok = Number(r.rows[0]?.n ?? 0) > 0;
    }
    if (!ok) {
      const r = await sql<{ case_id: string }>`
        select distinct data->>'caseId' as case_id from health_facts
        where kind = 'exposure' and data->>'placeId' = ${placeId} and data->>'caseId' is not null
          and withdrawn_at is null and occurred_at between ${from} and ${to}
        limit 50`.execute(this.ctx.db);
      for (const row of r.rows) if (await this.caseSupported(row.case_id)) ok = true;
    }
    this.places.set(key, ok);
    return ok;
  }

  /** An exposure fact's basis: its case for close and secondary contacts, its place for risk-place visits. */
  async exposureSupported(data: { degree?: string; caseId?: string | null; placeId?: string | null }, at: Date) {
    if (data.degree === 'risk_place') return this.placeSupported(data.placeId ?? null, at);
    return this.caseSupported(data.caseId ?? null);
  }
}
