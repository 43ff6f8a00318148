import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { residentAuth, staffAuth, testServer } from '../../../test/support/http.ts';
import { dsc, makeHc1, NOW } from '../../../test/fixtures/codes/fixtures.ts';
import { seedDemoCity, demoResidentPhone } from '../demo/demo-seed.service.ts';
import { issueHealthCode } from '../../core/codes/tsr1.ts';
import { kidForPublicKey, spkiDer } from '../../core/codes/keys.ts';
import { signTrustList, trustListEntry } from '../../core/codes/trust-list.ts';

describeEachBackend('codes: foreign certificates, key rotation, federated trust lists', (env) => {
  let app: FastifyInstance;
  let residentId: string;
  let admin: { authorization: string };
  let health: { authorization: string };

  beforeAll(async () => {
    env().clock.set(NOW);
    await seedDemoCity(env().ctx, { seed: 11, residents: 600 });
    app = await testServer(env().ctx);
    const me = await residentAuth(app, demoResidentPhone(1));
    residentId = (await app.inject({ url: '/api/v1/auth/me', headers: me })).json().id;
    // The fixture certificates are issued to someone born 1998-02-26.
    await env()
      .ctx.db.updateTable('residents')
      .set({ birth_date: '1998-02-26' })
      .where('id', '=', residentId)
      .execute();
  });
  beforeEach(async () => {
    admin = await staffAuth(app, 'admin');
    health = await staffAuth(app, 'health');
  });

  it('imports a verified vaccination certificate as a vaccination fact with its provenance', async () => {
    const before = await app.inject({
      method: 'POST',
      url: '/api/v1/facts/foreign-certificate',
      headers: health,
      payload: { personId: residentId, code: makeHc1({ type: 'v' }) },
    });
    expect(before.statusCode).toBe(422);
    expect(before.json().detail).toMatch(/did not verify/);
    const anchor = await app.inject({
      method: 'POST',
      url: '/api/v1/trust-list/dcc-certificates',
      headers: admin,
      payload: { certificate: dsc('dsc-es256-any').pem },
    });
    expect(anchor.statusCode).toBe(201);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/facts/foreign-certificate',
      headers: health,
      payload: { personId: residentId, code: makeHc1({ type: 'v' }) },
    });
    expect(res.statusCode).toBe(201);
    const fact = res.json().fact;
    expect(fact.kind).toBe('vaccination');
    expect(fact.complete).toBe(true);
    expect(fact.provenance).toMatchObject({ source: 'foreign_certificate', format: 'HC1', issuer: 'AT' });
    expect(res.json().status.vaccinated).toBe(true);
    const audit = await env()
      .ctx.db.selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'verify.identity_check')
      .execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('imports a test certificate as a test result, and refuses recovery certificates and other people', async () => {
    const t = await app.inject({
      method: 'POST',
      url: '/api/v1/facts/foreign-certificate',
      headers: health,
      payload: { personId: residentId, code: makeHc1({ type: 't' }) },
    });
    expect(t.statusCode).toBe(201);
    expect(t.json().fact).toMatchObject({ kind: 'test_result', method: 'pcr', result: 'negative' });
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/facts/foreign-certificate',
      headers: health,
      payload: { personId: residentId, code: makeHc1({ type: 'r', signer: 'dsc-es256-any' }) },
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().detail).toMatch(/recovery/);
    const other = await env()
      .ctx.db.selectFrom('residents')
      .select('id')
      .where('id', '<>', residentId)
      .where('birth_date', '<>', '1998-02-26')
      .limit(1)
      .executeTakeFirstOrThrow();
    const wrongPerson = await app.inject({
      method: 'POST',
      url: '/api/v1/facts/foreign-certificate',
      headers: health,
      payload: { personId: other.id, code: makeHc1({ type: 'v' }) },
    });
    expect(wrongPerson.statusCode).toBe(422);
    expect(wrongPerson.json().detail).toMatch(/date of birth/);
    const worker = await staffAuth(app, 'worker.990101001001001');
    const denied = await app.inject({
      method: 'POST',
      url: '/api/v1/facts/foreign-certificate',
      headers: worker,
      payload: { personId: residentId, code: makeHc1({ type: 'v' }) },
    });
    expect(denied.statusCode).toBe(403);
  });

  it('rotates the code key: codes signed by the old key keep verifying, new codes use the new key', async () => {
    const resident = await residentAuth(app, demoResidentPhone(1));
    const old = (await app.inject({ url: '/api/v1/me/code', headers: resident })).json();
    const rotated = await app.inject({
      method: 'POST',
      url: '/api/v1/keys/rotate',
      headers: admin,
      payload: { jurisdictionId: '990100', purpose: 'code' },
    });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().kid).not.toBe(old.kid);
    const fresh = (await app.inject({ url: '/api/v1/me/code', headers: resident })).json();
    expect(fresh.kid).toBe(rotated.json().kid);
    for (const code of [old.code, fresh.code]) {
      const v = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { code } })).json();
      expect(v.valid).toBe(true);
    }
    const listRes = await app.inject('/api/v1/trust-list');
    expect(listRes.statusCode, listRes.body).toBe(200);
    const list = listRes.json();
    const kids = list.trustList.keys.map((k: { kid: string }) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([old.kid, fresh.kid]));
    const denied = await app.inject({
      method: 'POST',
      url: '/api/v1/keys/rotate',
      headers: health,
      payload: { jurisdictionId: '990100', purpose: 'code' },
    });
    expect(denied.statusCode).toBe(403);
  });

  it("verifies another jurisdiction's codes once its signed trust list is imported against its pinned anchor", async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const anchor = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const now = env().clock.now();
    const signed = signTrustList(
      {
        version: 1,
        issuedAt: now.toISOString(),
        issuer: '110100',
        keys: [
          trustListEntry({
            publicKey: other.publicKey,
            alg: 'ES256',
            jurisdiction: '110100',
            notBefore: new Date(now.getTime() - 86400_000),
            notAfter: new Date(now.getTime() + 86400_000),
          }),
        ],
      },
      { privateKey: anchor.privateKey, alg: 'ES256' },
    );
    const code = issueHealthCode({
      key: other.privateKey,
      kid: kidForPublicKey(other.publicKey),
      alg: 'ES256',
      now,
      claims: { issuer: '110100', subject: 'pseudonym-1', color: 'yellow', vaccination: 0 },
    }).code;
    const unknown = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { code } })).json();
    expect(unknown.valid).toBe(false);
    const anchorJson = { alg: 'ES256', publicKey: spkiDer(anchor.publicKey).toString('base64') };
    const tampered = structuredClone(signed);
    tampered.trustList.keys[0]!.notAfter = new Date(now.getTime() + 365 * 86400_000).toISOString();
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/trust-list/import',
      headers: admin,
      payload: { trustList: tampered, anchor: anchorJson },
    });
    expect(bad.statusCode).toBe(422);
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/trust-list/import',
      headers: admin,
      payload: { trustList: signed, anchor: anchorJson },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ issuer: '110100', keys: 1 });
    const known = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { code } })).json();
    expect(known.valid).toBe(true);
    expect(known.color).toBe('yellow');
    expect(known.issuer).toBe('110100');
  });
});
