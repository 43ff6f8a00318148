/**
 * The transport envelope of TSR1, TSP1 and HC1 codes: PREFIX ":" Base45(zlib(COSE_Sign1)), undone with the
 * browser's own DecompressionStream('deflate') (zlib, RFC 1950). Mirrors src/core/codes/{base45,envelope}.ts.
 */

export type CodeFormat = 'TSR1' | 'TSP1' | 'HC1';
export const CODE_FORMATS: readonly CodeFormat[] = ['TSR1', 'TSP1', 'HC1'];

/** Decompressed COSE messages are well under 4 KiB; the cap stops zip bombs. */
export const MAX_COSE_BYTES = 64 * 1024;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const VALUE_OF = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE_OF[ALPHABET.charCodeAt(i)] = i;

export function base45Decode(text: string, offset = 0): Uint8Array<ArrayBuffer> {
  if (text.length % 3 === 1) {
    throw new Error(`invalid Base45 length ${text.length}: a trailing group of 1 character cannot encode a byte`);
  }
  const digit = (i: number) => {
    const c = text.charCodeAt(i);
    const v = c < 128 ? VALUE_OF[c]! : -1;
    if (v < 0) throw new Error(`invalid Base45 character at position ${i + offset}`);
    return v;
  };
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  let i = 0;
  for (; i + 2 < text.length; i += 3) {
    const n = digit(i) + digit(i + 1) * 45 + digit(i + 2) * 2025;
    if (n > 0xffff) throw new Error(`invalid Base45 group at position ${i + offset}: value ${n} > 65535`);
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (i < text.length) {
    const n = digit(i) + digit(i + 1) * 45;
    if (n > 0xff) throw new Error(`invalid Base45 final group at position ${i + offset}: value ${n} > 255`);
    out[o++] = n;
  }
  return out;
}

/** Inflates one zlib stream; data after its end, a bad checksum, truncation or more than `max` bytes throw. */
export async function inflateZlib(data: Uint8Array<ArrayBuffer>, max = MAX_COSE_BYTES): Promise<Uint8Array> {
  const out = await inflate(data, max);
  // Bytes after the stream's end would be unsigned cargo. Chromium's DecompressionStream refuses them, other
  // engines may ignore them: a complete stream cut by one byte loses its checksum, so if that still inflates,
  // something followed the stream.
  const shorter = await inflate(data.subarray(0, data.length - 1), max).then(
    () => true,
    () => false,
  );
  if (shorter) throw new Error('zlib: unexpected byte(s) after the zlib stream');
  return out;
}

async function inflate(data: Uint8Array<ArrayBuffer>, max: number): Promise<Uint8Array> {
  if (data.length < 2 || (data[0]! & 0x0f) !== 8 || ((data[0]! << 8) | data[1]!) % 31 !== 0) {
    throw new Error('zlib: not a zlib stream (bad header)');
  }
  const ds = new DecompressionStream('deflate');
  const writer = ds.writable.getWriter();
  // Errors surface on the reader; the writer's promises would otherwise reject unhandled.
  writer.write(data).catch(() => {});
  writer.close().catch(() => {});
  const reader = ds.readable.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > max) {
        await reader.cancel().catch(() => {});
        throw new Error(`zlib: decompressed data exceeds ${max} bytes`);
      }
      parts.push(value);
    }
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(msg.startsWith('zlib:') ? msg : `zlib: ${msg || 'corrupt or truncated stream'}`);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export type EnvelopeStage = 'prefix' | 'base45' | 'decompress';

export type EnvelopeResult =
  | { ok: true; format: CodeFormat; cose: Uint8Array }
  | { ok: false; format: CodeFormat | null; stage: EnvelopeStage; error: string };

/** The format of a code by its prefix, or null. */
export function formatOf(code: string): CodeFormat | null {
  const colon = code.indexOf(':');
  const prefix = colon >= 0 ? code.slice(0, colon) : '';
  return CODE_FORMATS.find((f) => f === prefix) ?? null;
}

export async function openEnvelope(code: string): Promise<EnvelopeResult> {
  const format = formatOf(code);
  if (!format) {
    return { ok: false, format: null, stage: 'prefix', error: 'unknown prefix: expected TSR1:, TSP1: or HC1:' };
  }
  const start = format.length + 1;
  let compressed: Uint8Array<ArrayBuffer>;
  try {
    compressed = base45Decode(code.slice(start), start);
  } catch (e) {
    return { ok: false, format, stage: 'base45', error: (e as Error).message };
  }
  if (compressed.length === 0) return { ok: false, format, stage: 'base45', error: 'nothing after the prefix' };
  try {
    return { ok: true, format, cose: await inflateZlib(compressed) };
  } catch (e) {
    return { ok: false, format, stage: 'decompress', error: (e as Error).message };
  }
}
