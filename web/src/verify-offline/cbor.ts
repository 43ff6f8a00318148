/**
 * A small, strict CBOR (RFC 8949) decoder for what signed codes hold: integers, byte and text strings, arrays,
 * maps (as `Map`, so integer keys survive), tags, simple values and floats. Indefinite lengths are accepted, as
 * the server's decoder accepts them. Trailing bytes, truncation, over-deep nesting and huge lengths are errors.
 * About 2 KB minified: the checkpoint chunk stays small without a CBOR library.
 */

export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: unknown,
  ) {}
}

export class CborError extends Error {
  override name = 'CborError';
}

const MAX_DEPTH = 32;
const BREAK = Symbol('break');
const utf8 = new TextDecoder('utf-8', { fatal: true });

class Reader {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.b.length) throw new CborError('unexpected end of CBOR data');
    return this.b[this.pos++]!;
  }

  bytes(n: number): Uint8Array {
    if (n > this.b.length - this.pos) throw new CborError('unexpected end of CBOR data');
    // A copy (and a plain Uint8Array even when handed a Node Buffer, whose slice is a view).
    const out = new Uint8Array(this.b.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  uint(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.byte();
    return v;
  }

  /** The argument of a head; null for indefinite length (additional info 31). */
  argument(info: number): number | null {
    if (info < 24) return info;
    if (info === 24) return this.byte();
    if (info === 25) return this.uint(2);
    if (info === 26) return this.uint(4);
    if (info === 27) return this.uint(8);
    if (info === 31) return null;
    throw new CborError(`reserved additional information ${info}`);
  }

  length(info: number): number | null {
    const n = this.argument(info);
    if (n !== null && n > this.b.length - this.pos + 1) throw new CborError(`length ${n} exceeds the data`);
    return n;
  }

  float(info: number): number {
    const size = info === 25 ? 2 : info === 26 ? 4 : 8;
    const raw = this.bytes(size);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    if (size === 4) return view.getFloat32(0);
    if (size === 8) return view.getFloat64(0);
    const h = view.getUint16(0);
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    const sign = h & 0x8000 ? -1 : 1;
    if (exp === 0) return sign * mant * 2 ** -24;
    if (exp === 31) return mant ? NaN : sign * Infinity;
    return sign * (1 + mant / 1024) * 2 ** (exp - 15);
  }

  chunks(major: number, info: number): Uint8Array {
    const n = this.length(info);
    if (n !== null) return this.bytes(n);
    const parts: Uint8Array[] = [];
    for (;;) {
      const head = this.byte();
      if (head === 0xff) break;
      if (head >> 5 !== major || (head & 0x1f) === 31) throw new CborError('bad chunk in an indefinite-length string');
      parts.push(this.bytes(this.length(head & 0x1f)!));
    }
    const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  item(depth: number): unknown {
    if (depth > MAX_DEPTH) throw new CborError(`nested deeper than ${MAX_DEPTH} levels`);
    const head = this.byte();
    const major = head >> 5;
    const info = head & 0x1f;
    switch (major) {
      case 0: {
        const n = this.argument(info);
        if (n === null) throw new CborError('indefinite length on an integer');
        return n;
      }
      case 1: {
        const n = this.argument(info);
        if (n === null) throw new CborError('indefinite length on an integer');
        return -1 - n;
      }
      case 2:
        return this.chunks(2, info);
      case 3:
        try {
          return utf8.decode(this.chunks(3, info));
        } catch (e) {
          if (e instanceof CborError) throw e;
          throw new CborError('text string is not valid UTF-8');
        }
      case 4: {
        const n = this.length(info);
        const out: unknown[] = [];
        for (let i = 0; n === null || i < n; i++) {
          const v = this.item(depth + 1);
          if (v === BREAK) {
            if (n === null) break;
            throw new CborError('unexpected break');
          }
          out.push(v);
        }
        return out;
      }
      case 5: {
        const n = this.length(info);
        const out = new Map<unknown, unknown>();
        for (let i = 0; n === null || i < n; i++) {
          const k = this.item(depth + 1);
          if (k === BREAK) {
            if (n === null) break;
            throw new CborError('unexpected break');
          }
          const v = this.item(depth + 1);
          if (v === BREAK) throw new CborError('map key without a value');
          out.set(k, v);
        }
        return out;
      }
      case 6: {
        const tag = this.argument(info);
        if (tag === null) throw new CborError('indefinite length on a tag');
        return new CborTag(tag, this.item(depth + 1));
      }
      default:
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22) return null;
        if (info === 23) return undefined;
        if (info >= 25 && info <= 27) return this.float(info);
        if (info === 31) return BREAK;
        if (info === 24) return { simple: this.byte() };
        return { simple: info };
    }
  }
}

/** Decodes exactly one CBOR item; trailing bytes are an error. */
export function cborDecode(bytes: Uint8Array): unknown {
  const r = new Reader(bytes);
  const v = r.item(0);
  if (v === BREAK) throw new CborError('unexpected break');
  if (r.pos !== bytes.length) throw new CborError(`${bytes.length - r.pos} unexpected byte(s) after the CBOR item`);
  return v;
}

/** Decoded CBOR as JSON for display: maps to objects (integer keys renamed when known), bytes to base64. */
export function cborToJson(value: unknown, names: ReadonlyMap<number, string> = new Map(), depth = 0): unknown {
  if (depth > MAX_DEPTH) return null;
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Uint8Array) return toBase64(value);
  if (Array.isArray(value)) return value.map((v) => cborToJson(v, undefined, depth + 1));
  if (value instanceof CborTag) return { tag: value.tag, value: cborToJson(value.value, undefined, depth + 1) };
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) {
      const key = typeof k === 'number' ? (names.get(k) ?? String(k)) : String(k);
      out[key] = cborToJson(v, undefined, depth + 1);
    }
    return out;
  }
  return null;
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
