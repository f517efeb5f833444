import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CharSource,
  MAX_AUTHORIZATION_LENGTH,
  accessKeyIdOf,
  parseAuthorization,
  scanCredential,
} from '../../src/protocol/query/access-key.js';

/** The regular expression the scanner replaced (issue 13 item 1): the reference its answers must equal. */
const QUADRATIC = /^\s*AWS4-HMAC-SHA256\s+(?:.*[\s,])?Credential=([^,\s]+)/i;
const reference = (header: string): string | undefined => QUADRATIC.exec(header)?.[1];
const scanned = (header: string): string | undefined => {
  const range = scanCredential(header);
  return range === undefined ? undefined : header.slice(range[0], range[1]);
};

/** A string that counts how many characters are read. */
const counting = (text: string): CharSource & { reads: number } => {
  const source = {
    reads: 0,
    length: text.length,
    charCodeAt(index: number): number {
      source.reads++;
      return text.charCodeAt(index);
    },
  };
  return source;
};

const TOKENS = [
  'AWS4-HMAC-SHA256', 'aws4-hmac-sha256', 'Credential=', 'credential=', 'CREDENTIAL=', 'AKIDA/2026/us-east-1/iam/aws4_request',
  'AKIDB', ' ', '  ', '\t', '\n', '\r', '\u2028', '\u00a0', '\ufeff', ',', ', ', '=', '/', 'SignedHeaders=host;x-amz-date',
  'Signature=abc', 'x', 'Credentia', 'l=', '\u0131', '\u017f',
];
const header = fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((parts) => parts.join(''));

describe('scanning the Authorization header for the access key id (issue 13 item 1)', () => {
  it('answers exactly what the regular expression it replaced answered', () => {
    fc.assert(
      fc.property(header, fc.constantFrom('', ' ', '\n', 'AWS4-HMAC-SHA256 '), (text, prefix) => {
        expect(scanned(prefix + text)).toBe(reference(prefix + text));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps the answers of typical headers', () => {
    const sdk = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab12';
    for (const text of [sdk, sdk.replace(', ', ','), `  ${sdk}`, sdk.toLowerCase(), 'Bearer x', 'AWS4-HMAC-SHA256Credential=A/b']) {
      expect(scanned(text)).toBe(reference(text));
    }
    expect(scanned(sdk)).toBe('AKIDEXAMPLE/20261123/us-east-1/iam/aws4_request');
  });

  it('reads each character a bounded number of times, whatever the input (no backtracking)', () => {
    const hostile = [
      `AWS4-HMAC-SHA256${' '.repeat(8000)}x`,
      `AWS4-HMAC-SHA256 ${'Credential='.repeat(700)}`,
      `AWS4-HMAC-SHA256 ${', '.repeat(4000)}`,
      `AWS4-HMAC-SHA256 ${' Credential=,'.repeat(600)}`,
      `${' '.repeat(8000)}AWS4-HMAC-SHA256`,
    ];
    for (const text of hostile) {
      expect(text.length).toBeLessThanOrEqual(MAX_AUTHORIZATION_LENGTH);
      const source = counting(text);
      scanCredential(source);
      // Each position is read at most by the forward scans, once as a separator and once per `Credential=` letter.
      expect(source.reads).toBeLessThanOrEqual(16 * text.length + 64);
    }
  });

  it('reads nothing of a header longer than the cap', () => {
    const source = counting(`AWS4-HMAC-SHA256 Credential=AKIDX/${'a'.repeat(MAX_AUTHORIZATION_LENGTH)}`);
    expect(scanCredential(source)).toBeUndefined();
    expect(source.reads).toBe(0);
    expect(accessKeyIdOf({ authorization: `AWS4-HMAC-SHA256 Credential=AKIDX/a, ${' '.repeat(MAX_AUTHORIZATION_LENGTH)}` })).toBeUndefined();
  });

  it('has a step count linear in the length, measured as reads per character over growing hostile inputs', () => {
    const perChar = [1000, 2000, 4000, 8000].map((length) => {
      const source = counting(`AWS4-HMAC-SHA256${' '.repeat(length - 17)}x`);
      scanCredential(source);
      return source.reads / length;
    });
    for (const ratio of perChar) expect(ratio).toBeLessThan(4);
  });
});

describe('parseAuthorization (the verifier strict parser)', () => {
  it('reads the three components', () => {
    const parsed = parseAuthorization('AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab');
    expect(parsed._unsafeUnwrap()).toEqual({ credential: 'AKID/20261123/us-east-1/iam/aws4_request', signedHeaders: 'host;x-amz-date', signature: 'ab' });
  });

  it('names every missing component, as AWS does, and echoes the header', () => {
    expect(parseAuthorization('AWS4-HMAC-SHA256 Credential=ABCDEF')._unsafeUnwrapErr()).toBe(
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=ABCDEF",
    );
    expect(parseAuthorization('Basic dXNlcjpwYXNz')._unsafeUnwrapErr()).toBe(
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=Basic dXNlcjpwYXNz",
    );
    expect(parseAuthorization('AWS4-HMAC-SHA256 Credential= AKID/x, SignedHeaders=host, Signature=ab, junk')._unsafeUnwrapErr()).toBe(
      "'junk' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential= AKID/x, SignedHeaders=host, Signature=ab, junk'.",
    );
  });

  it('refuses a header longer than the cap without parsing it', () => {
    expect(parseAuthorization(`AWS4-HMAC-SHA256 ${' '.repeat(MAX_AUTHORIZATION_LENGTH)}`).isErr()).toBe(true);
  });
});
