import type { KeyObject } from 'node:crypto';
import type { CoseAlg } from '../codes/cose.ts';
import { MERKLE_ALG, merkleRoot } from './merkle.ts';
import { signStatement, statementHash, verifyStatement } from './signed-statement.ts';

/**
 * The digital form of a notarised deletion: what was deleted (category, how many, the time range), a hash commitment
 * to exactly which records, signed by the system's audit key and countersigned once an auditor has checked it.
 */
export interface DeletionCertificateBody {
  type: 'tessera.deletion-certificate';
  v: 1;
  id: string;
  jurisdiction: string;
  category: string;
  count: number;
  range: { from: string | null; to: string | null };
  /** Why these records were due: a retention period, the end of an emergency, or a resident's request. */
  basis: string;
  commitment: { alg: typeof MERKLE_ALG; root: string; leaves: number };
  issuedAt: string;
  kid: string;
  /** Makes every certificate unique, so one cannot stand in for another purge. */
  nonce: string;
}

export interface Countersignature {
  type: 'tessera.deletion-countersignature';
  v: 1;
  certificateId: string;
  certificateHash: string;
  auditorId: string;
  auditorRole: 'auditor';
  at: string;
  kid: string;
}

export interface SignedCertificate {
  certificate: DeletionCertificateBody;
  signature: string;
  countersignature?: { statement: Countersignature; signature: string } | null;
}

export type KeyLookup = (kid: string) => { key: KeyObject; alg: CoseAlg } | null;

export function certificateHash(body: DeletionCertificateBody): string {
  return statementHash(body);
}

export function signCertificate(body: DeletionCertificateBody, key: KeyObject, alg: CoseAlg): SignedCertificate {
  return { certificate: body, signature: signStatement(body, key, alg), countersignature: null };
}

export function countersign(
  signed: SignedCertificate,
  input: { auditorId: string; at: string; kid: string },
  key: KeyObject,
  alg: CoseAlg,
): SignedCertificate {
  const statement: Countersignature = {
    type: 'tessera.deletion-countersignature',
    v: 1,
    certificateId: signed.certificate.id,
    certificateHash: certificateHash(signed.certificate),
    auditorId: input.auditorId,
    auditorRole: 'auditor',
    at: input.at,
    kid: input.kid,
  };
  return { ...signed, countersignature: { statement, signature: signStatement(statement, key, alg) } };
}

export interface CertificateCheck {
  valid: boolean;
  countersigned: boolean;
  checks: { shape: boolean; signature: boolean; countersignature: boolean | null; commitment: boolean | null };
  problems: string[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a certificate as an outsider would: its shape, the system signature, the countersignature (it must cover
 * this very certificate), and — when the deleted ids are at hand — that they hash to the committed root.
 * Registry checks (is this certificate one we issued, is it a replay) belong to the caller that has the database.
 */
export function checkCertificate(doc: unknown, keyFor: KeyLookup, ids?: Iterable<string>): CertificateCheck {
  const problems: string[] = [];
  const checks: CertificateCheck['checks'] = {
    shape: false,
    signature: false,
    countersignature: null,
    commitment: null,
  };
  const fail = () => ({ valid: false, countersigned: false, checks, problems });
  if (!isObj(doc) || !isObj(doc.certificate) || typeof doc.signature !== 'string') {
    problems.push('not a signed deletion certificate: expected { certificate, signature, countersignature }');
    return fail();
  }
  const body = doc.certificate as unknown as DeletionCertificateBody;
  const c = body.commitment as unknown;
  if (
    body.type !== 'tessera.deletion-certificate' ||
    body.v !== 1 ||
    typeof body.id !== 'string' ||
    typeof body.kid !== 'string' ||
    typeof body.category !== 'string' ||
    !Number.isInteger(body.count) ||
    body.count < 0 ||
    !isObj(c) ||
    c.alg !== MERKLE_ALG ||
    typeof c.root !== 'string' ||
    c.leaves !== body.count
  ) {
    problems.push('certificate body is malformed (type, version, id, kid, category, count or commitment)');
    return fail();
  }
  checks.shape = true;
  const key = keyFor(body.kid);
  if (!key) problems.push(`signed with key ${body.kid}, which is not one of this system's audit keys`);
  else if (!verifyStatement(body, doc.signature, key.key, key.alg))
    problems.push('the system signature does not match the certificate: it was altered or forged');
  else checks.signature = true;

  const cs = doc.countersignature;
  if (cs !== undefined && cs !== null) {
    checks.countersignature = false;
    if (!isObj(cs) || !isObj(cs.statement) || typeof cs.signature !== 'string')
      problems.push('countersignature is malformed');
    else {
      const st = cs.statement as unknown as Countersignature;
      const ck = typeof st.kid === 'string' ? keyFor(st.kid) : null;
      if (st.type !== 'tessera.deletion-countersignature' || st.v !== 1)
        problems.push('countersignature has the wrong type');
      else if (st.certificateId !== body.id || st.certificateHash !== certificateHash(body))
        problems.push('countersignature belongs to a different certificate (replayed)');
      else if (!ck) problems.push(`countersignature key ${String(st.kid)} is not one of this system's audit keys`);
      else if (!verifyStatement(st, cs.signature, ck.key, ck.alg))
        problems.push('countersignature signature does not match: it was altered or forged');
      else checks.countersignature = true;
    }
  }
  if (ids) {
    const { root, leaves } = merkleRoot(ids);
    checks.commitment = root === (c.root as string) && leaves === body.count;
    if (!checks.commitment)
      problems.push(`the given ids (${leaves}) do not hash to the committed root: they are not the deleted records`);
  }
  const valid = checks.shape && checks.signature && checks.countersignature !== false && checks.commitment !== false;
  return { valid, countersigned: checks.countersignature === true, checks, problems };
}
