import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import { DAY_MS, utcDay } from '../../core/tracing/windows.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Database } from '../../platform/database/database.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { badRequest, forbidden } from '../../platform/http/problem.ts';
import { decodeCursor, paginate } from '../../platform/http/pagination.ts';
import { actorOf } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { checkCodeAt, timeCheck } from './code-check.ts';
import { ensureScanPartitions } from './partitions.ts';
import { placesById } from './place-directory.ts';
import { insertScans, listOwnScans, type NewScan } from './scans.repository.ts';
import { personsForSubjects } from './subjects.repository.ts';

export const MAX_SCAN_BATCH = 1000;
/** Device clocks drift; a scan stamped further ahead than this is not a scan that happened. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export const ScanItemSchema = z.strictObject({
  clientId: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1–64 letters, digits or . _ : - (e.g. a UUID)'),
  scannedAt: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant with an offset' }),
  placeCode: z.string().min(1).max(4096).optional().describe('Resident scans: the TSP1 code on the poster'),
  personCode: z.string().min(1).max(4096).optional().describe("Checkpoint devices: the resident's TSR1 code"),
  placeId: z
    .uuid()
    .optional()
    .describe('Checkpoint devices not bound to one place: where the scan happened (within the token scope)'),
});

export type ScanErrorCode =
  | 'invalid'
  | 'future_timestamp'
  | 'too_old'
  | 'invalid_code'
  | 'forged_code'
  | 'expired_code'
  | 'code_issued_after_scan'
  | 'wrong_code_type'
  | 'foreign_code'
  | 'unknown_place'
  | 'unknown_person'
  | 'out_of_scope';

export interface ScanItemResult {
  index: number;
  clientId: string | null;
  status: 'accepted' | 'duplicate' | 'rejected';
  scanId: string | null;
  error: { code: ScanErrorCode; field: string; message: string } | null;
}

export interface IngestReport {
  accepted: number;
  duplicates: number;
  rejected: number;
  items: ScanItemResult[];
}

interface Pending {
  index: number;
  clientId: string;
  at: Date;
  day: string;
  code: string;
  placeId: string | null;
  personId: string | null;
  subjectKey: string | null;
}

const ownIssuers = new WeakMap<Database, { ids: Set<string>; until: number }>();
async function issuersWeSignFor(ctx: AppContext): Promise<Set<string>> {
  const hit = ownIssuers.get(ctx.db);
  if (hit && hit.until > Date.now()) return hit.ids;
  const rows = await ctx.db
    .selectFrom('signing_keys')
    .select('jurisdiction_id')
    .where('purpose', '=', 'code')
    .distinct()
    .execute();
  const ids = new Set(rows.map((r) => r.jurisdiction_id));
  ownIssuers.set(ctx.db, { ids, until: Date.now() + 60_000 });
  return ids;
}

/**
 * Records a batch of scans. Residents send the place codes they scanned; checkpoint devices send the residents' codes
 * they scanned. Each item is checked on its own and gets its own verdict: valid items are stored even when others are
 * rejected, and an item whose client id was already stored (a retry) is reported as a duplicate, not stored twice.
 */
export async function ingestScans(ctx: AppContext, principal: Principal, items: unknown[]): Promise<IngestReport> {
  const resident = principal.kind === 'resident' ? principal : null;
  const device = principal.kind === 'device' && principal.deviceKind === 'device' ? principal : null;
  if (!resident && !device)
    throw forbidden(
      'Scans are recorded by residents (scanning a place code) or by checkpoint device tokens (scanning a resident code).',
    );
  if (resident) {
    const d = authorize(resident, 'scan.record', { householdId: resident.householdId });
    if (!d.allow) throw forbidden(d.reason);
  }
  if (items.length > MAX_SCAN_BATCH)
    throw badRequest(`body.scans: at most ${MAX_SCAN_BATCH} scans per request, got ${items.length}`);
  const now = ctx.clock.now();
  const nowMs = now.getTime();
  const oldestMs = nowMs - ctx.config.SCAN_RETENTION_DAYS * DAY_MS;
  const results: ScanItemResult[] = items.map((_, index) => ({
    index,
    clientId: null,
    status: 'rejected',
    scanId: null,
    error: null,
  }));
  const reject = (i: number, code: ScanErrorCode, field: string, message: string) => {
    results[i]!.status = 'rejected';
    results[i]!.error = { code, field: `scans[${i}].${field}`, message };
  };

  // 1. Shape and time.
  let pending: Pending[] = [];
  items.forEach((raw, i) => {
    const parsed = ScanItemSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.map(String).join('.') || 'item';
      const id = (raw as { clientId?: unknown } | null)?.clientId;
      if (typeof id === 'string') results[i]!.clientId = id;
      return reject(i, 'invalid', field, issue.message);
    }
    const item = parsed.data;
    results[i]!.clientId = item.clientId;
    const code = resident ? item.placeCode : item.personCode;
    if (resident && (item.personCode !== undefined || item.placeId !== undefined))
      return reject(i, 'invalid', 'placeCode', 'residents send the place code they scanned (placeCode) only');
    if (device && item.placeCode !== undefined)
      return reject(
        i,
        'invalid',
        'personCode',
        "checkpoint devices send the resident's code they scanned (personCode)",
      );
    if (!code)
      return reject(
        i,
        'invalid',
        resident ? 'placeCode' : 'personCode',
        resident ? 'placeCode is required' : 'personCode is required',
      );
    const at = new Date(item.scannedAt);
    if (at.getTime() > nowMs + FUTURE_TOLERANCE_MS)
      return reject(
        i,
        'future_timestamp',
        'scannedAt',
        `${item.scannedAt} is more than ${FUTURE_TOLERANCE_MS / 60_000} minutes after the server time ${now.toISOString()}`,
      );
    if (at.getTime() < oldestMs)
      return reject(
        i,
        'too_old',
        'scannedAt',
        `${item.scannedAt} is older than the ${ctx.config.SCAN_RETENTION_DAYS}-day retention period; scans that old are not kept`,
      );
    let placeId: string | null = null;
    if (device) {
      if (item.placeId && device.placeId && item.placeId !== device.placeId)
        return reject(i, 'out_of_scope', 'placeId', `this device token is bound to place ${device.placeId}`);
      placeId = device.placeId ?? item.placeId ?? null;
      if (!placeId)
        return reject(i, 'invalid', 'placeId', 'this device token is bound to no place: say where (placeId)');
    }
    pending.push({
      index: i,
      clientId: item.clientId,
      at,
      day: utcDay(at.getTime()),
      code,
      placeId,
      personId: resident?.id ?? null,
      subjectKey: null,
    });
  });

  // 2. Codes: signature, issuer and validity at the instant of the scan.
  const issuers = device ? await issuersWeSignFor(ctx) : new Set<string>();
  const kept: Pending[] = [];
  // A batch repeats the same few posters: check each distinct code once, then only its times per scan.
  const structural = new Map<string, Awaited<ReturnType<typeof checkCodeAt>>>();
  for (const p of pending) {
    const field = resident ? 'placeCode' : 'personCode';
    let checked = structural.get(p.code);
    if (!checked) {
      checked = await checkCodeAt(ctx, p.code, p.at, resident ? 'TSP1' : 'TSR1');
      if (!checked.problem) structural.set(p.code, checked);
    } else checked = timeCheck(checked, p.at);
    if (checked.problem) {
      reject(p.index, checked.problem.code, field, checked.problem.message);
      continue;
    }
    if (resident) {
      const place = checked.payload?.place as { id?: unknown } | undefined;
      p.placeId = typeof place?.id === 'string' ? place.id : null;
      if (!p.placeId) {
        reject(p.index, 'invalid_code', field, 'the place code names no place');
        continue;
      }
    } else {
      if (!checked.issuer || !issuers.has(checked.issuer)) {
        reject(
          p.index,
          'foreign_code',
          field,
          `the code was issued by jurisdiction ${checked.issuer ?? '?'}, whose pseudonyms only it can attribute`,
        );
        continue;
      }
      const sub = (checked.payload?.health as { sub?: unknown } | undefined)?.sub;
      p.subjectKey = `${utcDay(checked.iatMs)}|${String(sub)}`;
    }
    kept.push(p);
  }
  pending = kept;

  // 3. People behind device-scanned codes.
  if (device && pending.length > 0) {
    const persons = await personsForSubjects(
      ctx.db,
      pending.map((p) => {
        const [day, subject] = p.subjectKey!.split('|') as [string, string];
        return { day, subject };
      }),
    );
    pending = pending.filter((p) => {
      p.personId = persons.get(p.subjectKey!) ?? null;
      if (!p.personId)
        reject(
          p.index,
          'unknown_person',
          'personCode',
          'no resident was issued this code: it is valid, but its pseudonym is unknown here (expired mapping or another deployment)',
        );
      return p.personId !== null;
    });
  }

  // 4. Places, and for devices their scope.
  const places = await placesById(
    ctx,
    pending.map((p) => p.placeId!),
  );
  pending = pending.filter((p) => {
    const place = places.get(p.placeId!);
    if (!place) {
      reject(p.index, 'unknown_place', resident ? 'placeCode' : 'placeId', `no place ${p.placeId} is registered`);
      return false;
    }
    if (device) {
      const d = authorize(device, 'scan.record', { jurisdictionPath: place.communityPath });
      if (!d.allow) {
        reject(p.index, 'out_of_scope', 'placeId', d.reason);
        return false;
      }
    }
    return true;
  });

  // 5. Repeats inside the batch are duplicates of the first occurrence.
  const sourceId = resident ? resident.id : device!.id;
  const firstOf = new Map<string, number>();
  const rows: Array<NewScan & { index: number }> = [];
  for (const p of pending) {
    const key = `${p.clientId}|${p.day}`;
    if (firstOf.has(key)) {
      results[p.index]!.status = 'duplicate';
      continue;
    }
    firstOf.set(key, p.index);
    rows.push({
      index: p.index,
      id: randomUUID(),
      sourceId,
      clientId: p.clientId,
      day: p.day,
      scannedAt: p.at.toISOString(),
      personId: p.personId!,
      placeId: p.placeId!,
      direction: resident ? 'place_code' : 'person_code',
    });
  }

  // 6. Store, audit and announce in one transaction.
  if (rows.length > 0) {
    await ensureScanPartitions(
      ctx,
      rows.map((r) => r.day),
    );
    const inserted = await ctx.db.transaction().execute(async (trx) => {
      const keys = await insertScans(trx, rows, now);
      const stored = rows.filter((r) => keys.has(`${r.clientId}|${r.day}`));
      if (stored.length > 0) {
        const days = [...new Set(stored.map((r) => r.day))].sort();
        await appendAudit(trx, now, {
          actor: actorOf(principal),
          action: 'scans.record',
          subjectKind: 'scan_batch',
          subjectId: stored[0]!.id,
          personId: resident?.id ?? null,
          detail: { stored: stored.length, duplicates: rows.length - stored.length, days },
        });
        await emitEvent(
          trx,
          now,
          'scans.recorded',
          {
            count: stored.length,
            direction: resident ? 'place_code' : 'person_code',
            days,
            personIds: [...new Set(stored.map((r) => r.personId))].slice(0, 1000),
          },
          sourceId,
        );
      }
      return keys;
    });
    for (const r of rows) {
      const res = results[r.index]!;
      if (inserted.has(`${r.clientId}|${r.day}`)) {
        res.status = 'accepted';
        res.scanId = r.id;
      } else res.status = 'duplicate';
    }
  }

  let accepted = 0;
  let duplicates = 0;
  for (const r of results) {
    if (r.status === 'accepted') accepted++;
    else if (r.status === 'duplicate') duplicates++;
  }
  return { accepted, duplicates, rejected: results.length - accepted - duplicates, items: results };
}

/** The signed-in resident's own scans, newest first (only what retention has kept). */
export async function myScans(ctx: AppContext, personId: string, opts: { cursor?: string | undefined; limit: number }) {
  const c = decodeCursor(opts.cursor);
  const before =
    c && typeof c[0] === 'string' && typeof c[1] === 'string' && !Number.isNaN(Date.parse(c[0]))
      ? { at: c[0], id: c[1] }
      : null;
  if (c && !before) throw badRequest('query.cursor: not a cursor this API issued');
  const rows = await listOwnScans(ctx.db, personId, before, opts.limit);
  const page = paginate(rows, opts.limit, (r) => [new Date(r.scanned_at).toISOString(), r.id]);
  return {
    items: page.items.map((r) => ({
      id: r.id,
      scannedAt: new Date(r.scanned_at).toISOString(),
      direction: r.direction as 'place_code' | 'person_code',
      place: { id: r.place_id, nameZh: r.name_zh, nameEn: r.name_en, category: r.category },
    })),
    nextCursor: page.nextCursor,
  };
}
