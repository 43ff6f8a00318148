import { createHash, randomBytes } from 'node:crypto';

/** Bearer tokens are random; only their SHA-256 is stored, so a database leak does not leak sessions. */
export function newToken(prefix: 'ses' | 'dev' | 'lab' | 'ver'): { token: string; hash: string } {
  const token = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { token, hash: tokenHash(token) };
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
