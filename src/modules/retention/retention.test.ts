import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { residentAuth, staffAuth, testServer } from '../../../test/support/http.ts';
import { certificateHash, signCertificate, type SignedCertificate } from '../../core/audit/certificate.ts';
import { createCheckpoint } from '../audit/checkpoints.service.ts';
import { verifyAuditChain } from '../audit/verify.service.ts';
import { demoResidentPhone, seedDemoCity } from '../demo/demo-seed.service.ts';

type Headers = { authorization: string };
const HOUR = 3600_000;
const DAY = 24 * HOUR;

describeEachBackend('retention: purge, deletion certificates, resident export and deletion', (env) => {
  let app: FastifyInstance;
  let lab: Headers;
  let health: Headers;
  let admin: Headers;
  let auditor: Headers;
  let green: Headers;
  let greenId: string;
  let redId: string;
  const factsOf = { green: [] as string[], red: [] as string[] };
  let vaccination: string;
  let cert: SignedCertificate;

  const iso = (offset = 0) => new Date(env().clock.now().getTime() + offset).toISOString();
  const signIn = async () => {
    lab = await staffAuth(app, 'lab');
    health = await staffAuth(app, 'health');
    admin = await staffAuth(app, 'admin');
    auditor = await staffAuth(app, 'auditor');
    green = await residentAuth(app, demoResidentPhone(0));
  };
  const fact = async (h: Headers, payload: Record<string, unknown>) => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/facts', headers: h, payload });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().fact.id as string;
  };
  const pcr = (personId: string, result: 'positive' | 'negative', n: number) => ({
    personId,
    kind: 'test_result',
    method: 'pcr',
    result,
    specimenCollectedAt: iso(-6 * HOUR),
    occurredAt: iso(),
    provenance: { source: 'lab', labId: 'lab-1', specimenId: `sp-ret-${n}` },
  });
  const purge = (payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/api/v1/retention/purge', headers: admin, payload });
  const verify = (certificate: unknown, ids?: string[]) =>
    app.inject({ method: 'POST', url: '/api/v1/retention/certificates/verify', payload: { certificate, ids } });

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 9, residents: 500 });
    app = await testServer(env().ctx);
    await signIn();
    greenId = (await app.inject({ url: '/api/v1/auth/me', headers: green })).json().id;
    redId = (
      await app.inject({ url: '/api/v1/auth/me', headers: await residentAuth(app, demoResidentPhone(1)) })
    ).json().id;
    await createCheckpoint(env().ctx);
    // A resident who was yellow, vaccinated, then cleared; another who tested positive and is still red.
    factsOf.green.push(
      await fact(health, {
        personId: greenId,
        kind: 'symptom_report',
        symptoms: ['fever'],
        onsetAt: null,
        occurredAt: iso(),
        provenance: { source: 'officer', officerId: 'h' },
      }),
    );
    vaccination = await fact(health, {
      personId: greenId,
      kind: 'vaccination',
      doses: 2,
      complete: true,
      productCode: null,
      occurredAt: iso(),
      provenance: { source: 'officer', officerId: 'h' },
    });
    factsOf.red.push(await fact(lab, pcr(redId, 'positive', 1)));
    env().clock.advance(8 * DAY);
    await signIn();
    factsOf.green.push(await fact(lab, pcr(greenId, 'negative', 2)));
    expect((await app.inject({ url: '/api/v1/me/status', headers: green })).json().color).toBe('green');
    env().clock.advance(200 * DAY);
    await signIn();
  });

  it('publishes the retention periods', async () => {
    const r = await app.inject({ url: '/api/v1/retention/policy' });
    expect(r.statusCode).toBe(200);
    expect(r.json().retentionDays).toMatchObject({ scans: 28, health_facts: 180, statuses: 180, audit_entries: 1825 });
  });

  it('a dry run reports what is due and what is kept, and deletes nothing', async () => {
    const r = await purge({ dryRun: true, categories: ['health_facts'] });
    expect(r.statusCode).toBe(200);
    const c = r.json().categories[0];
    expect(c).toMatchObject({ category: 'health_facts', due: 4, held: 2, deleted: 0, certificate: null });
    const reasons = Object.fromEntries(c.heldSample.map((h: { id: string; reason: string }) => [h.id, h.reason]));
    expect(reasons[`health_fact:${vaccination}`]).toMatch(/vaccination/);
    expect(reasons[`health_fact:${factsOf.red[0]}`]).toMatch(/red status|open case/);
    expect(
      await env().ctx.db.selectFrom('health_facts').select('id').where('person_id', '=', greenId).execute(),
    ).toHaveLength(3);
  });

  it('refuses a strict purge that would delete data an open case needs, deleting nothing', async () => {
    const r = await purge({ dryRun: false, categories: ['health_facts'], strict: true });
    expect(r.statusCode).toBe(409);
    expect(r.json().detail).toMatch(/Purge refused: 2 health_facts records are still needed/);
    expect(
      await env().ctx.db.selectFrom('health_facts').select('id').where('person_id', '=', greenId).execute(),
    ).toHaveLength(3);
  });

  it('only administrators purge', async () => {
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/retention/purge', headers: auditor, payload: {} })).statusCode,
    ).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/v1/retention/purge', payload: {} })).statusCode).toBe(401);
  });

  it('purges what is due, keeps what is needed, and certifies exactly what it deleted', async () => {
    const r = await purge({ dryRun: false, categories: ['health_facts', 'statuses'] });
    expect(r.statusCode).toBe(200);
    const [facts, statuses] = r.json().categories;
    expect(facts).toMatchObject({ deleted: 2, held: 2 });
    expect(statuses.deleted).toBeGreaterThanOrEqual(1);
    cert = facts.certificate;
    expect(cert.certificate).toMatchObject({ category: 'health_facts', count: 2, commitment: { leaves: 2 } });
    const left = await env().ctx.db.selectFrom('health_facts').select('id').execute();
    expect(left.map((f) => f.id)).toEqual(expect.arrayContaining([vaccination, factsOf.red[0]]));
    for (const id of factsOf.green) expect(left.map((f) => f.id)).not.toContain(id);
    // The current status survives, and its latest history row with it.
    expect((await app.inject({ url: '/api/v1/me/status', headers: green })).json()).toMatchObject({
      color: 'green',
      vaccinated: true,
    });
    const list = (await app.inject({ url: '/api/v1/retention/certificates' })).json().items;
    expect(list.map((c: { id: string }) => c.id)).toContain(cert.certificate.id);
    const one = await app.inject({ url: `/api/v1/retention/certificates/${cert.certificate.id}` });
    expect(one.json()).toEqual(cert);
  });

  it('verifies the certificate, and its commitment against the deleted ids', async () => {
    const ids = factsOf.green.map((f) => `health_fact:${f}`);
    const ok = await verify(cert, ids);
    expect(ok.json()).toMatchObject({
      valid: true,
      registered: true,
      countersigned: false,
      checks: { commitment: true },
    });
    const wrongIds = await verify(cert, [...ids.slice(0, 1), `health_fact:${vaccination}`]);
    expect(wrongIds.json().valid).toBe(false);
    expect(wrongIds.json().problems.join(' ')).toMatch(/do not hash to the committed root/);
  });

  it('is countersigned once by an auditor, never by the administrator who purged', async () => {
    const byAdmin = await app.inject({
      method: 'POST',
      url: `/api/v1/retention/certificates/${cert.certificate.id}/countersign`,
      headers: admin,
    });
    expect(byAdmin.statusCode).toBe(403);
    const signed = await app.inject({
      method: 'POST',
      url: `/api/v1/retention/certificates/${cert.certificate.id}/countersign`,
      headers: auditor,
    });
    expect(signed.statusCode).toBe(200);
    cert = signed.json();
    expect(cert.countersignature?.statement.certificateHash).toBe(certificateHash(cert.certificate));
    const replay = await app.inject({
      method: 'POST',
      url: `/api/v1/retention/certificates/${cert.certificate.id}/countersign`,
      headers: await staffAuth(app, 'auditor2'),
    });
    expect(replay.statusCode).toBe(409);
    expect((await verify(cert)).json()).toMatchObject({ valid: true, countersigned: true });
  });

  it('refuses forged, altered and replayed certificates', async () => {
    const altered = structuredClone(cert);
    altered.certificate.count = 1;
    altered.certificate.commitment.leaves = 1;
    let r = (await verify(altered)).json();
    expect(r.valid).toBe(false);
    expect(r.problems.join(' ')).toMatch(/altered or forged/);

    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forged = signCertificate({ ...cert.certificate, id: 'dc-forged' }, privateKey, 'ES256');
    r = (await verify(forged)).json();
    expect(r.valid).toBe(false);
    expect(r.problems.join(' ')).toMatch(
      /altered or forged|not one of this system's audit keys|not issued by this system/,
    );

    // Another certificate of this system wearing the first one's countersignature.
    const statuses = (await app.inject({ url: '/api/v1/retention/certificates' }))
      .json()
      .items.find((c: { category: string }) => c.category === 'statuses');
    const other: SignedCertificate = (
      await app.inject({ url: `/api/v1/retention/certificates/${statuses.id}` })
    ).json();
    r = (await verify({ ...other, countersignature: cert.countersignature })).json();
    expect(r.valid).toBe(false);
    expect(r.problems.join(' ')).toMatch(/different certificate \(replayed\)/);
    expect((await verify({ nonsense: true })).json().valid).toBe(false);
  });

  it('purges audit entries up to a signed checkpoint, and the chain still verifies from there', async () => {
    env().ctx.config.RETENTION_AUDIT_ENTRIES_DAYS = 30;
    try {
      const before = await verifyAuditChain(env().ctx);
      expect(before.ok).toBe(true);
      const r = await purge({ dryRun: false, categories: ['audit_entries'] });
      const c = r.json().categories[0];
      expect(c.deleted).toBeGreaterThan(0);
      const after = await verifyAuditChain(env().ctx);
      expect(after.ok, after.message).toBe(true);
      expect(after.base).toMatchObject({ seq: c.deleted, certificateId: c.certificate.certificate.id });
      // Removing one more entry from the new start is still caught.
      await env()
        .ctx.db.deleteFrom('audit_log')
        .where('seq', '=', c.deleted + 1)
        .execute();
      expect((await verifyAuditChain(env().ctx)).finding?.kind).toBe('missing');
    } finally {
      env().ctx.config.RETENTION_AUDIT_ENTRIES_DAYS = 1825;
    }
  });

  it('exports all of a resident’s data as JSON, and records it', async () => {
    const r = await app.inject({ url: '/api/v1/me/export', headers: green });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-disposition']).toMatch(/attachment/);
    const d = r.json();
    expect(d.format).toBe('tessera.resident-export.v1');
    expect(d.person.id).toBe(greenId);
    expect(d.person.name).toBeTruthy();
    expect(d.facts.map((f: { id: string }) => f.id)).toEqual([vaccination]);
    expect(d.accessLog.length).toBeGreaterThan(0);
    const audit = await env()
      .ctx.db.selectFrom('audit_log')
      .select('action')
      .where('person_id', '=', greenId)
      .where('action', '=', 'data.export')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('once an emergency has ended and its grace passed, its data is due whatever its age', async () => {
    const [d] = (await app.inject({ url: '/api/v1/emergencies' })).json().items;
    // The demo declaration (90 days from the seed) lapsed during the 208 days above.
    expect(d.state).toBe('lapsed');
    const { ctx } = env();
    const other = (
      await ctx.db
        .selectFrom('residents')
        .select('id')
        .where('id', 'not in', [greenId, redId])
        .limit(1)
        .executeTakeFirstOrThrow()
    ).id;
    // A fact recorded on day 60, under the emergency: younger than the 180-day retention, older than its end.
    const at = new Date(ctx.clock.now().getTime() - 148 * DAY);
    const id = 'fact:day-60';
    await ctx.db
      .insertInto('health_facts')
      .values({
        id,
        person_id: other,
        kind: 'symptom_report',
        occurred_at: at,
        recorded_at: at,
        recorded_by: 'h',
        recorder_role: 'health_officer',
        recorder_scope: '990100',
        provenance: JSON.stringify({ source: 'officer', officerId: 'h' }),
        data: JSON.stringify({
          id,
          personId: other,
          kind: 'symptom_report',
          occurredAt: at.toISOString(),
          recordedAt: at.toISOString(),
          recordedBy: 'h',
          symptoms: ['fever'],
          onsetAt: null,
          provenance: { source: 'officer', officerId: 'h' },
        }),
      })
      .execute();
    const dry = (await purge({ dryRun: true, categories: ['health_facts'] })).json().categories[0];
    expect(dry.emergencyEnded[0].path).toMatch(/990100$/);
    expect(dry.due).toBe(3);
    ctx.config.RETENTION_AFTER_EMERGENCY_DAYS = 365;
    try {
      expect((await purge({ dryRun: true, categories: ['health_facts'] })).json().categories[0].due).toBe(2);
    } finally {
      ctx.config.RETENTION_AFTER_EMERGENCY_DAYS = 30;
    }
    await ctx.db.deleteFrom('health_facts').where('id', '=', id).execute();
  });

  it('deletes on request what is no longer needed, keeps the rest with reasons, and certifies it', async () => {
    const r2 = await residentAuth(app, demoResidentPhone(2));
    const r2Id = (await app.inject({ url: '/api/v1/auth/me', headers: r2 })).json().id;
    const symptom = await fact(health, {
      personId: r2Id,
      kind: 'symptom_report',
      symptoms: ['cough'],
      onsetAt: null,
      occurredAt: iso(),
      provenance: { source: 'officer', officerId: 'h' },
    });
    env().clock.advance(8 * DAY);
    await signIn();
    const negative = await fact(lab, pcr(r2Id, 'negative', 3));
    env().clock.advance(20 * DAY);
    await signIn();
    const recent = await fact(health, {
      personId: r2Id,
      kind: 'vaccination',
      doses: 1,
      complete: false,
      productCode: null,
      occurredAt: iso(),
      provenance: { source: 'officer', officerId: 'h' },
    });
    const me = await residentAuth(app, demoResidentPhone(2));
    const r = await app.inject({ method: 'POST', url: '/api/v1/me/deletion-request', headers: me });
    expect(r.statusCode, r.body).toBe(200);
    const facts = r.json().categories.find((c: { category: string }) => c.category === 'health_facts');
    expect(facts).toMatchObject({ deleted: 2, kept: 0 });
    const left = (
      await env().ctx.db.selectFrom('health_facts').select('id').where('person_id', '=', r2Id).execute()
    ).map((f) => f.id);
    expect(left).toEqual([recent]);
    const c = (await app.inject({ url: `/api/v1/retention/certificates/${facts.certificateId}` })).json();
    const v = await verify(c, [`health_fact:${symptom}`, `health_fact:${negative}`]);
    expect(v.json()).toMatchObject({ valid: true, checks: { commitment: true } });
    expect(r.json().keptAlways).toContain('audit entries (accountability record)');
    expect((await app.inject({ url: '/api/v1/me/status', headers: me })).json().color).toBe('green');
    // The red resident's facts are all needed by their status.
    const red = await app.inject({
      method: 'POST',
      url: '/api/v1/me/deletion-request',
      headers: await residentAuth(app, demoResidentPhone(1)),
    });
    const redFacts = red.json().categories.find((c: { category: string }) => c.category === 'health_facts');
    expect(redFacts).toMatchObject({ deleted: 0, kept: 1 });
    expect(redFacts.keptReasons[0]).toMatch(/red status|open case/);
  });
});
