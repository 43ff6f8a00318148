import { Decoder, Encoder, Tag } from 'cbor-x';

export { Tag };

/**
 * COSE and CWT use integer-keyed maps, so maps must round-trip as `Map`, and nothing may use cbor-x's private
 * extensions (records, tag 259 maps, tagged typed arrays), which other CBOR implementations cannot read.
 */
// Two options cbor-x implements but does not declare in its typings.
type Options = ConstructorParameters<typeof Encoder>[0] & { useTag259ForMaps?: boolean; int64AsNumber?: boolean };

const encoderOptions: Options = {
  mapsAsObjects: false,
  useRecords: false,
  useTag259ForMaps: false,
  tagUint8Array: false,
  variableMapSize: true,
};
const encoder = new Encoder(encoderOptions);

// int64AsNumber: a timestamp someone encoded in 8 bytes should still read as a number, not a bigint.
const decoderOptions: Options = { mapsAsObjects: false, useRecords: false, int64AsNumber: true };
const decoder = new Decoder(decoderOptions);

export type CborMap = Map<unknown, unknown>;

export function cborEncode(value: unknown): Buffer {
  // cbor-x hands out views of a shared scratch buffer; copy so callers may keep the bytes.
  return Buffer.from(encoder.encode(value));
}

/** Decodes exactly one CBOR item; trailing bytes and truncation throw. */
export function cborDecode(bytes: Uint8Array): unknown {
  return decoder.decode(bytes);
}

const MAX_DEPTH = 32;

const CWT_CLAIM_NAMES = new Map<number, string>([
  [1, 'iss'],
  [2, 'sub'],
  [3, 'aud'],
  [4, 'exp'],
  [5, 'nbf'],
  [6, 'iat'],
  [7, 'cti'],
  [-260, 'hcert'],
]);

/**
 * Turns decoded CBOR into plain JSON: maps become objects (integer keys as decimal strings, except that
 * `namedKeys` renames known ones), byte strings become base64, big integers decimal strings, dates ISO strings.
 */
export function cborToJson(value: unknown, namedKeys: ReadonlyMap<number, string> = new Map(), depth = 0): unknown {
  // cbor-x resolves shared-reference tags (28/29), so hostile input can be cyclic; codes are never this deep.
  if (depth > MAX_DEPTH) throw new Error(`CBOR nested deeper than ${MAX_DEPTH} levels`);
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map((v) => cborToJson(v, undefined, depth + 1));
  if (value instanceof Tag) return { tag: value.tag, value: cborToJson(value.value, undefined, depth + 1) };
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) {
      const key = typeof k === 'number' ? (namedKeys.get(k) ?? String(k)) : typeof k === 'string' ? k : String(k);
      out[key] = cborToJson(v, undefined, depth + 1);
    }
    return out;
  }
  if (typeof value === 'object') {
    // Other tags cbor-x understands natively (sets, regexps, typed arrays) have no meaning in a code.
    return String(value);
  }
  return null;
}

/** Names for the registered CWT claims (RFC 8392) and the HCERT claim; Tessera's private claims are added by callers. */
export function cwtClaimNames(extra: Iterable<[number, string]> = []): ReadonlyMap<number, string> {
  return new Map([...CWT_CLAIM_NAMES, ...extra]);
}
