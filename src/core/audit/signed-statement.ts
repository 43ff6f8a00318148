import { createHash, type KeyObject } from 'node:crypto';
import { signBytes, verifyBytes, type CoseAlg } from '../codes/cose.ts';
import { canonicalJson } from '../codes/canonical-json.ts';

/**
 * Checkpoints and deletion certificates are JSON statements signed over their RFC 8785 canonical bytes, so anyone
 * holding the audit public key can check them with any JCS implementation and ES256.
 */
export function statementBytes(statement: unknown): Buffer {
  return Buffer.from(canonicalJson(statement), 'utf8');
}

export function statementHash(statement: unknown): string {
  return createHash('sha256').update(statementBytes(statement)).digest('hex');
}

export function signStatement(statement: unknown, key: KeyObject, alg: CoseAlg): string {
  return signBytes(alg, key, statementBytes(statement)).toString('base64');
}

export function verifyStatement(statement: unknown, signatureB64: string, key: KeyObject, alg: CoseAlg): boolean {
  let sig: Buffer;
  try {
    sig = Buffer.from(signatureB64, 'base64');
  } catch {
    return false;
  }
  return verifyBytes(alg, key, statementBytes(statement), sig);
}
