import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatApiKey, parseApiKey, shownSecret } from '../../src/domain/api-key.js';
import { type ServiceCatalogue, defaultServiceCatalogue, freezeCatalogue } from '../../src/domain/service-catalogue.js';

/** Aliases are ServiceUserNames (`[\w+=,.@-]+`): never a colon. Secrets are base64 of random bytes, but any non-empty text parses. */
const alias = fc.stringMatching(/^[\w+=,.@-]{1,40}$/);
const secret = fc.string({ minLength: 1, maxLength: 40 });
const prefix = fc.constantFrom('ABSK', 'CWLK', 'X');

describe('API keys: accepted exactly when they are a key formatApiKey issues', () => {
  it('every accepted key is the one encoding of a non-empty alias without a colon and a non-empty secret', () => {
    const presented = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.base64String({ maxLength: 40 }).map((payload) => `ABSK${payload}`),
      fc.tuple(alias, secret).map(([a, s]) => formatApiKey('ABSK', a, s)),
      // Issued keys, then damaged: a character dropped, added or changed.
      fc.tuple(alias, secret, fc.nat(), fc.constantFrom('', 'A', '=', '*', '/')).map(([a, s, at, c]) => {
        const key = formatApiKey('ABSK', a, s);
        const index = at % key.length;
        return key.slice(0, index) + c + key.slice(index + 1);
      }),
    );
    fc.assert(
      fc.property(presented, (key) => {
        const parsed = parseApiKey('ABSK', key);
        if (parsed.isOk()) {
          const { alias: a, secret: s } = parsed.value;
          expect(a.length).toBeGreaterThan(0);
          expect(a.includes(':')).toBe(false);
          expect(s.length).toBeGreaterThan(0);
          expect(formatApiKey('ABSK', a, s)).toBe(key);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives back the alias and secret of every key it issues, under any prefix', () => {
    fc.assert(
      fc.property(prefix, alias, secret, (p, a, s) => {
        expect(parseApiKey(p, formatApiKey(p, a, s))._unsafeUnwrap()).toEqual({ alias: a, secret: s });
      }),
    );
  });

  it('refuses a prefix alone, an empty alias or secret, no colon, and a payload that is not canonical base64', () => {
    const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
    const refused = [
      'ABSK',
      '',
      'ABS',
      `ABSK${b64(':')}`,
      `ABSK${b64(':secret')}`,
      `ABSK${b64('alias:')}`,
      `ABSK${b64('alias')}`,
      `ABSK${b64('alias:secret').slice(0, -1)}`, // a length that is not a multiple of 4
      `ABSK${b64('alias:secret')}A`,
      `ABSK${b64('alias:secre').replace(/=+$/, '')}`, // padding dropped
      `absk${b64('alias:secret')}`,
      ` ABSK${b64('alias:secret')}`,
      `ABSK${Buffer.from([0x61, 0x3a, 0xff]).toString('base64')}`, // not UTF-8
    ];
    for (const key of refused) expect(parseApiKey('ABSK', key), key).toEqual(parseApiKey('ABSK', 'ABSK'));
    expect(parseApiKey('ABSK', 'ABSK')._unsafeUnwrapErr()).toBe('malformed API key');
    // The first colon ends the alias; the secret may hold more.
    expect(parseApiKey('ABSK', `ABSK${b64('a:b:c')}`)._unsafeUnwrap()).toEqual({ alias: 'a', secret: 'b:c' });
  });
});

describe('the secret shown once, at Create and Reset', () => {
  it('a catalogue entry keeps only what its kind has', () => {
    expect(Object.keys(defaultServiceCatalogue['codecommit.amazonaws.com'] as object)).toEqual(['kind']);
    expect(defaultServiceCatalogue['bedrock.amazonaws.com']).toEqual({ kind: 'api-key', secretPrefix: 'ABSK' });
    expect(Object.isFrozen(defaultServiceCatalogue['bedrock.amazonaws.com'])).toBe(true);
  });

  it('a caller\'s catalogue is kept as a frozen copy equal to it, entry for entry, each entry with only what its kind has', () => {
    const entry = fc.oneof(
      fc.constant({ kind: 'password' as const }),
      prefix.map((secretPrefix) => ({ kind: 'api-key' as const, secretPrefix })),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z]{1,12}\.amazonaws\.com$/), entry), (entries) => {
        const catalogue: ServiceCatalogue = { ...entries };
        const frozen = freezeCatalogue(catalogue);
        // Strictly equal: a password entry has no secretPrefix member, not even an undefined one.
        expect(frozen).toStrictEqual(catalogue);
        expect(frozen).not.toBe(catalogue);
        expect(Object.isFrozen(frozen)).toBe(true);
        for (const [name, service] of Object.entries(frozen)) {
          expect(Object.isFrozen(service)).toBe(true);
          expect(service).not.toBe(catalogue[name]);
        }
      }),
    );
  });

  it('is a password as it is, and an API key under its service prefix, or ABSK when the service has left the catalogue', () => {
    expect(shownSecret('password', 'alice-at-123456789012', { kind: 'password' }, 'pw')).toBe('pw');
    expect(shownSecret('password', 'alice-at-123456789012', undefined, 'pw')).toBe('pw');
    expect(shownSecret('api-key', 'alice-at-123456789012', { kind: 'api-key', secretPrefix: 'CWLK' }, 's')).toBe(formatApiKey('CWLK', 'alice-at-123456789012', 's'));
    expect(shownSecret('api-key', 'alice-at-123456789012', undefined, 's')).toBe(formatApiKey('ABSK', 'alice-at-123456789012', 's'));
    // A service name now in the catalogue as a password service: the key keeps the default prefix.
    expect(shownSecret('api-key', 'alice-at-123456789012', { kind: 'password' }, 's')).toBe(formatApiKey('ABSK', 'alice-at-123456789012', 's'));
  });
});
