import type { KeyObject, X509Certificate } from 'node:crypto';
import { cborEncode } from './cbor.ts';
import type { CborMap } from './cbor.ts';
import { signCoseSign1 } from './cose.ts';
import type { CoseAlg } from './cose.ts';
import { ClaimsError, CWT_EXP, CWT_HCERT, CWT_IAT, CWT_ISS, describe, readText, requireNumericDate } from './cwt.ts';
import { wrapEnvelope } from './envelope.ts';
import { kidForCertificate } from './keys.ts';

/** EU DCC certificate types: vaccination, test, recovery. */
export type DccType = 'v' | 't' | 'r';
export const DCC_TYPES: readonly DccType[] = ['v', 't', 'r'];

/** DSC extended key usages that restrict which certificate types a signer may issue (hcert spec §5.1.1). */
export const DCC_EKU: Readonly<Record<DccType, string>> = {
  t: '1.3.6.1.4.1.1847.2021.1.1',
  v: '1.3.6.1.4.1.1847.2021.1.2',
  r: '1.3.6.1.4.1.1847.2021.1.3',
};

/** A DSC prepared for verification: parsing a certificate is costly, so this is computed once per certificate. */
export interface SignerCert {
  cert: X509Certificate;
  kid: Buffer;
  publicKey: KeyObject;
  /** Epoch ms. */
  validFrom: number;
  validTo: number;
  /** Types the DSC may sign, from its EKU; null when it has none of the DCC EKUs (then any type is allowed). */
  allowedTypes: DccType[] | null;
}

const cache = new WeakMap<X509Certificate, SignerCert>();

function parseCertDate(text: string, which: string): number {
  const ms = new Date(text).getTime();
  if (Number.isNaN(ms)) throw new Error(`cannot read the certificate's ${which} date '${text}'`);
  return ms;
}

/**
 * Prepares a DSC. `kid` overrides the derived one: gateway trust lists publish the kid next to the certificate,
 * and two certificates can share a kid.
 */
export function signerCert(cert: X509Certificate, kid?: Uint8Array): SignerCert {
  const cached = cache.get(cert);
  const base =
    cached ??
    (() => {
      // Node names the extended key usage list `keyUsage` (undefined when the extension is absent).
      const ekus: string[] = cert.keyUsage ?? [];
      const allowed = DCC_TYPES.filter((t) => ekus.includes(DCC_EKU[t]));
      const info: SignerCert = {
        cert,
        kid: kidForCertificate(cert.raw),
        publicKey: cert.publicKey,
        validFrom: parseCertDate(cert.validFrom, 'notBefore'),
        validTo: parseCertDate(cert.validTo, 'notAfter'),
        allowedTypes: allowed.length > 0 ? allowed : null,
      };
      cache.set(cert, info);
      return info;
    })();
  return kid ? { ...base, kid: Buffer.from(kid) } : base;
}

export interface HcertClaims {
  /** CWT iss: the issuing country, optional in the DCC. */
  issuer: string | null;
  issuedAt: number;
  expiresAt: number;
  /** eu_dcc_v1 as decoded (string-keyed map). */
  dcc: CborMap;
  type: DccType;
}

/** Validates the CWT envelope of a DCC and finds its certificate type (exactly one of v/t/r, one entry). */
export function parseHcertClaims(claims: CborMap): HcertClaims {
  const issuer = readText(claims, CWT_ISS, 'iss (1)', false);
  const issuedAt = requireNumericDate(claims, CWT_IAT, 'iat');
  const expiresAt = requireNumericDate(claims, CWT_EXP, 'exp');
  if (expiresAt <= issuedAt) throw new ClaimsError('exp must be after iat');
  const hcert = claims.get(CWT_HCERT);
  if (!(hcert instanceof Map)) throw new ClaimsError(`hcert (-260) must be a map, got ${describe(hcert)}`);
  const dcc = hcert.get(1);
  if (!(dcc instanceof Map))
    throw new ClaimsError(`hcert (-260) must hold eu_dcc_v1 under key 1, got ${describe(dcc)}`);
  const present = DCC_TYPES.filter((t) => dcc.has(t));
  if (present.length !== 1) {
    throw new ClaimsError(
      present.length === 0
        ? 'DCC holds none of v, t, r'
        : `DCC must hold exactly one of v, t, r; found ${present.join(', ')}`,
    );
  }
  const type = present[0]!;
  const entries = dcc.get(type);
  if (!Array.isArray(entries) || entries.length !== 1 || !(entries[0] instanceof Map)) {
    throw new ClaimsError(`DCC ${type} must be an array of exactly one entry`);
  }
  const version = dcc.get('ver');
  if (typeof version !== 'string') throw new ClaimsError(`DCC ver must be a string, got ${describe(version)}`);
  return { issuer, issuedAt, expiresAt, dcc, type };
}

export function ekuAllows(signer: SignerCert, type: DccType): boolean {
  return signer.allowedTypes === null || signer.allowedTypes.includes(type);
}

export interface IssueHc1Input {
  /** eu_dcc_v1 as JSON (ver, nam, dob, and one of v/t/r). */
  dcc: Record<string, unknown>;
  issuer?: string;
  /** Seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
  privateKey: KeyObject;
  alg: CoseAlg;
  kid: Uint8Array;
  kidUnprotected?: boolean;
}

/**
 * Signs an `HC1:` certificate. Tessera does not issue DCCs; this exists to build test vectors and benchmark
 * inputs with our own DSCs, using exactly the pipeline the verifier reads.
 */
export function issueHc1(input: IssueHc1Input): string {
  const claims = new Map<number, unknown>();
  if (input.issuer !== undefined) claims.set(CWT_ISS, input.issuer);
  claims.set(CWT_IAT, input.issuedAt);
  claims.set(CWT_EXP, input.expiresAt);
  claims.set(CWT_HCERT, new Map([[1, input.dcc]]));
  const cose = signCoseSign1({
    payload: cborEncode(claims),
    alg: input.alg,
    privateKey: input.privateKey,
    kid: input.kid,
    kidUnprotected: input.kidUnprotected ?? false,
  });
  return wrapEnvelope('HC1', cose);
}
