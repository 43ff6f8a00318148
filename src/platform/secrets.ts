import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Secrets {
  /** Key for the HMAC of national ID numbers (never stored in the database). */
  idHmacKey: Buffer;
  /** Encrypts signing keys at rest in the database (AES-256-GCM). */
  keyEncryptionKey: Buffer;
  /** Derives the daily pseudonymous subject ids in health codes. */
  pseudonymSecret: Buffer;
}

interface SecretsFile {
  idHmacKey?: string;
  keyEncryptionKey?: string;
  pseudonymSecret?: string;
}

/**
 * Secrets come from the environment, or are generated once into DATA_DIR/secrets.json (mode 0600).
 * They are never committed and never written to the database.
 */
export function loadSecrets(dataDir: string, env: { ID_HMAC_KEY?: string | undefined }): Secrets {
  const file = path.resolve(dataDir, 'secrets.json');
  const stored: SecretsFile = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SecretsFile) : {};
  let changed = false;
  const get = (name: keyof SecretsFile): Buffer => {
    const v = stored[name];
    if (v) return Buffer.from(v, 'base64');
    const fresh = randomBytes(32);
    stored[name] = fresh.toString('base64');
    changed = true;
    return fresh;
  };
  const secrets: Secrets = {
    idHmacKey: env.ID_HMAC_KEY ? Buffer.from(env.ID_HMAC_KEY, 'utf8') : get('idHmacKey'),
    keyEncryptionKey: get('keyEncryptionKey'),
    pseudonymSecret: get('pseudonymSecret'),
  };
  if (changed) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
  }
  return secrets;
}
