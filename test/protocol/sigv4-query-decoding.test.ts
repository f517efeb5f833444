/**
 * The signature check and the Query handler read a query string one way: `+` is a space, `%2B` a plus, `%20` a space (AWS's form
 * decoding, query/form.ts). So a signed query string cannot be changed into one the handler reads differently: a `+`, `%2B` or `%20`
 * swapped for another either breaks the signature or is read as the same value.
 */
import type { HttpRequest } from '@smithy/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachFormPair } from '../../src/protocol/query/form.js';
import { type SignedRequest, verifySignature } from '../../src/protocol/sigv4/verify-signature.js';
import { KEY_A, SECRETS, asReceived, signer } from './sigv4-support.js';

const NOW = new Date('2026-11-30T12:00:00Z');

const getUser = (userName: string): HttpRequest => ({
  method: 'GET',
  protocol: 'http:',
  hostname: '127.0.0.1',
  path: '/',
  query: { Action: 'GetUser', Version: '2010-05-08', UserName: userName },
  headers: { host: '127.0.0.1:4599' },
});

/** The request as a client sends it: the SDK's signature over the query, spelled with `%20` for a space and `%2B` for a plus. */
const signedGetUser = async (userName: string): Promise<SignedRequest> => asReceived(await signer(KEY_A).sign(getUser(userName), { signingDate: NOW }), NOW);

/** What the Query handler reads as UserName (the last one, as it keeps the last of a repeated name); undefined when malformed. */
const userNameRead = (queryString: string): string | undefined => {
  let read: string | undefined;
  const wellFormed = forEachFormPair(queryString, {
    add: (name, value) => {
      if (name === 'UserName') read = value;
    },
  });
  return wellFormed ? read : undefined;
};

const verifies = async (request: SignedRequest): Promise<boolean | string> => {
  const outcome = await verifySignature(request, SECRETS);
  return outcome.isOk() || outcome.error.code;
};

/** Every `+`, `%2B` and `%20` of a text, with where it starts. */
const SPELLINGS = ['+', '%2B', '%20'] as const;
const spellingsIn = (text: string): { at: number; spelling: string }[] => {
  const found: { at: number; spelling: string }[] = [];
  for (let at = 0; at < text.length; ) {
    const spelling = SPELLINGS.find((candidate) => text.startsWith(candidate, at) || text.startsWith(candidate.toLowerCase(), at));
    if (spelling === undefined) at += 1;
    else {
      found.push({ at, spelling: text.slice(at, at + spelling.length) });
      at += spelling.length;
    }
  }
  return found;
};

describe('a signed query string is read once, the same way, by the signature check and the handler', () => {
  it('GetUser UserName=a%2Bb with %2B replaced by + is refused (SignatureDoesNotMatch), not read as "a b"', async () => {
    const signed = await signedGetUser('a+b');
    expect(signed.queryString).toContain('UserName=a%2Bb');
    expect(await verifies(signed)).toBe(true);
    expect(userNameRead(signed.queryString)).toBe('a+b');
    const tampered = { ...signed, queryString: signed.queryString.replace('a%2Bb', 'a+b') };
    expect(userNameRead(tampered.queryString)).toBe('a b');
    expect(await verifies(tampered)).toBe('SignatureDoesNotMatch');
  });

  it('a space signed as %20 may arrive as + (both read as a space by both sides)', async () => {
    const signed = await signedGetUser('a b');
    expect(signed.queryString).toContain('UserName=a%20b');
    const spelledWithPlus = { ...signed, queryString: signed.queryString.replace('a%20b', 'a+b') };
    expect(await verifies(spelledWithPlus)).toBe(true);
    expect(userNameRead(spelledWithPlus.queryString)).toBe('a b');
  });

  it('property: sign then read gives the value signed; any +, %2B, %20 swapped for another fails or reads the same', async () => {
    const value = fc
      .array(fc.oneof(fc.constantFrom('+', ' ', '%', '=', '&', 'a', 'Z', '~', '%2B', '%20', '/'), fc.string({ unit: 'grapheme', maxLength: 2 })), {
        maxLength: 10,
      })
      .map((parts) => parts.join(''));
    let swapsTried = 0;
    let swapsRefused = 0;
    await fc.assert(
      fc.asyncProperty(value, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...SPELLINGS)), { minLength: 1, maxLength: 3 }), async (userName, swaps) => {
        const signed = await signedGetUser(userName);
        expect(await verifies(signed)).toBe(true);
        expect(userNameRead(signed.queryString)).toBe(userName);
        let queryString = signed.queryString;
        for (const [pick, replacement] of swaps) {
          const found = spellingsIn(queryString);
          if (found.length === 0) break;
          const { at, spelling } = found[pick % found.length]!;
          queryString = `${queryString.slice(0, at)}${replacement}${queryString.slice(at + spelling.length)}`;
        }
        if (queryString === signed.queryString) return;
        swapsTried += 1;
        const outcome = await verifies({ ...signed, queryString });
        if (outcome === true) expect(userNameRead(queryString)).toBe(userName);
        else {
          swapsRefused += 1;
          expect(outcome).toBe('SignatureDoesNotMatch');
        }
      }),
      { numRuns: 300 },
    );
    // Not vacuous: swaps were made, and some of them (a plus spelled +) had to be refused.
    expect(swapsTried).toBeGreaterThan(50);
    expect(swapsRefused).toBeGreaterThan(0);
  });
});
