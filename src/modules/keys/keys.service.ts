import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { CoseAlg } from '../../core/codes/cose.ts';
import { kidForPublicKey, spkiDer, type TrustedKey } from '../../core/codes/keys.ts';
import { MAX_HEALTH_CODE_TTL_SECONDS } from '../../core/codes/tsr1.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Database } from '../../platform/database/database.ts';
import { appendAudit, type AuditActor } from '../audit/audit.repository.ts';
import { openPrivateKey, sealPrivateKey } from './key-encryption.ts';

export type KeyPurpose = 'code' | 'trust_list' | 'audit';

export interface ActiveKey {
  kid: Buffer;
  kidB64: string;
  alg: CoseAlg;
  key: KeyObject;
  publicKey: KeyObject;
  jurisdictionId: string;
}

/** Signing keys live a year unless rotated; a retired key keeps verifying as long as codes it signed can live. */
const KEY_LIFETIME_MS = 365 * 24 * 3600_000;
const VERIFY_GRACE_MS = MAX_HEALTH_CODE_TTL_SECONDS * 1000;

const cache = new WeakMap<Database, Map<string, { key: ActiveKey; until: number }>>();

function cacheFor(db: Database) {
  let c = cache.get(db);
  if (!c) {
    c = new Map();
    cache.set(db, c);
  }
  return c;
}

/** The current key of a jurisdiction for a purpose, created on first use. */
export async function activeSigningKey(
  ctx: AppContext,
  jurisdictionId: string,
  purpose: KeyPurpose,
): Promise<ActiveKey> {
  const now = ctx.clock.now();
  const c = cacheFor(ctx.db);
  const cacheKey = `${jurisdictionId}/${purpose}`;
  const hit = c.get(cacheKey);
  if (hit && hit.until > now.getTime()) return hit.key;
  const row = await ctx.db
    .selectFrom('signing_keys')
    .selectAll()
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('purpose', '=', purpose)
    .where('retired_at', 'is', null)
    .where('not_after', '>', now)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const key = row ? loadKey(ctx, row) : await createKey(ctx, jurisdictionId, purpose, { kind: 'system', id: 'keys' });
  c.set(cacheKey, { key, until: now.getTime() + 60_000 });
  return key;
}

function loadKey(
  ctx: AppContext,
  row: { kid: string; alg: string; public_spki: string; private_enc: string; jurisdiction_id: string },
): ActiveKey {
  const der = openPrivateKey(ctx.secrets.keyEncryptionKey, row.private_enc, row.kid);
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return {
    kid: Buffer.from(row.kid, 'base64'),
    kidB64: row.kid,
    alg: row.alg as CoseAlg,
    key,
    publicKey: createPublicKey(key),
    jurisdictionId: row.jurisdiction_id,
  };
}

async function createKey(
  ctx: AppContext,
  jurisdictionId: string,
  purpose: KeyPurpose,
  actor: AuditActor,
): Promise<ActiveKey> {
  const now = ctx.clock.now();
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = kidForPublicKey(publicKey);
  const kidB64 = kid.toString('base64');
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('signing_keys')
      .values({
        kid: kidB64,
        jurisdiction_id: jurisdictionId,
        purpose,
        alg: 'ES256',
        public_spki: spkiDer(publicKey).toString('base64'),
        private_enc: sealPrivateKey(ctx.secrets.keyEncryptionKey, pkcs8, kidB64),
        created_at: now,
        not_after: new Date(now.getTime() + KEY_LIFETIME_MS),
      })
      .execute();
    await appendAudit(trx, now, {
      actor,
      action: 'key.create',
      subjectKind: 'signing_key',
      subjectId: kidB64,
      detail: { jurisdiction: jurisdictionId, purpose, alg: 'ES256' },
    });
  });
  return { kid, kidB64, alg: 'ES256', key: privateKey, publicKey, jurisdictionId };
}

/** Retires the current key and creates a new one; the old one keeps verifying codes it already signed. */
export async function rotateSigningKey(
  ctx: AppContext,
  jurisdictionId: string,
  purpose: KeyPurpose,
  actor: AuditActor,
): Promise<ActiveKey> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const retired = await trx
      .updateTable('signing_keys')
      .set({ retired_at: now })
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('purpose', '=', purpose)
      .where('retired_at', 'is', null)
      .returning('kid')
      .execute();
    await appendAudit(trx, now, {
      actor,
      action: 'key.rotate',
      subjectKind: 'signing_key',
      subjectId: retired[0]?.kid ?? null,
      detail: { jurisdiction: jurisdictionId, purpose, retired: retired.map((r) => r.kid) },
    });
  });
  cacheFor(ctx.db).delete(`${jurisdictionId}/${purpose}`);
  return createKey(ctx, jurisdictionId, purpose, actor);
}

/** Our own code keys that verifiers should accept now: active ones, and retired ones within the code lifetime. */
export async function ownVerificationKeys(ctx: AppContext): Promise<TrustedKey[]> {
  const now = ctx.clock.now();
  const rows = await ctx.db.selectFrom('signing_keys').selectAll().where('purpose', '=', 'code').execute();
  return rows
    .map((r) => {
      // A key signs codes until it retires; those codes live at most VERIFY_GRACE_MS longer.
      // Whole seconds like iat; a key retired in the second it was made still covers that second.
      const notAfter = new Date(Math.ceil(new Date(r.retired_at ?? r.not_after).getTime() / 1000 + 1) * 1000);
      return {
        kid: Buffer.from(r.kid, 'base64'),
        alg: r.alg as CoseAlg,
        publicKey: createPublicKey({ key: Buffer.from(r.public_spki, 'base64'), format: 'der', type: 'spki' }),
        jurisdiction: r.jurisdiction_id,
        // Codes carry whole seconds (iat is truncated): a key created at 10:00:00.400 signs codes with iat 10:00:00.
        notBefore: new Date(Math.floor(new Date(r.created_at).getTime() / 1000) * 1000),
        notAfter,
      };
    })
    .filter((k) => k.notAfter.getTime() + VERIFY_GRACE_MS > now.getTime());
}
