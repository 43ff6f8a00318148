import { sql } from 'kysely';
import { chainHash } from '../../core/audit/hash-chain.ts';
import type { AppContext } from '../../platform/context.ts';
import { AUDIT_CHAIN_LOCK, auditRowToContent, type AuditRow } from './audit.repository.ts';
import { chainBase } from './chain-base.ts';

/**
 * Links committed, unsealed audit entries into the hash chain, oldest seq first: each gets the next chain position,
 * the previous entry's hash and its own. One sealer at a time (advisory lock), any number of processes. An entry
 * whose transaction commits late is simply sealed later, at a later position; a rolled-back one never appears.
 * Returns how many entries were sealed.
 */
export async function sealAuditChain(ctx: AppContext, batch = 20_000): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await ctx.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(trx);
      const rows = (await trx
        .selectFrom('audit_log')
        .selectAll()
        .where('chain_pos', 'is', null)
        .orderBy('seq')
        .limit(batch)
        .execute()) as AuditRow[];
      if (rows.length === 0) return 0;
      const head = await trx
        .selectFrom('audit_log')
        .select(['chain_pos', 'hash'])
        .where('chain_pos', 'is not', null)
        .orderBy('chain_pos', 'desc')
        .limit(1)
        .executeTakeFirst();
      const base = head ? null : await chainBase(trx);
      let pos = head ? Number(head.chain_pos) : (base?.seq ?? 0);
      let prev = head ? head.hash : (base?.hash as string);
      const seqs: number[] = [];
      const positions: number[] = [];
      const prevs: string[] = [];
      const hashes: string[] = [];
      for (const r of rows) {
        const hash = chainHash(prev, auditRowToContent(r));
        seqs.push(Number(r.seq));
        positions.push(++pos);
        prevs.push(prev);
        hashes.push(hash);
        prev = hash;
      }
      await sql`
        update audit_log a set chain_pos = u.pos, prev_hash = u.prev, hash = u.hash
        from unnest(${seqs}::bigint[], ${positions}::bigint[], ${prevs}::text[], ${hashes}::text[]) as u(seq, pos, prev, hash)
        where a.seq = u.seq`.execute(trx);
      return rows.length;
    });
    total += n;
    if (n < batch) return total;
  }
}

export async function unsealedCount(ctx: AppContext): Promise<number> {
  const r = await ctx.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('chain_pos', 'is', null)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}
