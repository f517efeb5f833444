import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCredentialMarker, decodeUserMarker, encodeCredentialMarker, encodeUserMarker } from '../../src/domain/marker.js';

const encode = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
/** The largest instant a Date holds, in ms either side of the epoch (16 digits). */
const MAX_MS = 8_640_000_000_000_000;

describe('credential markers: c1:<epoch ms>:<id>, base64url, and nothing else', () => {
  it('decode every position they encode, from the first instant a Date holds to the last', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_MS, max: MAX_MS }), fc.stringMatching(/^\w{1,128}$/), (ms, credentialId) => {
        const position = { createDate: new Date(ms), credentialId };
        expect(decodeCredentialMarker(encodeCredentialMarker(position))._unsafeUnwrap()).toEqual(position);
      }),
    );
    for (const ms of [MAX_MS, -MAX_MS, 0]) expect(decodeCredentialMarker(encode(`c1:${ms}:A`))._unsafeUnwrap().createDate.getTime()).toBe(ms);
  });

  it('refuse any text that is not the version, an instant a Date holds in whole ms (as it prints), and an id of 1 to 128 word characters', () => {
    const refused = [
      'c1:0:',
      'c1::A',
      'c1:-:A',
      'c1:1.5:A',
      'c1:0:A-B',
      'c1:0:A B',
      'c1:0:A:B',
      'xc1:0:A',
      'c1:0:A\n',
      'c1:0:A ',
      ' c1:0:A',
      'c2:0:A',
      'u1:alice',
      'c1:0',
      `c1:0:${'A'.repeat(129)}`,
      `c1:${MAX_MS + 1}:A`,
      `c1:-${MAX_MS + 1}:A`,
      'c1:12345678901234567:A',
      // A position has one spelling: no leading zeros, no -0.
      'c1:01:A',
      'c1:00000000000000001:A',
      'c1:-0:A',
      'c1:+1:A',
      '',
    ];
    for (const text of refused) expect(decodeCredentialMarker(encode(text)), text).toEqual(decodeCredentialMarker(encode('')));
    expect(decodeCredentialMarker(encode(''))._unsafeUnwrapErr()).toBe('not a marker we issue');
    expect(decodeCredentialMarker(encode(`c1:0:${'A'.repeat(128)}`)).isOk()).toBe(true);
    expect(decodeCredentialMarker(encode('c1:-1:A_9'))._unsafeUnwrap()).toEqual({ createDate: new Date(-1), credentialId: 'A_9' });
  });

  it('are only their canonical base64url spelling: padding, standard base64 and stray characters are refused', () => {
    const marker = encodeCredentialMarker({ createDate: new Date(0), credentialId: 'ACCAEXAMPLE' });
    expect(decodeCredentialMarker(marker).isOk()).toBe(true);
    for (const spelling of [`${marker}=`, `${marker}==`, ` ${marker}`, `${marker}.`, Buffer.from('c1:0:ACCAEXAMPLE?').toString('base64')]) {
      expect(decodeCredentialMarker(spelling).isErr(), spelling).toBe(true);
    }
    fc.assert(
      fc.property(fc.string(), (text) => {
        const decoded = decodeCredentialMarker(text);
        if (decoded.isOk()) expect(encode(Buffer.from(text, 'base64url').toString('utf8'))).toBe(text);
      }),
    );
  });
});

describe('user markers: u1:<case-folded user name>', () => {
  it('decode every user name key they encode, and nothing but a user name after the version', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[\w+=,.@-]{1,64}$/), (key) => {
        expect(decodeUserMarker(encodeUserMarker(key))._unsafeUnwrap()).toBe(key);
        expect(decodeCredentialMarker(encodeUserMarker(key)).isErr()).toBe(true);
      }),
    );
    for (const text of ['u1:', 'U1:a', `u1:${'a'.repeat(65)}`, 'xu1:a', 'u1:a b', 'u1:a\n', 'u2:a', 'c1:0:A', 'u1:a/b']) {
      expect(decodeUserMarker(encode(text)), text).toEqual(decodeUserMarker(encode('')));
    }
    expect(decodeUserMarker(encode(''))._unsafeUnwrapErr()).toBe('not a marker we issue');
    expect(decodeUserMarker(encode(`u1:${'a'.repeat(64)}`))._unsafeUnwrap()).toBe('a'.repeat(64));
    expect(decodeUserMarker(`${encodeUserMarker('alice')}=`).isErr()).toBe(true);
  });
});
