import { createPublicKey, type KeyObject } from 'node:crypto';
import type { CoseAlg } from '../../core/codes/cose.ts';
import type { AppContext } from '../../platform/context.ts';
import { activeSigningKey, type ActiveKey } from '../keys/keys.service.ts';

/**
 * The jurisdiction whose audit key signs checkpoints and deletion certificates: the city (as for the trust list), or
 * the root of the tree. Null on an empty database, where there is nothing to sign yet.
 */
export async function auditIssuer(ctx: AppContext): Promise<string | null> {
  const city = await ctx.db
    .selectFrom('jurisdictions')
    .select('id')
    .where('level', '=', 'city')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (city) return city.id;
  const root = await ctx.db
    .selectFrom('jurisdictions')
    .select('id')
    .where('parent_id', 'is', null)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return root?.id ?? null;
}

export async function auditSigningKey(ctx: AppContext): Promise<ActiveKey | null> {
  const issuer = await auditIssuer(ctx);
  return issuer ? activeSigningKey(ctx, issuer, 'audit') : null;
}

export interface PublishedAuditKey {
  kid: string;
  alg: CoseAlg;
  jurisdictionId: string;
  publicKey: KeyObject;
  publicSpki: string;
  createdAt: string;
  retiredAt: string | null;
}

/** Every audit key this system ever used, retired ones included: old checkpoints and certificates must stay checkable. */
export async function auditKeys(ctx: AppContext): Promise<PublishedAuditKey[]> {
  const rows = await ctx.db
    .selectFrom('signing_keys')
    .select(['kid', 'alg', 'jurisdiction_id', 'public_spki', 'created_at', 'retired_at'])
    .where('purpose', '=', 'audit')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    kid: r.kid,
    alg: r.alg as CoseAlg,
    jurisdictionId: r.jurisdiction_id,
    publicKey: createPublicKey({ key: Buffer.from(r.public_spki, 'base64'), format: 'der', type: 'spki' }),
    publicSpki: r.public_spki,
    createdAt: new Date(r.created_at).toISOString(),
    retiredAt: r.retired_at ? new Date(r.retired_at).toISOString() : null,
  }));
}

export async function auditKeyLookup(ctx: AppContext) {
  const keys = new Map((await auditKeys(ctx)).map((k) => [k.kid, { key: k.publicKey, alg: k.alg }]));
  return (kid: string) => keys.get(kid) ?? null;
}
