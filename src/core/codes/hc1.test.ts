import { describe, expect, it } from 'vitest';
import { dccOf, dsc, makeHc1, NOW, NOW_S } from '../../../test/fixtures/codes/fixtures.ts';
import type { DscName } from '../../../test/fixtures/codes/fixtures.ts';
import { cborEncode } from './cbor.ts';
import { decodeCoseSign1, encodeCoseSign1, sigStructure, signBytes } from './cose.ts';
import type { CoseAlg } from './cose.ts';
import { openEnvelope, wrapEnvelope } from './envelope.ts';
import { DCC_EKU, parseHcertClaims, signerCert } from './hc1.ts';
import type { CertAnchor } from './verify.ts';
import { verifyCode } from './verify.ts';

const verify = (code: string, certs: CertAnchor[], at = NOW, identityCheck = false) =>
  verifyCode(code, { keys: [], certs }, at, { identityCheck });

/** Signs arbitrary headers/claims with a fixture DSC key, for cases the issuing helper refuses to build. */
function craft(opts: {
  signer: DscName;
  protectedHeader: Map<number, unknown>;
  unprotected?: Map<number, unknown>;
  claims?: Map<number, unknown>;
  alg?: CoseAlg;
}): string {
  const d = dsc(opts.signer);
  const claims =
    opts.claims ??
    new Map<number, unknown>([
      [1, 'AT'],
      [6, NOW_S - 60],
      [4, NOW_S + 86400],
      [-260, new Map([[1, dccOf('v')]])],
    ]);
  const payload = cborEncode(claims);
  const prot = cborEncode(opts.protectedHeader);
  const sig = signBytes(opts.alg ?? d.alg, d.privateKey, sigStructure(prot, payload));
  return wrapEnvelope('HC1', encodeCoseSign1(prot, opts.unprotected ?? new Map(), payload, sig));
}

describe('DSC preparation', () => {
  it('derives the kid from SHA-256 of the DER certificate and reads EKUs from a real certificate', () => {
    const any = signerCert(dsc('dsc-es256-any').cert);
    expect(any.allowedTypes).toBeNull();
    expect(any.validFrom).toBe(Date.parse('2021-06-01T00:00:00Z'));
    expect(any.validTo).toBe(Date.parse('2035-06-01T00:00:00Z'));
    expect(any.kid.length).toBe(8);
    // Node exposes the extended key usage as `keyUsage`.
    expect(dsc('dsc-es256-vt').cert.keyUsage).toEqual([DCC_EKU.t, DCC_EKU.v]);
    expect(signerCert(dsc('dsc-es256-vt').cert).allowedTypes).toEqual(['v', 't']);
    expect(signerCert(dsc('dsc-ps256-r').cert).allowedTypes).toEqual(['r']);
  });
});

describe('HC1 verification', () => {
  it.each([
    ['v', 'dsc-es256-v'],
    ['t', 'dsc-es256-t'],
    ['r', 'dsc-ps256-r'],
    ['v', 'dsc-es256-any'],
    ['t', 'dsc-ps256-any'],
    ['t', 'dsc-es256-vt'],
    ['v', 'dsc-es256-vt'],
    ['r', 'dsc-es256-any'],
    ['v', 'dsc-ps256-any'],
    ['r', 'dsc-ps256-any'],
  ] as const)('accepts a valid %s certificate signed by %s', (type, signer) => {
    const r = verify(makeHc1({ type, signer }), [dsc(signer).cert]);
    expect(r.error).toBeNull();
    expect(r).toMatchObject({
      format: 'HC1',
      valid: true,
      certificateType: type,
      issuer: 'AT',
      kid: dsc(signer).kid.toString('base64'),
      issuedAt: new Date((NOW_S - 3600) * 1000).toISOString(),
      checks: {
        prefix: true,
        base45: true,
        decompress: true,
        cose: true,
        signature: true,
        expiry: true,
        keyUsage: true,
      },
    });
  });

  it('hides name and date of birth unless an identity check is requested', () => {
    const code = makeHc1();
    const plain = verify(code, [dsc('dsc-es256-any').cert]);
    const dcc = (plain.payload as { hcert: Record<string, Record<string, unknown>> }).hcert['1']!;
    expect(dcc.nam).toBeUndefined();
    expect(dcc.dob).toBeUndefined();
    expect(dcc.v).toEqual(dccOf('v').v);
    expect(JSON.stringify(plain)).not.toMatch(/Musterfrau|1998-02-26/);
    const identity = verify(code, [dsc('dsc-es256-any').cert], NOW, true);
    const full = (identity.payload as { hcert: Record<string, Record<string, unknown>> }).hcert['1']!;
    expect(full.nam).toEqual(dccOf('v').nam);
    expect(full.dob).toBe('1998-02-26');
  });

  it('finds the kid in the unprotected header', () => {
    expect(verify(makeHc1({ kidUnprotected: true }), [dsc('dsc-es256-any').cert]).valid).toBe(true);
  });

  it('lets the protected kid win over the unprotected one', () => {
    const good = dsc('dsc-es256-any').kid;
    const other = dsc('dsc-es256-other').kid;
    const protectedWins = craft({
      signer: 'dsc-es256-any',
      protectedHeader: new Map<number, unknown>([
        [1, -7],
        [4, good],
      ]),
      unprotected: new Map([[4, other]]),
    });
    expect(verify(protectedWins, [dsc('dsc-es256-any').cert]).valid).toBe(true);
    const wrongProtected = craft({
      signer: 'dsc-es256-any',
      protectedHeader: new Map<number, unknown>([
        [1, -7],
        [4, other],
      ]),
      unprotected: new Map([[4, good]]),
    });
    expect(verify(wrongProtected, [dsc('dsc-es256-any').cert])).toMatchObject({
      valid: false,
      kid: other.toString('base64'),
      checks: { signature: false },
      error: expect.stringMatching(/unknown kid/),
    });
  });

  it('rejects a tampered signature', () => {
    const env = openEnvelope(makeHc1());
    if (!env.ok) throw new Error(env.error);
    const msg = decodeCoseSign1(env.cose);
    const sig = Buffer.from(msg.signature);
    sig[10]! ^= 0x40;
    const code = wrapEnvelope('HC1', encodeCoseSign1(msg.protectedBytes, msg.unprotectedHeader, msg.payload, sig));
    const r = verify(code, [dsc('dsc-es256-any').cert]);
    expect(r).toMatchObject({ valid: false, checks: { cose: true, signature: false, keyUsage: null } });
    expect(r.error).toMatch(/signature does not verify with DSC/);
    // The payload is still shown (identity-free) to explain the failure.
    expect(r.certificateType).toBe('v');
  });

  it('rejects a tampered payload under the original signature', () => {
    const env = openEnvelope(makeHc1());
    if (!env.ok) throw new Error(env.error);
    const msg = decodeCoseSign1(env.cose);
    const payload = Buffer.from(msg.payload.toString('latin1').replace('2026-02-01', '2026-02-02'), 'latin1');
    const code = wrapEnvelope(
      'HC1',
      encodeCoseSign1(msg.protectedBytes, msg.unprotectedHeader, payload, msg.signature),
    );
    expect(verify(code, [dsc('dsc-es256-any').cert]).checks.signature).toBe(false);
  });

  it('rejects a certificate signed by the wrong key under a trusted kid', () => {
    const code = makeHc1({ signer: 'dsc-es256-any', signWith: 'dsc-es256-other' });
    const r = verify(code, [dsc('dsc-es256-any').cert, dsc('dsc-es256-other').cert]);
    expect(r).toMatchObject({ valid: false, checks: { signature: false } });
  });

  it('rejects an unknown kid', () => {
    const r = verify(makeHc1(), [dsc('dsc-es256-other').cert]);
    expect(r.error).toMatch(/unknown kid .*no trusted DSC/);
    expect(r.checks.signature).toBe(false);
  });

  it('tries every DSC that shares a kid', () => {
    const any = dsc('dsc-es256-any');
    const other = dsc('dsc-es256-other');
    // A gateway list may publish two certificates under one kid; the wrong one comes first here.
    const collided: CertAnchor[] = [{ cert: other.cert, kid: any.kid }, any.cert];
    expect(verify(makeHc1(), collided).valid).toBe(true);
    const signedByOther = makeHc1({ signer: 'dsc-es256-any', signWith: 'dsc-es256-other' });
    expect(verify(signedByOther, [any.cert, { cert: other.cert, kid: any.kid }]).valid).toBe(true);
    expect(verify(signedByOther, [any.cert]).valid).toBe(false);
  });

  it('prefers, among DSCs that share a kid and a key, one whose EKU allows the type', () => {
    // Both certificates hold the same key, so the signature verifies with either; only the second allows t.
    const vOnly = dsc('dsc-es256-v');
    const anyType = dsc('dsc-es256-v-samekey-any');
    const code = makeHc1({ type: 't', signer: 'dsc-es256-v' });
    expect(verify(code, [vOnly.cert]).checks.keyUsage).toBe(false);
    const r = verify(code, [vOnly.cert, { cert: anyType.cert, kid: vOnly.kid }]);
    expect(r.error).toBeNull();
    expect(r.valid).toBe(true);
  });

  it('rejects a certificate type the DSC EKU does not allow', () => {
    const r = verify(makeHc1({ type: 't', signer: 'dsc-es256-v' }), [dsc('dsc-es256-v').cert]);
    expect(r).toMatchObject({
      valid: false,
      certificateType: 't',
      checks: { signature: true, expiry: true, keyUsage: false },
    });
    expect(r.error).toBe('keyUsage: DSC allows only v certificates, this one is t');
    expect(verify(makeHc1({ type: 'v', signer: 'dsc-ps256-r' }), [dsc('dsc-ps256-r').cert]).checks.keyUsage).toBe(
      false,
    );
  });

  it('rejects an expired CWT, and one issued in the future', () => {
    const code = makeHc1({ issuedAt: NOW_S - 86400, expiresAt: NOW_S });
    const r = verify(code, [dsc('dsc-es256-any').cert]);
    expect(r).toMatchObject({ valid: false, checks: { signature: true, expiry: false } });
    expect(r.error).toMatch(/^expiry: expired at 2026-06-01T10:00:00.000Z/);
    expect(verify(code, [dsc('dsc-es256-any').cert], new Date(NOW.getTime() - 1000)).valid).toBe(true);
    const future = makeHc1({ issuedAt: NOW_S + 3600, expiresAt: NOW_S + 7200 });
    expect(verify(future, [dsc('dsc-es256-any').cert]).error).toMatch(/issued in the future/);
    // 60 s of clock skew is tolerated for iat.
    const soon = makeHc1({ issuedAt: NOW_S + 30 });
    expect(verify(soon, [dsc('dsc-es256-any').cert]).valid).toBe(true);
  });

  it('requires iat and exp inside the DSC validity', () => {
    const expired = dsc('dsc-es256-expired');
    const inside = makeHc1({
      signer: 'dsc-es256-expired',
      issuedAt: Date.UTC(2022, 0, 1) / 1000,
      expiresAt: Date.UTC(2022, 4, 1) / 1000,
    });
    expect(verify(inside, [expired.cert], new Date(Date.UTC(2022, 1, 1))).valid).toBe(true);
    const beyond = makeHc1({
      signer: 'dsc-es256-expired',
      issuedAt: Date.UTC(2022, 0, 1) / 1000,
      expiresAt: Date.UTC(2022, 11, 1) / 1000,
    });
    const r = verify(beyond, [expired.cert], new Date(Date.UTC(2022, 1, 1)));
    expect(r).toMatchObject({ valid: false, checks: { signature: true, expiry: false } });
    expect(r.error).toMatch(/outside the DSC validity 2021-06-01T00:00:00.000Z – 2022-06-01T00:00:00.000Z/);
    // Signed today by a DSC that expired in 2022.
    expect(verify(makeHc1({ signer: 'dsc-es256-expired' }), [expired.cert]).checks.expiry).toBe(false);
  });

  it('rejects an algorithm it does not implement', () => {
    const code = craft({
      signer: 'dsc-es256-any',
      protectedHeader: new Map<number, unknown>([
        [1, -35],
        [4, dsc('dsc-es256-any').kid],
      ]),
    });
    const r = verify(code, [dsc('dsc-es256-any').cert]);
    expect(r).toMatchObject({ valid: false, checks: { cose: true, signature: false } });
    expect(r.error).toMatch(/unsupported algorithm -35 for EU DCC: expected ES256 \(-7\), PS256 \(-37\)/);
    const eddsa = craft({
      signer: 'dsc-es256-any',
      protectedHeader: new Map<number, unknown>([
        [1, -8],
        [4, dsc('dsc-es256-any').kid],
      ]),
    });
    expect(verify(eddsa, [dsc('dsc-es256-any').cert]).error).toMatch(/unsupported algorithm EdDSA for EU DCC/);
  });

  it('rejects an algorithm that does not fit the DSC key type', () => {
    // Claims PS256 but the kid names an EC certificate.
    const code = craft({
      signer: 'dsc-es256-any',
      alg: 'ES256',
      protectedHeader: new Map<number, unknown>([
        [1, -37],
        [4, dsc('dsc-es256-any').kid],
      ]),
    });
    const r = verify(code, [dsc('dsc-es256-any').cert]);
    expect(r).toMatchObject({ valid: false, checks: { signature: false } });
    expect(r.error).toMatch(/PS256 needs an RSA key, got ec \(prime256v1\) key/);
  });

  it('rejects a code without a kid', () => {
    const code = craft({ signer: 'dsc-es256-any', protectedHeader: new Map([[1, -7]]) });
    expect(verify(code, [dsc('dsc-es256-any').cert]).error).toBe('signature: no kid (4) in the COSE headers');
  });

  it.each([
    ['two types', () => ({ ...dccOf('v'), t: dccOf('t').t }), /exactly one of v, t, r; found v, t/],
    ['no type', () => ({ ver: '1.3.0', nam: {}, dob: '' }), /none of v, t, r/],
    [
      'two entries',
      () => ({ ...dccOf('v'), v: [...(dccOf('v').v as unknown[]), ...(dccOf('v').v as unknown[])] }),
      /exactly one entry/,
    ],
    ['no ver', () => ({ ...dccOf('r'), ver: undefined }), /ver must be a string/],
  ])('rejects a DCC with %s', (_name, build, message) => {
    const dcc: Record<string, unknown> = build();
    if (dcc.ver === undefined) delete dcc.ver;
    const claims = new Map<number, unknown>([
      [6, NOW_S - 60],
      [4, NOW_S + 60],
      [-260, new Map([[1, dcc]])],
    ]);
    const code = craft({
      signer: 'dsc-es256-any',
      protectedHeader: new Map<number, unknown>([
        [1, -7],
        [4, dsc('dsc-es256-any').kid],
      ]),
      claims,
    });
    const r = verify(code, [dsc('dsc-es256-any').cert]);
    expect(r).toMatchObject({ valid: false, checks: { cose: false, signature: true } });
    expect(r.error).toMatch(message);
  });

  it('rejects a CWT without hcert or without exp', () => {
    const noHcert = new Map<number, unknown>([
      [6, 1],
      [4, 2],
    ]);
    expect(() => parseHcertClaims(noHcert)).toThrow(/hcert \(-260\) must be a map, got undefined/);
    expect(() => parseHcertClaims(new Map([[6, 1]]))).toThrow(/exp \(4\) claim is missing/);
    expect(() =>
      parseHcertClaims(
        new Map<number, unknown>([
          [6, 1],
          [4, 2],
          [-260, new Map([[2, 1]])],
        ]),
      ),
    ).toThrow(/under key 1/);
  });
});
