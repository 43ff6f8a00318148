import { sql, type Transaction } from 'kysely';
import type { AuditEntryContent } from '../../core/audit/hash-chain.ts';
import type { DB } from '../../platform/database/schema.ts';
import type { Database } from '../../platform/database/database.ts';

/** Serializes the sealer (one chain head at a time, across processes). */
export const AUDIT_CHAIN_LOCK = 7_100_001;

export type AuditActor =
  | { kind: 'staff'; id: string; role: string; scope: string }
  | { kind: 'resident'; id: string }
  | { kind: 'device'; id: string; role: string; scope: string }
  | { kind: 'system'; id?: string };

export interface AuditInput {
  actor: AuditActor;
  action: string;
  subjectKind: string;
  subjectId?: string | null;
  /** The resident whose data this concerns; drives their "who accessed my data" view. */
  personId?: string | null;
  purpose?: string | null;
  detail?: Record<string, unknown>;
}

/**
 * Appends one audit entry. Must run inside the transaction of the write it records, so the entry exists if and only if
 * the write committed. It takes its seq from a sequence, without any chain-wide lock, so concurrent writes do not queue
 * behind each other's commits; the sealer (`sealAuditChain`) then links committed entries into the hash chain, in
 * order, within a fraction of a second.
 */
export async function appendAudit(trx: Transaction<DB>, at: Date, input: AuditInput): Promise<AuditEntryContent> {
  const [content] = await appendAuditMany(trx, at, [input]);
  return content!;
}

/** Audits many entries at once (an import, tracing thousands of contacts): multi-row inserts, one entry per input. */
export async function appendAuditMany(
  trx: Transaction<DB>,
  at: Date,
  inputs: AuditInput[],
): Promise<AuditEntryContent[]> {
  if (inputs.length === 0) return [];
  const contents: AuditEntryContent[] = inputs.map((input) => {
    const actor = input.actor;
    return {
      seq: 0,
      at: at.toISOString(),
      actorKind: actor.kind,
      actorId: actor.id ?? null,
      actorRole: 'role' in actor ? actor.role : actor.kind === 'resident' ? 'resident' : null,
      actorScope: 'scope' in actor ? actor.scope : null,
      action: input.action,
      subjectKind: input.subjectKind,
      subjectId: input.subjectId ?? null,
      personId: input.personId ?? null,
      purpose: input.purpose ?? null,
      detail: input.detail ?? {},
    };
  });
  for (let i = 0; i < contents.length; i += 500) {
    const chunk = contents.slice(i, i + 500);
    const seqs = await trx
      .insertInto('audit_log')
      .values(
        chunk.map((c) => ({
          seq: sql<number>`nextval('audit_log_seq_gen')`,
          at,
          actor_kind: c.actorKind,
          actor_id: c.actorId,
          actor_role: c.actorRole,
          actor_scope: c.actorScope,
          action: c.action,
          subject_kind: c.subjectKind,
          subject_id: c.subjectId,
          person_id: c.personId,
          purpose: c.purpose,
          detail: JSON.stringify(c.detail),
          // Empty until sealed into the chain.
          prev_hash: '',
          hash: '',
        })),
      )
      .returning('seq')
      .execute();
    // nextval runs row by row, so the ascending seqs belong to the rows in order.
    const sorted = seqs.map((r) => Number(r.seq)).sort((a, b) => a - b);
    chunk.forEach((c, k) => (c.seq = sorted[k] as number));
  }
  return contents;
}

export function auditRowToContent(row: AuditRow): AuditEntryContent {
  return {
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    actorScope: row.actor_scope,
    action: row.action,
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    personId: row.person_id,
    purpose: row.purpose,
    detail: (typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail) as Record<string, unknown>,
  };
}

export interface AuditRow {
  seq: number | string;
  at: Date | string;
  actor_kind: string;
  actor_id: string | null;
  actor_role: string | null;
  actor_scope: string | null;
  action: string;
  subject_kind: string;
  subject_id: string | null;
  person_id: string | null;
  purpose: string | null;
  detail: unknown;
  prev_hash: string;
  hash: string;
}

export async function listAuditForPerson(db: Database, personId: string, limit = 200) {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
}
