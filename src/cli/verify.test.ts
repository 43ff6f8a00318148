import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dsc, fixturePath, makeHc1, NOW, tesseraKey } from '../../test/fixtures/codes/fixtures.ts';
import { decodeCoseSign1 } from '../core/codes/cose.ts';
import { openEnvelope } from '../core/codes/envelope.ts';
import { kidForPublicKey, spkiDer } from '../core/codes/keys.ts';
import { issueHealthCode, pseudonymFor } from '../core/codes/tsr1.ts';
import { signTrustList, trustListEntry, verifyTrustList } from '../core/codes/trust-list.ts';
import { verifyCode } from '../core/codes/verify.ts';
import type { VerifyResult } from '../core/codes/verify.ts';
import { BatchVerifier, parseAt, parseCertificates } from './verify.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const AT = '2026-06-01T10:00:00Z';

function tessera(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'tessera.js'), 'verify', ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    // Generous: a loaded CI machine can take a minute to start tsx and verify thousands of codes; speed is benchmarked.
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const json = (stdout: string) => JSON.parse(stdout) as VerifyResult;

describe('parseAt', () => {
  it.each([
    ['2026-06-01T10:00:00Z', '2026-06-01T10:00:00.000Z'],
    ['2026-06-01T10:00:00', '2026-06-01T10:00:00.000Z'],
    ['2026-06-01T10:00', '2026-06-01T10:00:00.000Z'],
    ['2026-06-01', '2026-06-01T00:00:00.000Z'],
    ['2026-06-01 18:00:00+08:00', '2026-06-01T10:00:00.000Z'],
    ['2026-06-01T05:30:00-0430', '2026-06-01T10:00:00.000Z'],
    ['2026-06-01T10:00:00.250Z', '2026-06-01T10:00:00.250Z'],
  ])('reads %s as %s (no offset = UTC)', (text, iso) => {
    expect(parseAt(text).toISOString()).toBe(iso);
  });

  it.each(['yesterday', '2026-02-30', '2026-06-01T24:00:00Z', '2026-13-01', '2026-06-01T10:00:00+25:00', ''])(
    'rejects %j',
    (text) => {
      expect(() => parseAt(text)).toThrow();
    },
  );
});

describe('parseCertificates', () => {
  it('reads PEM, DER, base64 DER and PEM bundles', () => {
    const subject = dsc('dsc-es256-any').cert.subject;
    expect(parseCertificates(readFileSync(fixturePath('dsc-es256-any.pem')), 'pem')[0]!.subject).toBe(subject);
    expect(parseCertificates(readFileSync(fixturePath('dsc-es256-any.der')), 'der')[0]!.subject).toBe(subject);
    expect(parseCertificates(readFileSync(fixturePath('dsc-es256-any.b64')), 'b64')[0]!.subject).toBe(subject);
    const bundle = dsc('dsc-es256-any').pem + dsc('dsc-ps256-r').pem;
    expect(parseCertificates(bundle, 'bundle')).toHaveLength(2);
  });

  it('names the source of unreadable input', () => {
    expect(() => parseCertificates('not a certificate!', 'trustCerts[2]')).toThrow(/^trustCerts\[2\]: not an X.509/);
    expect(() => parseCertificates('AAAA', 'x.pem')).toThrow(/x.pem: not a readable X.509 certificate/);
  });
});

describe('BatchVerifier.verifyLine', () => {
  const b64 = readFileSync(fixturePath('dsc-es256-any.b64'), 'utf8');
  const batch = new BatchVerifier([], [], new Date(AT), { identityCheck: false });

  it('verifies a line with its own trust certificates and time', () => {
    const code = makeHc1();
    expect(batch.verifyLine(JSON.stringify({ code, trustCerts: [b64], at: AT })).valid).toBe(true);
    expect(batch.verifyLine(JSON.stringify({ code, trustCerts: [dsc('dsc-es256-any').pem] })).valid).toBe(true);
    expect(batch.verifyLine(JSON.stringify({ code, trustCerts: [b64], at: '2036-01-01' })).checks.expiry).toBe(false);
    expect(batch.verifyLine(JSON.stringify({ code })).checks.signature).toBe(false);
  });

  it.each([
    ['{not json', /input line is not JSON/],
    ['[1,2]', /must be a JSON object/],
    ['{"trustCerts":[]}', /"code" must be a string/],
    ['{"code":"HC1:X","at":"soon"}', /"at": 'soon' is not an ISO-8601/],
    ['{"code":"HC1:X","at":5}', /"at" must be an ISO-8601 string/],
    ['{"code":"HC1:X","trustCerts":"abc"}', /"trustCerts" must be an array/],
    ['{"code":"HC1:X","trustCerts":["!!"]}', /trustCerts\[0\]: not an X.509/],
  ])('turns the malformed line %s into an invalid result', (line, message) => {
    const r = batch.verifyLine(line);
    expect(r.valid).toBe(false);
    expect(r.error).toMatch(message);
  });
});

describe('tessera verify (spawned)', () => {
  let dir: string;
  let hc1: string;
  let trustListFile: string;
  let listKeyFile: string;
  let tsr1: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tessera-verify-'));
    hc1 = makeHc1({ type: 'v', signer: 'dsc-es256-any' });
    const jurisdiction = tesseraKey('ES256', '110105');
    tsr1 = issueHealthCode({
      claims: { issuer: '110105', subject: 'abc', color: 'green', vaccination: 2 },
      key: jurisdiction.privateKey,
      kid: jurisdiction.kid,
      alg: 'ES256',
      now: NOW,
    }).code;
    const listKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signed = signTrustList(
      {
        version: 1,
        issuedAt: AT,
        issuer: '110105',
        keys: [
          trustListEntry({
            publicKey: jurisdiction.publicKey,
            alg: 'ES256',
            jurisdiction: '110105',
            notBefore: jurisdiction.trusted.notBefore,
            notAfter: jurisdiction.trusted.notAfter,
          }),
        ],
      },
      { privateKey: listKey.privateKey, alg: 'ES256' },
    );
    trustListFile = path.join(dir, 'trust-list.json');
    writeFileSync(trustListFile, JSON.stringify(signed));
    listKeyFile = path.join(dir, 'list-key.pem');
    writeFileSync(listKeyFile, listKey.publicKey.export({ type: 'spki', format: 'pem' }));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one JSON object and exits 0 for a valid DCC; identity only with --identity', () => {
    const r = tessera(['--trust-cert', fixturePath('dsc-es256-any.pem'), '--at', '2026-06-01T10:00:00', hc1]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const out = json(r.stdout);
    expect(out).toMatchObject({ format: 'HC1', valid: true, certificateType: 'v', issuer: 'AT' });
    expect(Object.keys(out.checks)).toEqual([
      'prefix',
      'base45',
      'decompress',
      'cose',
      'signature',
      'expiry',
      'keyUsage',
    ]);
    expect(r.stdout).not.toMatch(/Musterfrau|1998-02-26/);
    const id = tessera(['--trust-cert', fixturePath('dsc-es256-any.der'), '--at', AT, '--identity', hc1]);
    expect(id.status).toBe(0);
    expect(id.stdout).toMatch(/Musterfrau/);
  });

  it('exits 1 with the failing check for a tampered code, reading it from stdin', () => {
    const tampered = `${hc1.slice(0, 40)}${hc1[40] === 'A' ? 'B' : 'A'}${hc1.slice(41)}`;
    const r = tessera(['--trust-cert', fixturePath('dsc-es256-any.b64'), '--at', AT, '-'], `${tampered}\n`);
    expect(r.status).toBe(1);
    const out = json(r.stdout);
    expect(out.valid).toBe(false);
    expect(out.error).toBeTypeOf('string');
    expect(Object.values(out.checks)).toContain(false);
  });

  it('exits 2 on usage errors: missing code, bad --at, unreadable file', () => {
    expect(tessera([]).status).toBe(2);
    const badAt = tessera(['--at', '2026-02-30', hc1]);
    expect(badAt.status).toBe(2);
    expect(badAt.stderr).toMatch(/not a real date/);
    const missing = tessera(['--trust-cert', path.join(dir, 'nope.pem'), hc1]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read certificate .*nope.pem: ENOENT/);
    expect(missing.stdout).toBe('');
  });

  it('verifies a TSR1 code offline with only a signed trust list; a tampered list is a usage error', () => {
    const ok = tessera(['--trust-list', trustListFile, '--trust-list-key', listKeyFile, '--at', AT, tsr1]);
    expect(ok.status).toBe(0);
    expect(json(ok.stdout)).toMatchObject({
      format: 'TSR1',
      valid: true,
      color: 'green',
      vaccination: 2,
      issuer: '110105',
    });
    const unchecked = tessera(['--trust-list', trustListFile, '--at', AT, tsr1]);
    expect(unchecked.status).toBe(0);
    expect(unchecked.stderr).toMatch(/trust list signature not checked/);
    const tamperedFile = path.join(dir, 'tampered.json');
    const list = JSON.parse(readFileSync(trustListFile, 'utf8'));
    list.trustList.keys[0].notAfter = '2099-01-01T00:00:00Z';
    writeFileSync(tamperedFile, JSON.stringify(list));
    const bad = tessera(['--trust-list', tamperedFile, '--trust-list-key', listKeyFile, '--at', AT, tsr1]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/signature.value: does not verify/);
  });

  it('--batch writes one result per input line, survives malformed lines, and handles thousands of codes', () => {
    const b64 = readFileSync(fixturePath('dsc-es256-any.b64'), 'utf8');
    const lines = [
      JSON.stringify({ code: hc1, trustCerts: [b64], at: AT }),
      '{oops',
      JSON.stringify({ code: tsr1, at: AT }),
      '',
      JSON.stringify({ code: 'HC1:???', trustCerts: [b64], at: AT }),
    ];
    const many = Array.from({ length: 2000 }, () => lines[0]!);
    const r = tessera(
      ['--batch', '--trust-list', trustListFile, '--trust-list-key', listKeyFile],
      [...lines, ...many].join('\n'),
    );
    expect(r.status).toBe(1);
    const out = r.stdout.trim().split('\n').map(json);
    expect(out).toHaveLength(lines.length + many.length);
    expect(out.slice(0, 5).map((o) => o.valid)).toEqual([true, false, true, false, false]);
    expect(out[1]!.error).toMatch(/not JSON/);
    expect(out[3]!.error).toBe('empty input line');
    expect(out[4]!.checks.base45).toBe(false);
    expect(out.slice(5).every((o) => o.valid)).toBe(true);
  }, 320_000);
});

describe('docs/codes.md worked example', () => {
  const doc = readFileSync(path.join(root, 'docs', 'codes.md'), 'utf8');
  const blocks = new Map(
    [...doc.matchAll(/<!-- example:([\w-]+) -->\n```\w*\n([\s\S]*?)```/g)].map((m) => [m[1]!, m[2]!.trim()]),
  );
  const block = (name: string) => {
    const b = blocks.get(name);
    if (!b) throw new Error(`docs/codes.md lacks example block ${name}`);
    return b;
  };
  const ed25519 = (byte: number) =>
    createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, byte)]),
      format: 'der',
      type: 'pkcs8',
    });

  it('reproduces the documented bytes from the documented inputs', () => {
    const key = ed25519(0x11);
    expect(spkiDer(key).toString('hex')).toBe(block('spki'));
    const subject = pseudonymFor(Buffer.alloc(32, 0x22), 'person-42', '2026-06-01');
    const { code } = issueHealthCode({
      claims: { issuer: '110105', subject, color: 'green', vaccination: 2 },
      key,
      kid: kidForPublicKey(key),
      alg: 'EdDSA',
      now: NOW,
    });
    const cose = (openEnvelope(code) as { cose: Buffer }).cose;
    expect(cose.toString('hex')).toBe(block('cose'));
    const msg = decodeCoseSign1(cose);
    expect(msg.payload.toString('hex')).toBe(block('claims'));
    expect(msg.protectedBytes.toString('hex')).toBe(block('protected'));
    // The documented code carries exactly these COSE bytes.
    expect((openEnvelope(block('code')) as { cose: Buffer }).cose.toString('hex')).toBe(block('cose'));
    expect(createPublicKey(ed25519(0x33)).export({ type: 'spki', format: 'pem' }).toString().trim()).toBe(
      block('trust-list-key'),
    );
  });

  it('prints the documented answer', () => {
    const list = path.join(tmpdir(), `tessera-doc-list-${process.pid}.json`);
    const key = path.join(tmpdir(), `tessera-doc-key-${process.pid}.pem`);
    writeFileSync(list, block('trust-list'));
    writeFileSync(key, block('trust-list-key'));
    try {
      const r = tessera(['--trust-list', list, '--trust-list-key', key, '--at', '2026-06-01T10:01:00Z', block('code')]);
      const printed = /\n\$ tessera verify [^\n]*\n(\{[^\n]*\})\n\$ echo \$\?\n0\n/.exec(doc);
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe(printed![1]);
      const expired = verifyCode(
        block('code'),
        {
          keys: verifyTrustList(JSON.parse(block('trust-list')), [
            { publicKey: createPublicKey(block('trust-list-key')), alg: 'EdDSA' },
          ]).keys,
          certs: [],
        },
        new Date('2026-06-01T10:03:00Z'),
      );
      expect(doc).toContain(`"error":"${expired.error}"`);
    } finally {
      rmSync(list, { force: true });
      rmSync(key, { force: true });
    }
  });
});
