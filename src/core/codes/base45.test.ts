import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE45_ALPHABET, base45Decode, base45Encode, Base45Error } from './base45.ts';

describe('base45 (RFC 9285)', () => {
  it.each([
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
    ['', ''],
  ])('encodes the RFC examples: %s → %s', (plain, encoded) => {
    expect(base45Encode(Buffer.from(plain))).toBe(encoded);
    expect(base45Decode(encoded).toString()).toBe(plain);
  });

  it('encodes the extremes of a group', () => {
    expect(base45Encode(Buffer.from([0xff, 0xff]))).toBe('FGW');
    expect(base45Encode(Buffer.from([0xff]))).toBe('U5');
    expect(base45Decode('FGW')).toEqual(Buffer.from([0xff, 0xff]));
    expect(base45Decode('000')).toEqual(Buffer.from([0, 0]));
  });

  it('rejects a group above 65535 with its position', () => {
    expect(() => base45Decode('GGW')).toThrow(/group 'GGW' at position 0: value 65536 > 65535/);
    expect(() => base45Decode('BB8GGW')).toThrow(/at position 3/);
  });

  it('rejects a final pair above 255', () => {
    expect(() => base45Decode('BB8V5')).toThrow(/final group 'V5' at position 3: value 256 > 255/);
  });

  it('rejects characters outside the alphabet, naming them', () => {
    expect(() => base45Decode('BB#')).toThrow(/invalid Base45 character '#' at position 2/);
    expect(() => base45Decode('bb8')).toThrow(/upper case only/);
    expect(() => base45Decode('B\u00e98')).toThrow(/U\+00E9 at position 1/);
    expect(() => base45Decode('B\n8')).toThrow(/U\+000A/);
  });

  it('rejects a dangling single character', () => {
    const err = (() => {
      try {
        base45Decode('BB8B');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(Base45Error);
    expect((err as Base45Error).message).toMatch(/length 4/);
    expect((err as Base45Error).position).toBe(3);
  });

  it('adds the caller offset to error positions', () => {
    expect(() => base45Decode('BB#', 5)).toThrow(/position 7/);
  });

  it('round-trips arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = base45Encode(bytes);
        expect([...text].every((c) => BASE45_ALPHABET.includes(c))).toBe(true);
        expect(text.length).toBe(Math.floor(bytes.length / 2) * 3 + (bytes.length % 2) * 2);
        expect(base45Decode(text)).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('decodes any string either to bytes that re-encode to it, or to a Base45Error', () => {
    const chars = fc.constantFrom(...`${BASE45_ALPHABET}a#\u00e9`.split(''));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }), (arr) => {
        const text = arr.join('');
        let bytes: Buffer;
        try {
          bytes = base45Decode(text);
        } catch (e) {
          expect(e).toBeInstanceOf(Base45Error);
          return;
        }
        expect(base45Encode(bytes)).toBe(text);
      }),
    );
  });
});
