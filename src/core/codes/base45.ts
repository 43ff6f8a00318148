/**
 * Base45 (RFC 9285): the QR alphanumeric alphabet, so a QR code can carry binary data in alphanumeric mode.
 * Each 2 bytes become 3 characters (little-endian base-45 digits); a trailing single byte becomes 2 characters.
 */
export const BASE45_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

const VALUE_OF = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE45_ALPHABET.length; i++) VALUE_OF[BASE45_ALPHABET.charCodeAt(i)] = i;

export class Base45Error extends Error {
  constructor(
    message: string,
    /** Index of the first offending character in the input. */
    readonly position: number,
  ) {
    super(message);
    this.name = 'Base45Error';
  }
}

export function base45Encode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 1 < bytes.length; i += 2) {
    const n = bytes[i]! * 256 + bytes[i + 1]!;
    const e = Math.floor(n / 2025);
    const rest = n % 2025;
    out += BASE45_ALPHABET[rest % 45]! + BASE45_ALPHABET[Math.floor(rest / 45)]! + BASE45_ALPHABET[e]!;
  }
  if (i < bytes.length) {
    const n = bytes[i]!;
    out += BASE45_ALPHABET[n % 45]! + BASE45_ALPHABET[Math.floor(n / 45)]!;
  }
  return out;
}

function digit(text: string, index: number, offset: number): number {
  const code = text.charCodeAt(index);
  const v = code < 128 ? VALUE_OF[code]! : -1;
  if (v < 0) {
    const ch = text[index]!;
    const shown = code >= 0x20 && code < 0x7f ? `'${ch}'` : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    const hint = ch >= 'a' && ch <= 'z' ? ' (Base45 is upper case only)' : '';
    throw new Base45Error(`invalid Base45 character ${shown} at position ${index + offset}${hint}`, index + offset);
  }
  return v;
}

/**
 * Decodes strictly: unknown characters, a dangling single character and out-of-range groups are errors.
 * `positionOffset` is added to positions in error messages (e.g. the length of a prefix the caller cut off).
 */
export function base45Decode(text: string, positionOffset = 0): Buffer {
  const at = (i: number) => i + positionOffset;
  if (text.length % 3 === 1) {
    throw new Base45Error(
      `invalid Base45 length ${text.length}: a trailing group of 1 character cannot encode a byte`,
      at(text.length - 1),
    );
  }
  const out = Buffer.allocUnsafe(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  let i = 0;
  for (; i + 2 < text.length; i += 3) {
    const n =
      digit(text, i, positionOffset) +
      digit(text, i + 1, positionOffset) * 45 +
      digit(text, i + 2, positionOffset) * 2025;
    if (n > 0xffff) {
      throw new Base45Error(
        `invalid Base45 group '${text.slice(i, i + 3)}' at position ${at(i)}: value ${n} > 65535`,
        at(i),
      );
    }
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (i < text.length) {
    const n = digit(text, i, positionOffset) + digit(text, i + 1, positionOffset) * 45;
    if (n > 0xff) {
      throw new Base45Error(
        `invalid Base45 final group '${text.slice(i)}' at position ${at(i)}: value ${n} > 255`,
        at(i),
      );
    }
    out[o++] = n;
  }
  return out;
}
