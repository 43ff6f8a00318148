import { GENESIS_ANCHOR, type ChainAnchor } from '../../core/audit/chain-verifier.ts';
import type { Database } from '../../platform/database/database.ts';
import type { Transaction } from 'kysely';
import type { DB } from '../../platform/database/schema.ts';

export const CHAIN_BASE_SETTING = 'audit_chain_base';

/** Where the stored chain begins: genesis, or the checkpointed position up to which retention removed the prefix. */
export async function chainBase(
  db: Database | Transaction<DB>,
): Promise<ChainAnchor & { certificateId: string | null }> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', CHAIN_BASE_SETTING).executeTakeFirst();
  if (!row) return { ...GENESIS_ANCHOR, certificateId: null };
  const v = (typeof row.value === 'string' ? JSON.parse(row.value) : row.value) as {
    seq: number;
    hash: string;
    certificateId: string | null;
  };
  return { seq: Number(v.seq), hash: v.hash, certificateId: v.certificateId ?? null };
}
