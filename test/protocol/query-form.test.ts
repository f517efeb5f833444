import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyText, forEachFormPair } from '../../src/protocol/query/form.js';

/**
 * The Query protocol's parameters are an `application/x-www-form-urlencoded` text (WHATWG URL, "application/x-www-form-urlencoded
 * parsing"): `&`-separated `name=value` pairs, `+` a space, `%XX` a byte of UTF-8. The endpoint reads it as the standard says, but
 * strictly: a malformed escape or bytes that are not UTF-8 refuse the request (MalformedQueryString) where URLSearchParams would keep
 * the bad escape or substitute U+FFFD.
 */
const pairsOf = (text: string): [string, string][] | 'malformed' => {
  const pairs: [string, string][] = [];
  return forEachFormPair(text, { add: (name, value) => pairs.push([name, value]) }) ? pairs : 'malformed';
};

/** Pieces of form text: separators, plain characters, spaces as +, escapes of ASCII, of multi-byte UTF-8 and of the separators. */
const WELL_FORMED = ['a', 'B', '9', '-', '_', '.', '*', '~', '&', '=', '+', '%20', '%41', '%2B', '%26', '%3D', '%25', '%E2%82%AC', '%F0%9F%98%80', '%c3%a9', 'é', '€'];
/** Escapes that are not well-formed, or not UTF-8 (a lone continuation byte, a truncated sequence, an encoded surrogate). */
const MALFORMED = ['%', '%2', '%ZZ', '%G1', '%80', '%C3', '%C3%28', '%ED%A0%80', '%FF'];

const textOf = (pieces: readonly string[]): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...pieces), { maxLength: 16 }).map((parts) => parts.join(''));

describe('Query form text', () => {
  it('is read pair by pair exactly as the WHATWG form parser (URLSearchParams) reads well-formed text', () => {
    fc.assert(
      fc.property(textOf(WELL_FORMED), (text) => {
        expect(pairsOf(text)).toEqual([...new URLSearchParams(text)]);
      }),
      { numRuns: 500 },
    );
  });

  it('gives back every list of names and values it was encoded from, in order, repeats included', () => {
    const part = fc.string({ unit: 'grapheme', maxLength: 8 });
    fc.assert(
      fc.property(fc.array(fc.tuple(part.filter((name) => name !== ''), part), { maxLength: 6 }), fc.boolean(), (pairs, spaceAsPlus) => {
        const encode = (text: string): string => (spaceAsPlus ? encodeURIComponent(text).replaceAll('%20', '+') : encodeURIComponent(text));
        const text = pairs.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
        expect(pairsOf(text)).toEqual(pairs);
      }),
      { numRuns: 300 },
    );
  });

  it('is refused as a whole when any escape is malformed or decodes to bytes that are not UTF-8, wherever it stands', () => {
    fc.assert(
      fc.property(textOf(WELL_FORMED), fc.constantFrom(...MALFORMED), textOf(WELL_FORMED), (before, bad, after) => {
        // A bad escape right after a `%` could complete it (`%` + `41`): keep the well-formed text apart from it with a separator.
        expect(pairsOf(`${before}&${bad}&${after}`)).toBe('malformed');
        expect(pairsOf(`${before}&x=${bad}`)).toBe('malformed');
      }),
      { numRuns: 300 },
    );
  });
});

describe('a request body', () => {
  it('is its text when it is valid UTF-8 (ASCII or not), given as a string, as bytes, or as a view into larger bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 24 }), fc.nat({ max: 5 }), fc.nat({ max: 5 }), (text, before, after) => {
        const bytes = Buffer.from(text);
        expect(bodyText(text)).toBe(text);
        expect(bodyText(new Uint8Array(bytes))).toBe(text);
        // A node:http chunk is often a view into a larger pooled buffer: only the view is the body.
        const padded = new Uint8Array(before + bytes.length + after).fill(0x26);
        padded.set(bytes, before);
        expect(bodyText(padded.subarray(before, before + bytes.length))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('is refused (undefined) when its bytes are not UTF-8, never patched with U+FFFD', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.constantFrom([0xff], [0x80], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xe2, 0x82]), (text, bad) => {
        expect(bodyText(Uint8Array.from([...Buffer.from(text), ...bad]))).toBeUndefined();
      }),
    );
  });
});
