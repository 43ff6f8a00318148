import { createHash, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { CoseAlg } from './cose.ts';

/** A jurisdiction's code-signing public key as a verifier knows it (from a trust list). */
export interface TrustedKey {
  /** 8 bytes: kidForPublicKey(publicKey). */
  kid: Buffer;
  alg: CoseAlg;
  /** The only issuer (`iss` claim) this key may sign for. */
  jurisdiction: string;
  publicKey: KeyObject;
  /** The key may sign codes with iat in [notBefore, notAfter]; its codes stay valid until their own exp. */
  notBefore: Date;
  notAfter: Date;
}

/** Algorithms a Tessera jurisdiction may sign TSR1/TSP1 codes with. */
export const TESSERA_ALGS: readonly CoseAlg[] = ['ES256', 'EdDSA'];

export const KID_LENGTH = 8;

/** SubjectPublicKeyInfo DER of a public key (or of the public half of a private key). */
export function spkiDer(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}

/** Tessera kid: the first 8 bytes of SHA-256 over the SubjectPublicKeyInfo DER (mirrors the DCC's DER-cert rule). */
export function kidForPublicKey(key: KeyObject): Buffer {
  return createHash('sha256').update(spkiDer(key)).digest().subarray(0, KID_LENGTH);
}

/** DCC kid: the first 8 bytes of SHA-256 over the signer certificate's DER encoding. */
export function kidForCertificate(der: Uint8Array): Buffer {
  return createHash('sha256').update(der).digest().subarray(0, KID_LENGTH);
}
