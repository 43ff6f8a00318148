import { sql, type Transaction } from 'kysely';
import { mergeRanges } from '../../core/tracing/ranges.ts';
import type { Database } from '../../platform/database/database.ts';
import type { DB } from '../../platform/database/schema.ts';

export interface NewScan {
  id: string;
  sourceId: string;
  clientId: string;
  day: string;
  scannedAt: string;
  personId: string;
  placeId: string;
  direction: 'place_code' | 'person_code';
}

/**
 * Array literal for values that need no quoting (uuids, ISO instants, days, client ids and directions, all from a
 * restricted alphabet): built with one join instead of escaping each element, which costs as much as the insert.
 */
function literal(values: string[]): string {
  for (const v of values)
    if (!/^[A-Za-z0-9._:+-]+$/.test(v)) throw new Error(`unsafe array element ${JSON.stringify(v)}`);
  return `{${values.join(',')}}`;
}

/**
 * One statement per batch: the rows travel as eight array literals and are unnested on the server, so a batch of
 * 1,000 costs one round trip and one plan. Conflicts on (source, client id, day) are skipped; the inserted keys come
 * back, so the caller can tell a retry (duplicate) from a new scan.
 */
export async function insertScans(
  db: Database | Transaction<DB>,
  rows: NewScan[],
  receivedAt: Date,
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const col = <K extends keyof NewScan>(k: K) => literal(rows.map((r) => r[k]));
  const result = await sql<{ client_id: string; day: string }>`
    insert into scans (id, source_id, client_id, scanned_day, scanned_at, person_id, place_id, direction, received_at)
    select u.id, u.source_id, u.client_id, u.day, u.at, u.person_id, u.place_id, u.direction, ${receivedAt.toISOString()}::timestamptz
    from unnest(
      ${col('id')}::uuid[], ${col('sourceId')}::uuid[], ${col('clientId')}::text[], ${col('day')}::date[],
      ${col('scannedAt')}::timestamptz[], ${col('personId')}::uuid[], ${col('placeId')}::uuid[], ${col('direction')}::text[]
    ) as u(id, source_id, client_id, day, at, person_id, place_id, direction)
    on conflict do nothing
    returning client_id, scanned_day::text as day`.execute(db);
  return new Set(result.rows.map((r) => `${r.client_id}|${r.day}`));
}

export interface ScanRow {
  id: string;
  person_id: string;
  place_id: string;
  scanned_at: Date;
}

/** A person's scans in [from, to], oldest first (every partition the interval touches is pruned to by day). */
export async function scansOfPersons(
  db: Database | Transaction<DB>,
  personIds: string[],
  from: Date,
  to: Date,
): Promise<ScanRow[]> {
  if (personIds.length === 0) return [];
  const result = await sql<ScanRow>`
    select id, person_id, place_id, scanned_at from scans
    where person_id = any(${personIds}::uuid[])
      and scanned_at >= ${from.toISOString()}::timestamptz and scanned_at <= ${to.toISOString()}::timestamptz
      and scanned_day >= ${from.toISOString().slice(0, 10)}::date and scanned_day <= ${to.toISOString().slice(0, 10)}::date
    order by scanned_at, id`.execute(db);
  return result.rows.map((r) => ({ ...r, scanned_at: new Date(r.scanned_at) }));
}

/**
 * Every scan at the same place within ±window of any probe. Probes at one place whose windows overlap are merged
 * first (thousands of close contacts who all scanned the same venue become one range), then one statement matches
 * each range through the (place, time) index of the partitions it touches.
 */
export async function scansNear(
  db: Database | Transaction<DB>,
  probes: Array<{ placeId: string; at: Date; windowMs: number }>,
): Promise<ScanRow[]> {
  if (probes.length === 0) return [];
  const ranges = mergeRanges(
    probes.map((p) => ({ placeId: p.placeId, from: p.at.getTime() - p.windowMs, to: p.at.getTime() + p.windowMs })),
  );
  const iso = (ms: number) => new Date(ms).toISOString();
  const result = await sql<ScanRow>`
    select s.id, s.person_id, s.place_id, s.scanned_at
    from unnest(${ranges.map((r) => r.placeId)}::uuid[], ${ranges.map((r) => iso(r.from))}::timestamptz[],
      ${ranges.map((r) => iso(r.to))}::timestamptz[]) as q(place_id, t0, t1)
    join scans s on s.place_id = q.place_id and s.scanned_at between q.t0 and q.t1
      and s.scanned_day between (q.t0 at time zone 'UTC')::date and (q.t1 at time zone 'UTC')::date`.execute(db);
  return result.rows.map((r) => ({ ...r, scanned_at: new Date(r.scanned_at) }));
}

export interface OwnScanRow {
  id: string;
  scanned_at: Date;
  direction: string;
  place_id: string;
  name_zh: string | null;
  name_en: string | null;
  category: string | null;
}

export async function listOwnScans(
  db: Database,
  personId: string,
  before: { at: string; id: string } | null,
  limit: number,
): Promise<OwnScanRow[]> {
  const result = await sql<OwnScanRow>`
    select s.id, s.scanned_at, s.direction, s.place_id, p.name_zh, p.name_en, p.category
    from scans s left join places p on p.id = s.place_id
    where s.person_id = ${personId}::uuid
      ${before ? sql`and (s.scanned_at, s.id) < (${before.at}::timestamptz, ${before.id}::uuid)` : sql``}
    order by s.scanned_at desc, s.id desc
    limit ${limit + 1}`.execute(db);
  return result.rows;
}
