import { sql } from 'kysely';
import { authorize } from '../../core/policy/policy.ts';
import type { Principal } from '../../core/policy/roles.ts';
import type { LabRecord, ParsedSubmission } from '../../core/labs/lab-records.ts';
import type { AppContext } from '../../platform/context.ts';
import { forbidden, Problem } from '../../platform/http/problem.ts';
import { actorOf } from '../audit/actor.ts';
import { openOrAttachCase } from '../cases/cases.service.ts';
import { findResidentByNationalId } from '../registry/residents.service.ts';
import { recordFact } from '../status/facts.service.ts';
import { publishedRuleSets } from '../status/rulesets.service.ts';

/** A lab's clock may run a little ahead; a result issued further in the future than this is refused. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

export interface LabRecordOutcome {
  ref: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  /** Present when accepted. */
  factId: string | null;
  result: 'positive' | 'negative' | null;
  field: string | null;
  reason: string | null;
}

export interface LabReport {
  accepted: number;
  duplicates: number;
  rejected: number;
  casesOpened: number;
  records: LabRecordOutcome[];
}

/**
 * Records the results of a lab submission. Each record stands alone: matched to a resident by the keyed hash of the
 * national ID, checked against the lab's jurisdiction, and recorded as a test-result fact with the lab and specimen
 * as provenance (which recomputes the status). A positive result opens or extends the person's case in the same
 * transaction. A record already received (same lab, same specimen) is a duplicate; a bad record changes nothing.
 */
export async function submitLabResults(
  ctx: AppContext,
  principal: Principal,
  parsed: ParsedSubmission,
): Promise<LabReport> {
  const gate = authorize(principal, 'lab_result.submit');
  if (!gate.allow) throw forbidden(gate.reason);
  await publishedRuleSets(ctx); // before any transaction: PGlite has one connection
  const labId = principal.kind === 'staff' || principal.kind === 'device' ? principal.id : 'unknown';
  const outcomes: LabRecordOutcome[] = parsed.rejected.map((r) => ({
    ref: r.ref,
    status: 'rejected',
    factId: null,
    result: null,
    field: r.field,
    reason: r.reason,
  }));
  let casesOpened = 0;
  for (const record of parsed.records) {
    const outcome = await submitOne(ctx, principal, labId, record);
    if (outcome.opened) casesOpened++;
    outcomes.push(outcome.outcome);
  }
  outcomes.sort((a, b) => order(a.ref) - order(b.ref));
  const count = (s: LabRecordOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  return {
    accepted: count('accepted'),
    duplicates: count('duplicate'),
    rejected: count('rejected'),
    casesOpened,
    records: outcomes,
  };
}

const order = (ref: string) => Number(/(\d+)/.exec(ref)?.[1] ?? -1);

async function submitOne(
  ctx: AppContext,
  principal: Principal,
  labId: string,
  r: LabRecord,
): Promise<{ outcome: LabRecordOutcome; opened: boolean }> {
  const reject = (field: string, reason: string) => ({
    outcome: { ref: r.ref, status: 'rejected' as const, factId: null, result: null, field, reason },
    opened: false,
  });
  const now = ctx.clock.now();
  let person;
  try {
    person = await findResidentByNationalId(ctx, r.nationalId);
  } catch (err) {
    if (err instanceof Problem) return reject('subject.identifier', err.detail.replace(/^nationalId: /, ''));
    throw err;
  }
  if (!person) return reject('subject.identifier', 'unmatched person: no resident is registered with this national ID');
  const d = authorize(principal, 'lab_result.submit', { jurisdictionPath: person.jurisdictionPath });
  if (!d.allow) return reject('subject.identifier', `the resident lives outside this lab's jurisdiction (${d.reason})`);
  const issued = r.issuedAt ? new Date(r.issuedAt) : now;
  const specimen = new Date(r.specimenCollectedAt);
  if (issued.getTime() > now.getTime() + FUTURE_TOLERANCE_MS)
    return reject('issued', `the result is dated ${issued.toISOString()}, after the server time ${now.toISOString()}`);
  if (specimen.getTime() > issued.getTime())
    return reject(
      'effectiveDateTime',
      `the specimen (${specimen.toISOString()}) cannot be collected after the result (${issued.toISOString()})`,
    );

  const dup = await sql<{ id: string }>`
    select id from health_facts
    where person_id = ${person.id}::uuid and kind = 'test_result'
      and provenance->>'labId' = ${labId} and provenance->>'specimenId' = ${r.specimenId}
    limit 1`.execute(ctx.db);
  if (dup.rows[0])
    return {
      outcome: { ref: r.ref, status: 'duplicate', factId: dup.rows[0].id, result: r.result, field: null, reason: null },
      opened: false,
    };

  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const { fact } = await recordFact(
        ctx,
        principal,
        {
          personId: person.id,
          kind: 'test_result',
          method: 'pcr',
          result: r.result,
          specimenCollectedAt: specimen.toISOString(),
          occurredAt: (issued.getTime() > now.getTime() ? now : issued).toISOString(),
          provenance: { source: 'lab', labId, specimenId: r.specimenId },
        },
        { trx, purpose: 'lab_result' },
      );
      let opened = false;
      if (r.result === 'positive') {
        const c = await openOrAttachCase(
          trx,
          ctx,
          { personId: person.id, factId: fact.id, specimenAt: specimen, actor: actorOf(principal) },
          now,
        );
        opened = c.opened;
      }
      return {
        outcome: {
          ref: r.ref,
          status: 'accepted' as const,
          factId: fact.id,
          result: r.result,
          field: null,
          reason: null,
        },
        opened,
      };
    });
  } catch (err) {
    if (err instanceof Problem && err.status < 500) return reject('Observation', err.detail);
    throw err;
  }
}

export interface RecentLabResult {
  factId: string;
  specimenId: string;
  result: 'positive' | 'negative' | null;
  specimenCollectedAt: string | null;
  issuedAt: string;
  recordedAt: string;
  withdrawn: boolean;
}

/**
 * The results this lab (or lab account) submitted most recently, newest first: specimen, result and times only, never
 * who they are about, so the lab can check what was received without reading personal data.
 */
export async function recentLabResults(
  ctx: AppContext,
  principal: Principal,
  limit: number,
): Promise<RecentLabResult[]> {
  const gate = authorize(principal, 'lab_result.submit');
  if (!gate.allow) throw forbidden(gate.reason);
  const labId = principal.kind === 'staff' || principal.kind === 'device' ? principal.id : 'unknown';
  const rows = await sql<{
    id: string;
    data: unknown;
    provenance: unknown;
    occurred_at: Date | string;
    recorded_at: Date | string;
    withdrawn_at: Date | string | null;
  }>`
    select id, data, provenance, occurred_at, recorded_at, withdrawn_at from health_facts
    where kind = 'test_result' and provenance->>'source' = 'lab' and provenance->>'labId' = ${labId}
    order by recorded_at desc, id
    limit ${limit}`.execute(ctx.db);
  const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>;
  return rows.rows.map((r) => {
    const data = parse(r.data);
    const provenance = parse(r.provenance);
    const result = data.result === 'positive' || data.result === 'negative' ? data.result : null;
    return {
      factId: r.id,
      specimenId: String(provenance.specimenId ?? ''),
      result,
      specimenCollectedAt:
        typeof data.specimenCollectedAt === 'string' ? new Date(data.specimenCollectedAt).toISOString() : null,
      issuedAt: new Date(r.occurred_at).toISOString(),
      recordedAt: new Date(r.recorded_at).toISOString(),
      withdrawn: r.withdrawn_at !== null,
    };
  });
}
