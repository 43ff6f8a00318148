import { sql, type Transaction } from 'kysely';
import { chainHash, GENESIS_HASH, type AuditEntryContent } from '../../core/audit/hash-chain.ts';
import type { DB } from '../../platform/database/schema.ts';
import type { Database } from '../../platform/database/database.ts';

const AUDIT_CHAIN_LOCK = 7_100_001;

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
 * Appends one entry to the hash chain. Must run inside the transaction of the write it records,
 * so the entry exists if and only if the write committed. The advisory lock serializes chain appends.
 */
export async function appendAudit(trx: Transaction<DB>, at: Date, input: AuditInput): Promise<AuditEntryContent> {
  const [content] = await appendAuditMany(trx, at, [input]);
  return content!;
}

/**
 * Audits many entries at once (an import, tracing thousands of contacts): the same chain, one entry per input, but one
 * lock, one read of the head and multi-row inserts instead of three statements per entry.
 */
export async function appendAuditMany(
  trx: Transaction<DB>,
  at: Date,
  inputs: AuditInput[],
): Promise<AuditEntryContent[]> {
  if (inputs.length === 0) return [];
  await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(trx);
  const last = await trx
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const contents: AuditEntryContent[] = [];
  const rows = inputs.map((input) => {
    const actor = input.actor;
    const content: AuditEntryContent = {
      seq: ++seq,
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
    const hash = chainHash(prevHash, content);
    const row = {
      seq: content.seq,
      at,
      actor_kind: content.actorKind,
      actor_id: content.actorId,
      actor_role: content.actorRole,
      actor_scope: content.actorScope,
      action: content.action,
      subject_kind: content.subjectKind,
      subject_id: content.subjectId,
      person_id: content.personId,
      purpose: content.purpose,
      detail: JSON.stringify(content.detail),
      prev_hash: prevHash,
      hash,
    };
    prevHash = hash;
    contents.push(content);
    return row;
  });
  for (let i = 0; i < rows.length; i += 500)
    await trx
      .insertInto('audit_log')
      .values(rows.slice(i, i + 500))
      .execute();
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
