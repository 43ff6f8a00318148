import { createHash } from 'node:crypto';

/** Fields of an audit entry that the chain commits to. */
export interface AuditEntryContent {
  seq: number;
  at: string; // ISO-8601 UTC
  actorKind: string;
  actorId: string | null;
  actorRole: string | null;
  actorScope: string | null;
  action: string;
  subjectKind: string;
  subjectId: string | null;
  personId: string | null;
  purpose: string | null;
  detail: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Canonical JSON: keys sorted at every depth, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

const ENTRY_KEYS: ReadonlyArray<keyof AuditEntryContent> = (
  [
    'seq',
    'at',
    'actorKind',
    'actorId',
    'actorRole',
    'actorScope',
    'action',
    'subjectKind',
    'subjectId',
    'personId',
    'purpose',
    'detail',
  ] as const
)
  .slice()
  .sort();
const KEY_PREFIX = new Map(ENTRY_KEYS.map((k) => [k, `${JSON.stringify(k)}:`]));

/**
 * canonicalJson(entry) for an audit entry, byte for byte, without sorting the fixed keys on every call: verifying
 * millions of entries spends most of its time here. Keys other than the entry's own are ignored.
 */
export function canonicalEntry(entry: AuditEntryContent): string {
  let out = '';
  for (const k of ENTRY_KEYS) {
    const v = entry[k];
    if (v === undefined) continue;
    out += `${out ? ',' : ''}${KEY_PREFIX.get(k) as string}${k === 'detail' ? canonicalJson(v) : JSON.stringify(v)}`;
  }
  return `{${out}}`;
}

/** hash_n = SHA-256(hash_{n-1} || canonical(entry_n)). */
export function chainHash(prevHash: string, entry: AuditEntryContent): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalEntry(entry)).digest('hex');
}

export type ChainProblem =
  | { kind: 'altered'; seq: number; expected: string; found: string }
  | { kind: 'broken-link'; seq: number; expectedPrev: string; foundPrev: string }
  | { kind: 'gap'; seq: number; expectedSeq: number };

/** Walks entries in seq order; returns the first problem or null. Streaming-friendly: pass the state along. */
export function verifyStep(
  state: { prevHash: string; nextSeq: number },
  entry: AuditEntryContent & { prevHash: string; hash: string },
): ChainProblem | null {
  if (entry.seq !== state.nextSeq) return { kind: 'gap', seq: entry.seq, expectedSeq: state.nextSeq };
  if (entry.prevHash !== state.prevHash)
    return { kind: 'broken-link', seq: entry.seq, expectedPrev: state.prevHash, foundPrev: entry.prevHash };
  const { prevHash: _p, hash, ...content } = entry;
  const expected = chainHash(state.prevHash, content);
  if (expected !== hash) return { kind: 'altered', seq: entry.seq, expected, found: hash };
  state.prevHash = hash;
  state.nextSeq = entry.seq + 1;
  return null;
}
