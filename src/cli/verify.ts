import { createPublicKey, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { TrustedKey } from '../core/codes/keys.ts';
import { parseTrustList, verifyTrustList } from '../core/codes/trust-list.ts';
import type { TrustListAnchor } from '../core/codes/trust-list.ts';
import { TrustStore, verifyCode } from '../core/codes/verify.ts';
import type { VerifyResult } from '../core/codes/verify.ts';

/**
 * `tessera verify`: offline verification of TSR1/TSP1/HC1 codes. The JSON it prints and its exit codes
 * (0 valid, 1 invalid, 2 usage error) are a contract other teams script against; see docs/codes.md.
 */
class UsageError extends Error {}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const BASE64_TEXT = /^[A-Za-z0-9+/=\s]+$/;

/** Reads X.509 certificates given as PEM (one or more), DER, or base64 DER. */
export function parseCertificates(data: Buffer | string, source: string): X509Certificate[] {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    if (bytes[0] === 0x30) return [new X509Certificate(bytes)];
    const text = bytes.toString('utf8');
    const pems = text.match(PEM_CERT);
    if (pems) return pems.map((pem) => new X509Certificate(pem));
    if (BASE64_TEXT.test(text)) return [new X509Certificate(Buffer.from(text.replace(/\s+/g, ''), 'base64'))];
  } catch (err) {
    throw new UsageError(`${source}: not a readable X.509 certificate (${(err as Error).message})`);
  }
  throw new UsageError(`${source}: not an X.509 certificate in PEM, DER or base64 DER`);
}

/** Reads a public key (PEM or DER SPKI, or an X.509 certificate) that signs trust lists. */
export function parsePublicKey(data: Buffer, source: string): KeyObject {
  try {
    const text = data.toString('utf8');
    if (text.includes('-----BEGIN CERTIFICATE-----')) return parseCertificates(data, source)[0]!.publicKey;
    if (text.includes('-----BEGIN')) return createPublicKey(text);
    return createPublicKey({ key: data, format: 'der', type: 'spki' });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${source}: not a public key in PEM or DER SPKI (${(err as Error).message})`);
  }
}

const AT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** ISO-8601 instant; a time without an offset is UTC. Rejects impossible dates instead of rolling them over. */
export function parseAt(text: string): Date {
  const m = AT.exec(text.trim());
  if (!m) throw new Error(`'${text}' is not an ISO-8601 date or time (e.g. 2026-06-01T10:00:00Z)`);
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', offset = 'Z'] = m;
  const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  const utc = new Date(Date.UTC(...fields));
  const same =
    utc.getUTCFullYear() === fields[0] &&
    utc.getUTCMonth() === fields[1] &&
    utc.getUTCDate() === fields[2] &&
    utc.getUTCHours() === fields[3] &&
    utc.getUTCMinutes() === fields[4] &&
    utc.getUTCSeconds() === fields[5];
  if (!same) throw new Error(`'${text}' is not a real date and time`);
  let offsetMinutes = 0;
  if (offset.toUpperCase() !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2));
    if (oh > 23 || om > 59) throw new Error(`'${text}' has an invalid UTC offset`);
    offsetMinutes = sign * (oh * 60 + om);
  }
  const ms = utc.getTime() + Math.round(Number(`0${frac}`) * 1000) - offsetMinutes * 60_000;
  return new Date(ms);
}

function readInput(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UsageError(
      `cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

function loadTrustList(file: string, keyFiles: string[]): TrustedKey[] {
  let json: unknown;
  try {
    json = JSON.parse(readInput(file, 'trust list').toString('utf8'));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${file}: not JSON (${(err as Error).message})`);
  }
  try {
    if (keyFiles.length === 0) {
      process.stderr.write(`tessera verify: trust list signature not checked (no --trust-list-key given)\n`);
      const doc = json && typeof json === 'object' && 'trustList' in json ? json.trustList : json;
      return parseTrustList(doc).keys;
    }
    const anchors: TrustListAnchor[] = keyFiles.map((f) => {
      const publicKey = parsePublicKey(readInput(f, 'trust-list key'), f);
      const alg = publicKey.asymmetricKeyType === 'ed25519' ? 'EdDSA' : 'ES256';
      return { publicKey, alg };
    });
    return verifyTrustList(json, anchors).keys;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${file}: ${(err as Error).message}`);
  }
}

interface VerifyOptions {
  trustCert: string[];
  trustList?: string;
  trustListKey: string[];
  at?: Date;
  identity?: boolean;
  batch?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerVerify(program: Command) {
  program
    .command('verify')
    .description('Verify a TSR1/TSP1 code or an EU DCC (HC1) offline; prints one JSON object (exit 0 valid, 1 invalid)')
    .argument('[code]', "the code, or '-' to read it from standard input")
    .option('--trust-cert <file>', 'trusted DCC signer certificate (PEM, DER or base64 DER); repeatable', collect, [])
    .option('--trust-list <file>', 'signed Tessera trust list (JSON)')
    .option(
      '--trust-list-key <file>',
      'public key (PEM/DER SPKI or certificate) the trust list must be signed by',
      collect,
      [],
    )
    .option('--at <iso-8601>', 'verification time (default: now; no offset means UTC)', (v: string) => {
      try {
        return parseAt(v);
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
    })
    .option('--identity', "identity check: include the DCC holder's name and date of birth")
    .option('--batch', 'read JSON lines {"code","trustCerts","at"} from stdin, write one result line each')
    // Subcommands do not inherit the program's exitOverride when registered before it; usage errors must exit 2.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (code: string | undefined, opts: VerifyOptions) => {
      try {
        process.exitCode = await runVerify(code, opts);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        process.stderr.write(`tessera verify: ${err.message}\n`);
        process.exitCode = 2;
      }
    });
}

async function runVerify(code: string | undefined, opts: VerifyOptions): Promise<number> {
  const certs = opts.trustCert.flatMap((f) => parseCertificates(readInput(f, 'certificate'), f));
  const keys = opts.trustList ? loadTrustList(opts.trustList, opts.trustListKey) : [];
  if (!opts.trustList && opts.trustListKey.length > 0) throw new UsageError('--trust-list-key needs --trust-list');
  const options = { identityCheck: opts.identity === true };
  if (opts.batch) {
    if (code !== undefined) throw new UsageError('--batch reads codes from standard input; do not pass a code');
    return runBatch(new BatchVerifier(keys, certs, opts.at, options));
  }
  if (code === undefined) throw new UsageError("missing code: pass it as an argument or '-' for standard input");
  const text = code === '-' ? await readStdin() : code;
  const result = verifyCode(text, new TrustStore({ keys, certs }), opts.at ?? new Date(), options);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return result.valid ? 0 : 1;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // Only line endings are stripped: a space is a Base45 character and may end a code.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/[\r\n]+$/, '');
}

/** Verifies batch lines, caching parsed certificates and trust stores across lines. */
export class BatchVerifier {
  private readonly certCache = new Map<string, X509Certificate[]>();
  private readonly storeCache = new Map<string, TrustStore>();
  private readonly baseStore: TrustStore;

  constructor(
    private readonly keys: TrustedKey[],
    private readonly certs: X509Certificate[],
    private readonly at: Date | undefined,
    private readonly options: { identityCheck: boolean },
  ) {
    this.baseStore = new TrustStore({ keys, certs });
  }

  /** One input line → one result; malformed lines become invalid results, never exceptions. */
  verifyLine(line: string): VerifyResult {
    let input: unknown;
    try {
      input = JSON.parse(line);
    } catch (err) {
      return invalid(`input line is not JSON: ${(err as Error).message}`);
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return invalid('input line must be a JSON object {"code", "trustCerts", "at"}');
    }
    const { code, trustCerts, at } = input as Record<string, unknown>;
    if (typeof code !== 'string') return invalid('"code" must be a string');
    let when = this.at ?? new Date();
    if (at !== undefined && at !== null) {
      if (typeof at !== 'string') return invalid('"at" must be an ISO-8601 string');
      try {
        when = parseAt(at);
      } catch (err) {
        return invalid(`"at": ${(err as Error).message}`);
      }
    }
    let store = this.baseStore;
    if (trustCerts !== undefined && trustCerts !== null) {
      if (!Array.isArray(trustCerts) || !trustCerts.every((c) => typeof c === 'string')) {
        return invalid('"trustCerts" must be an array of base64 DER or PEM strings');
      }
      try {
        store = this.storeFor(trustCerts as string[]);
      } catch (err) {
        return invalid((err as Error).message);
      }
    }
    return verifyCode(code, store, when, this.options);
  }

  private storeFor(trustCerts: string[]): TrustStore {
    const cacheKey = trustCerts.join('\n');
    const cached = this.storeCache.get(cacheKey);
    if (cached) return cached;
    const certs = trustCerts.flatMap((text, i) => {
      let parsed = this.certCache.get(text);
      if (!parsed) {
        parsed = parseCertificates(text, `trustCerts[${i}]`);
        remember(this.certCache, text, parsed);
      }
      return parsed;
    });
    const store = new TrustStore({ keys: this.keys, certs: [...this.certs, ...certs] });
    remember(this.storeCache, cacheKey, store);
    return store;
  }
}

/** Bounded caches: a long batch with ever-new certificates must not grow memory without limit. */
function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= 10_000) cache.clear();
  cache.set(key, value);
}

function invalid(error: string): VerifyResult {
  return {
    format: null,
    valid: false,
    checks: { prefix: null, base45: null, decompress: null, cose: null, signature: null, expiry: null, keyUsage: null },
    kid: null,
    issuer: null,
    issuedAt: null,
    expiresAt: null,
    color: null,
    vaccination: null,
    certificateType: null,
    payload: null,
    error,
  };
}

async function runBatch(verifier: BatchVerifier): Promise<number> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let allValid = true;
  let out: string[] = [];
  let size = 0;
  const flush = async () => {
    if (out.length === 0) return;
    const chunk = out.join('');
    out = [];
    size = 0;
    if (!process.stdout.write(chunk)) await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
  };
  for await (const line of lines) {
    const result = line.trim() === '' ? invalid('empty input line') : verifier.verifyLine(line);
    if (!result.valid) allValid = false;
    const text = `${JSON.stringify(result)}\n`;
    out.push(text);
    size += text.length;
    if (size >= 64 * 1024) await flush();
  }
  await flush();
  return allValid ? 0 : 1;
}
