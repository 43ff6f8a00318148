import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  certificateHash,
  checkCertificate,
  countersign,
  signCertificate,
  type DeletionCertificateBody,
} from './certificate.ts';
import { MERKLE_ALG, merkleRoot } from './merkle.ts';

const system = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyFor = (kid: string) => (kid === 'sys' ? { key: system.publicKey, alg: 'ES256' as const } : null);
const ids = ['scan:1', 'scan:2', 'scan:3'];

function body(over: Partial<DeletionCertificateBody> = {}): DeletionCertificateBody {
  const { root, leaves } = merkleRoot(ids);
  return {
    type: 'tessera.deletion-certificate',
    v: 1,
    id: 'dc-1',
    jurisdiction: '990100',
    category: 'scans',
    count: 3,
    range: { from: '2026-01-01T00:00:00.000Z', to: '2026-01-28T00:00:00.000Z' },
    basis: 'retention period of 28 days',
    commitment: { alg: MERKLE_ALG, root, leaves },
    issuedAt: '2026-02-01T00:00:00.000Z',
    kid: 'sys',
    nonce: 'n1',
    ...over,
  };
}

describe('deletion certificates', () => {
  const signed = signCertificate(body(), system.privateKey, 'ES256');
  const full = countersign(
    signed,
    { auditorId: 'a-1', at: '2026-02-02T00:00:00.000Z', kid: 'sys' },
    system.privateKey,
    'ES256',
  );

  it('verifies signature, countersignature and commitment', () => {
    expect(checkCertificate(signed, keyFor, ids)).toMatchObject({ valid: true, countersigned: false });
    expect(checkCertificate(full, keyFor, ids)).toMatchObject({
      valid: true,
      countersigned: true,
      checks: { shape: true, signature: true, countersignature: true, commitment: true },
    });
    expect(full.countersignature?.statement.certificateHash).toBe(certificateHash(signed.certificate));
  });

  it('refuses an altered certificate, a stranger’s signature, and the wrong ids', () => {
    const altered = { ...full, certificate: { ...full.certificate, basis: 'whatever' } };
    expect(checkCertificate(altered, keyFor).valid).toBe(false);
    const forged = signCertificate(body(), stranger.privateKey, 'ES256');
    expect(checkCertificate(forged, keyFor).checks.signature).toBe(false);
    expect(
      checkCertificate(signCertificate(body({ kid: 'unknown' }), stranger.privateKey, 'ES256'), keyFor).problems[0],
    ).toMatch(/not one of this system's audit keys/);
    expect(checkCertificate(full, keyFor, ['scan:1', 'scan:2']).valid).toBe(false);
    expect(checkCertificate(signCertificate(body({ count: 4 }), system.privateKey, 'ES256'), keyFor).checks.shape).toBe(
      false,
    );
  });

  it('refuses a countersignature replayed onto another certificate', () => {
    const other = signCertificate(body({ id: 'dc-2', nonce: 'n2' }), system.privateKey, 'ES256');
    const replayed = { ...other, countersignature: full.countersignature };
    const r = checkCertificate(replayed, keyFor);
    expect(r.valid).toBe(false);
    expect(r.problems.join(' ')).toMatch(/replayed/);
    const tampered = structuredClone(full);
    tampered.countersignature!.statement.auditorId = 'someone-else';
    expect(checkCertificate(tampered, keyFor).checks.countersignature).toBe(false);
  });
});
