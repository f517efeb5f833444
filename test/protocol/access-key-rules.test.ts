import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_AUTHORIZATION_LENGTH, accessKeyIdOf, isAccessKeyId, parseAuthorization, scanCredential } from '../../src/protocol/query/access-key.js';

/**
 * Which access key a request names, and how a verifier reads an Authorization header. The scanner must answer what the regular
 * expression it replaced answers (test/protocol/access-key-scan.test.ts); here every code unit that could be white space or a line terminator is tried at the places where the
 * expression's character classes decide: `\s` (JavaScript's white space), `.` (anything but a line terminator) and the letters `/i`
 * matches in either case.
 */
const QUADRATIC = /^\s*AWS4-HMAC-SHA256\s+(?:.*[\s,])?Credential=([^,\s]+)/i;
const reference = (header: string): string | undefined => QUADRATIC.exec(header)?.[1];
const scanned = (header: string): string | undefined => {
  const range = scanCredential(header);
  return range === undefined ? undefined : header.slice(range[0], range[1]);
};
/** Every code unit up to U+3000 (the last white space but the BOM), the BOM, and the units that are never characters. */
const EVERY_UNIT = [...Array.from({ length: 0x3001 }, (_, unit) => String.fromCharCode(unit)), '\ufeff', '\ud800', '\udc00', '\ufffe', '\uffff'];

describe('the access key id scanner, unit by unit', () => {
  it('takes exactly JavaScript\'s white space (\\s) before and after the algorithm, before Credential= and as its end', () => {
    for (const c of EVERY_UNIT) {
      for (const header of [`${c}AWS4-HMAC-SHA256 Credential=AKID`, `AWS4-HMAC-SHA256${c}Credential=AKID`, `AWS4-HMAC-SHA256 x${c}Credential=AKID`, `AWS4-HMAC-SHA256 Credential=AKID${c}x`]) {
        if (scanned(header) !== reference(header)) expect(scanned(header), JSON.stringify(header)).toBe(reference(header));
      }
    }
  });

  it('looks for Credential= only on the algorithm\'s line: a line terminator ends it', () => {
    for (const c of EVERY_UNIT) {
      for (const header of [`AWS4-HMAC-SHA256 a${c}b Credential=AKID`, `AWS4-HMAC-SHA256 Credential=AKID, a${c}b Credential=AKIE`]) {
        if (scanned(header) !== reference(header)) expect(scanned(header), JSON.stringify(header)).toBe(reference(header));
      }
    }
  });

  it('matches the algorithm and Credential= in either case of ASCII letters, and no other character in their place', () => {
    const header = 'AWS4-HMAC-SHA256 x Credential=AKID';
    const places = [...Array.from({ length: 16 }, (_, i) => i), ...Array.from({ length: 11 }, (_, i) => 19 + i)];
    for (const at of places) {
      for (const c of EVERY_UNIT.slice(0, 0x250)) {
        const changed = header.slice(0, at) + c + header.slice(at + 1);
        if (scanned(changed) !== reference(changed)) expect(scanned(changed), JSON.stringify(changed)).toBe(reference(changed));
      }
    }
  });
});

describe('the access key id scanner, at its edges', () => {
  it('reads a header of up to MAX_AUTHORIZATION_LENGTH characters, and nothing of a longer one', () => {
    const at = (length: number) => `AWS4-HMAC-SHA256 ${' '.repeat(length - 36)}Credential=AKIDEDGE`;
    expect(at(MAX_AUTHORIZATION_LENGTH)).toHaveLength(MAX_AUTHORIZATION_LENGTH);
    expect(scanned(at(MAX_AUTHORIZATION_LENGTH))).toBe('AKIDEDGE');
    expect(scanned(at(MAX_AUTHORIZATION_LENGTH + 1))).toBeUndefined();
  });

  it('finds Credential= right after the algorithm, right after the terminator of its line, and at the very end', () => {
    for (const header of ['AWS4-HMAC-SHA256 Credential=A', 'AWS4-HMAC-SHA256 x\nCredential=B', 'AWS4-HMAC-SHA256 x\r\nCredential=C', 'AWS4-HMAC-SHA256 x,Credential=D', 'AWS4-HMAC-SHA256 Credential=E, Credential=']) {
      expect(scanned(header), JSON.stringify(header)).toBe(reference(header));
    }
    expect(scanned('AWS4-HMAC-SHA256 x\nCredential=B')).toBe('B');
  });
});

describe('the access key id a request names', () => {
  it('is 1 to 128 letters and digits', () => {
    expect(isAccessKeyId('A')).toBe(true);
    expect(isAccessKeyId('A'.repeat(128))).toBe(true);
    for (const id of ['', 'A'.repeat(129), 'AKID-1', 'AKID_1', 'AKID 1', 'ÄKID', 'AKID\n']) expect(isAccessKeyId(id), id).toBe(false);
    const scoped = (id: string) => accessKeyIdOf({ authorization: `AWS4-HMAC-SHA256 Credential=${id}/20261123/us-east-1/iam/aws4_request` });
    expect(scoped('A'.repeat(128))).toBe('A'.repeat(128));
    expect(scoped('A'.repeat(129))).toBeUndefined();
  });

  it('comes from the Authorization header when it names one, else from X-Amz-Credential of a presigned URL', () => {
    const presigned = 'Action=ListUsers&X-Amz-Credential=AKIDURL%2F20261123%2Fus-east-1%2Fiam%2Faws4_request';
    expect(accessKeyIdOf({ authorization: 'AWS4-HMAC-SHA256 Credential=AKIDHEADER/20261123/us-east-1/iam/aws4_request' }, presigned)).toBe('AKIDHEADER');
    expect(accessKeyIdOf({ authorization: 'Bearer x' }, presigned)).toBe('AKIDURL');
    expect(accessKeyIdOf({}, presigned)).toBe('AKIDURL');
    expect(accessKeyIdOf(undefined, presigned)).toBe('AKIDURL');
    expect(accessKeyIdOf({}, 'X-Amz-Credential=AKID%20X%2Fscope')).toBeUndefined();
    for (const none of [undefined, '', 'Action=ListUsers', 'X-Amz-Credential=', 'x-amz-credential=AKID%2Fscope']) expect(accessKeyIdOf({}, none), none).toBeUndefined();
  });
});

describe('parseAuthorization, as a verifier reads the header', () => {
  const valid = 'AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab';
  const parts = { credential: 'AKID/20261123/us-east-1/iam/aws4_request', signedHeaders: 'host;x-amz-date', signature: 'ab' };

  it('reads headers up to the cap, and refuses a longer one naming the cap', () => {
    expect(parseAuthorization(valid.padEnd(MAX_AUTHORIZATION_LENGTH, ' '))._unsafeUnwrap()).toEqual(parts);
    expect(parseAuthorization(valid.padEnd(MAX_AUTHORIZATION_LENGTH + 1, ' '))._unsafeUnwrapErr()).toBe(
      `The Authorization header is longer than ${MAX_AUTHORIZATION_LENGTH} characters.`,
    );
  });

  it('ignores spaces around the header and its components, and empty components; the first of a repeated component counts', () => {
    expect(parseAuthorization(` \t${valid.replaceAll(', ', ' ,\t')} , ,`)._unsafeUnwrap()).toEqual(parts);
    expect(parseAuthorization(`AWS4-HMAC-SHA256\tCredential=A,,SignedHeaders=h,Signature=s,Signature=t,Credential=B`)._unsafeUnwrap()).toEqual({
      credential: 'A',
      signedHeaders: 'h',
      signature: 's',
    });
    // A value runs to the next comma: an equal sign in it belongs to it.
    expect(parseAuthorization('AWS4-HMAC-SHA256 Credential=a=b, SignedHeaders=h, Signature=s=')._unsafeUnwrap()).toEqual({ credential: 'a=b', signedHeaders: 'h', signature: 's=' });
  });

  it('reads components only after the exact algorithm name: any other scheme, or none, misses all three', () => {
    const allMissing = (header: string) =>
      `Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=${header}`;
    for (const header of [valid.toLowerCase(), valid.replace('SHA256', 'SHA256x'), 'AWS4-HMAC-SHA256', '', 'Credential=A, SignedHeaders=h, Signature=s']) {
      expect(parseAuthorization(header)._unsafeUnwrapErr(), header).toBe(allMissing(header));
    }
    fc.assert(
      fc.property(fc.subarray(['Credential=A', 'SignedHeaders=h', 'Signature=s'], { minLength: 0, maxLength: 2 }), (present) => {
        const header = `AWS4-HMAC-SHA256 ${present.join(', ')}`;
        const missing = [['Credential=A', 'Credential'], ['Signature=s', 'Signature'], ['SignedHeaders=h', 'SignedHeaders']]
          .filter(([component]) => !present.includes(component as string))
          .map(([, name]) => `Authorization header requires '${name}' parameter.`);
        expect(parseAuthorization(header)._unsafeUnwrapErr()).toBe(`${missing.join(' ')} Authorization=${header}`);
      }),
    );
  });
});
