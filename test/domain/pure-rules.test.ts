import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatApiKey, parseApiKey } from '../../src/domain/api-key.js';
import { decodeCredentialMarker, decodeUserMarker, encodeCredentialMarker, encodeUserMarker } from '../../src/domain/marker.js';
import { checkQuota, countTowardQuota } from '../../src/domain/quota.js';
import { digestSecret, secretMatchesDigest } from '../../src/domain/secrets.js';
import { accountIdOfServiceUserName, deriveServiceUserName, serviceUserNameKey } from '../../src/domain/service-user-name.js';
import { effectiveStatus, expirationDateFor } from '../../src/domain/expiry.js';
import { formatValidationMessage } from '../../src/domain/validation.js';
import { lookupService, defaultServiceCatalogue } from '../../src/domain/service-catalogue.js';

const userName = fc.stringMatching(/^[\w+=,.@-]{1,64}$/);
const account = fc.stringMatching(/^\d{12}$/);

describe('deriveServiceUserName', () => {
  it('returns the smallest free candidate, never a taken one', () => {
    fc.assert(
      fc.property(userName, account, fc.uniqueArray(fc.nat({ max: 6 }), { maxLength: 6 }), (name, acct, takenSuffixes) => {
        const candidate = (n: number) => (n === 0 ? `${name}-at-${acct}` : `${name}+${n}-at-${acct}`);
        const taken = new Set(takenSuffixes.map((n) => serviceUserNameKey(candidate(n))));
        const derived = deriveServiceUserName(name, acct, (key) => taken.has(key));
        expect(taken.has(serviceUserNameKey(derived))).toBe(false);
        let smallest = 0;
        while (takenSuffixes.includes(smallest)) smallest += 1;
        expect(derived).toBe(candidate(smallest));
        expect(accountIdOfServiceUserName(derived)._unsafeUnwrap()).toBe(acct);
      }),
    );
  });

  it('treats names differing only in case as taken', () => {
    expect(deriveServiceUserName('Alice', '123456789012', (key) => key === 'alice-at-123456789012')).toBe('Alice+1-at-123456789012');
  });
});

describe('API keys', () => {
  it('parse(format(alias, secret)) round-trips', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[\w+=,.@-]{1,200}$/), fc.base64String({ minLength: 4 }), (alias, secret) => {
        expect(parseApiKey('ABSK', formatApiKey('ABSK', alias, secret))._unsafeUnwrap()).toEqual({ alias, secret });
      }),
    );
  });

  it('refuses keys with another prefix, bad base64, or no colon', () => {
    expect(parseApiKey('ABSK', `XXXX${Buffer.from('a:b').toString('base64')}`).isErr()).toBe(true);
    expect(parseApiKey('ABSK', 'ABSK****').isErr()).toBe(true);
    expect(parseApiKey('ABSK', `ABSK${Buffer.from('nocolon').toString('base64')}`).isErr()).toBe(true);
    expect(parseApiKey('ABSK', `ABSK${Buffer.from(':secret').toString('base64')}`).isErr()).toBe(true);
  });
});

describe('markers', () => {
  it('round-trip positions and refuse foreign strings', () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), fc.stringMatching(/^\w{20,128}$/), (createDate, credentialId) => {
        const marker = encodeCredentialMarker({ createDate, credentialId });
        expect(marker).toMatch(/^[A-Za-z0-9_-]{1,320}$/);
        expect(decodeCredentialMarker(marker)._unsafeUnwrap()).toEqual({ createDate, credentialId });
        expect(decodeUserMarker(marker).isErr()).toBe(true);
      }),
    );
    fc.assert(fc.property(fc.string(), (garbage) => void decodeCredentialMarker(garbage)));
    expect(decodeUserMarker(encodeUserMarker('alice+1'))._unsafeUnwrap()).toBe('alice+1');
    expect(decodeCredentialMarker(Buffer.from('c1:9999999999999999:AAAAAAAAAAAAAAAAAAAA').toString('base64url')).isErr()).toBe(true);
  });
});

describe('quota, expiry, digests, catalogue, messages', () => {
  it('counts every credential toward the quota of 2', () => {
    expect(countTowardQuota([1, 2])).toBe(2);
    expect(checkQuota([1]).isOk()).toBe(true);
    expect(checkQuota([1, 2]).isErr()).toBe(true);
  });

  it('computes ExpirationDate in whole UTC days and derives Expired at exactly that instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), fc.integer({ min: 1, max: 36600 }), (created, days) => {
        const expires = expirationDateFor(created, days);
        expect(expires.getTime() - created.getTime()).toBe(days * 86_400_000);
        expect(effectiveStatus('Active', expires, new Date(expires.getTime() - 1))).toBe('Active');
        expect(effectiveStatus('Inactive', expires, expires)).toBe('Expired');
      }),
    );
    expect(effectiveStatus('Inactive', undefined, new Date(8.64e15))).toBe('Inactive');
  });

  it('matches a secret only against its own digest', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(secretMatchesDigest(a, digestSecret(a))).toBe(true);
        expect(secretMatchesDigest(b, digestSecret(a))).toBe(a === b);
      }),
    );
    expect(secretMatchesDigest('x', '')).toBe(false);
  });

  it('looks services up by own property only', () => {
    expect(lookupService(defaultServiceCatalogue, 'codecommit.amazonaws.com')).toEqual({ kind: 'password' });
    expect(lookupService(defaultServiceCatalogue, 'constructor')).toBeUndefined();
  });

  it('formats one and several validation errors as AWS does', () => {
    expect(formatValidationMessage(['a'])).toBe('1 validation error detected: a');
    expect(formatValidationMessage(['a', 'b'])).toBe('2 validation errors detected: a; b');
  });
});
