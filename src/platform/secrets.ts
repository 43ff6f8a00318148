import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Secrets {
  /** Key for the HMAC of national ID numbers (never stored in the database). */
  idHmacKey: Buffer;
}

/**
 * Secrets come from the environment, or are generated once into DATA_DIR/secrets.json (mode 0600).
 * They are never committed and never written to the database.
 */
export function loadSecrets(dataDir: string, env: { ID_HMAC_KEY?: string | undefined }): Secrets {
  if (env.ID_HMAC_KEY) return { idHmacKey: Buffer.from(env.ID_HMAC_KEY, 'utf8') };
  const file = path.resolve(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { idHmacKey: string };
    return { idHmacKey: Buffer.from(raw.idHmacKey, 'base64') };
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const idHmacKey = randomBytes(32);
  writeFileSync(file, JSON.stringify({ idHmacKey: idHmacKey.toString('base64') }), { mode: 0o600 });
  return { idHmacKey };
}
