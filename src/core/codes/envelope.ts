import { deflateSync, inflateSync } from 'node:zlib';
import { base45Decode, base45Encode } from './base45.ts';

/**
 * The transport envelope shared by TSR1, TSP1 and HC1: PREFIX + Base45(zlib(COSE_Sign1 bytes)).
 * Decoding reports the first stage that fails, so a verifier can say exactly what is wrong.
 */
export type CodeFormat = 'TSR1' | 'TSP1' | 'HC1';

export const CODE_FORMATS: readonly CodeFormat[] = ['TSR1', 'TSP1', 'HC1'];

/** Decompressed COSE messages in real codes are well under 4 KiB; the cap stops zip bombs. */
export const MAX_COSE_BYTES = 64 * 1024;

export function wrapEnvelope(format: CodeFormat, cose: Uint8Array): string {
  return `${format}:${base45Encode(deflateSync(cose, { level: 9 }))}`;
}

export type EnvelopeStage = 'prefix' | 'base45' | 'decompress';

export type EnvelopeResult =
  | { ok: true; format: CodeFormat; cose: Buffer }
  | { ok: false; format: CodeFormat | null; stage: EnvelopeStage; error: string };

export function openEnvelope(code: string): EnvelopeResult {
  const colon = code.indexOf(':');
  const prefix = colon >= 0 ? code.slice(0, colon) : '';
  const format = CODE_FORMATS.find((f) => f === prefix) ?? null;
  if (!format) {
    const shown = colon >= 0 && colon <= 8 ? `'${code.slice(0, colon + 1)}'` : `'${code.slice(0, 8)}…'`;
    const what = code.length === 0 ? 'empty code' : `unknown prefix ${shown}`;
    return { ok: false, format: null, stage: 'prefix', error: `${what}: expected TSR1:, TSP1: or HC1:` };
  }
  let compressed: Buffer;
  try {
    compressed = base45Decode(code.slice(colon + 1), colon + 1);
  } catch (err) {
    return { ok: false, format, stage: 'base45', error: (err as Error).message };
  }
  if (compressed.length === 0) return { ok: false, format, stage: 'base45', error: 'nothing after the prefix' };
  try {
    const { buffer, engine } = inflateSync(compressed, { maxOutputLength: MAX_COSE_BYTES, info: true }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    // zlib stops at the end of the stream and ignores what follows; appended bytes would be unsigned cargo.
    if (engine.bytesWritten !== compressed.length) {
      const extra = compressed.length - engine.bytesWritten;
      return { ok: false, format, stage: 'decompress', error: `${extra} unexpected byte(s) after the zlib stream` };
    }
    return { ok: true, format, cose: buffer };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'ERR_BUFFER_TOO_LARGE'
        ? `decompressed data exceeds ${MAX_COSE_BYTES} bytes`
        : e.code === 'Z_BUF_ERROR'
          ? 'zlib stream is truncated'
          : e.message;
    return { ok: false, format, stage: 'decompress', error: `zlib: ${why}` };
  }
}
