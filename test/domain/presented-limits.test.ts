import { describe, expect, it } from 'vitest';
import { MAX_AUTHORIZATION_LENGTH, MAX_SASL_PLAIN_LENGTH, parseHttpAuthorization, parseSaslPlain } from '../../src/domain/presented-credential.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('what a front door reads of a presented credential, at its limits', () => {
  it('an Authorization header of up to 8 KiB is read, a longer one is not', () => {
    const header = basic('alice-at-123456789012', 'pw');
    const atLimit = header + ' '.repeat(MAX_AUTHORIZATION_LENGTH - header.length);
    expect(atLimit).toHaveLength(8192);
    expect(parseHttpAuthorization(atLimit)._unsafeUnwrap()).toEqual({ kind: 'password', userName: 'alice-at-123456789012', password: 'pw' });
    expect(parseHttpAuthorization(`${atLimit} `)._unsafeUnwrapErr().detail).toBe('malformed credentials: Authorization header too long');
  });

  it('a SASL PLAIN token of up to 4 KiB is read, a longer one is not', () => {
    const prefix = '\0alice-at-123456789012\0';
    const atLimit = prefix + 'p'.repeat(MAX_SASL_PLAIN_LENGTH - prefix.length);
    expect(MAX_SASL_PLAIN_LENGTH).toBe(4096);
    expect(parseSaslPlain(atLimit).isOk()).toBe(true);
    expect(parseSaslPlain(Buffer.from(`${atLimit}p`))._unsafeUnwrapErr().detail).toBe('malformed credentials: SASL token too long');
    // Bytes, not characters: a 2-byte character counts twice.
    expect(parseSaslPlain(`${atLimit.slice(0, -1)}é`)._unsafeUnwrapErr().detail).toBe('malformed credentials: SASL token too long');
  });

  it('a header must start with its scheme, and each refusal names its reason', () => {
    const reasons = (header: unknown) => parseHttpAuthorization(header)._unsafeUnwrapErr().detail;
    expect(reasons(` ${basic('a', 'b')}`)).toBe('malformed credentials: no scheme');
    expect(reasons('Basic')).toBe('malformed credentials: no scheme');
    expect(reasons(undefined)).toBe('malformed credentials: no Authorization header');
    expect(reasons('Digest abc')).toBe('malformed credentials: unsupported scheme');
    expect(reasons('Bearer a b')).toBe('malformed credentials: Bearer token is not a token68');
    expect(reasons('Basic ')).toBe('malformed credentials: Basic credentials are not base64');
    expect(reasons(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBe('malformed credentials: Basic credentials have no colon');
    expect(reasons(`Basic ${Buffer.from([0xff, 0x3a, 0x61]).toString('base64')}`)).toBe('malformed credentials: not UTF-8');
    expect(reasons(basic('', 'pw'))).toBe('malformed credentials: empty user name or password');
    expect(reasons(basic('user', ''))).toBe('malformed credentials: empty user name or password');
    expect(parseHttpAuthorization('bEaReR   ABSKabc=  ')._unsafeUnwrap()).toEqual({ kind: 'api-key', apiKey: 'ABSKabc=' });
    const sasl = (token: unknown) => parseSaslPlain(token)._unsafeUnwrapErr().detail;
    expect(sasl(42)).toBe('malformed credentials: no SASL token');
    expect(sasl('a\0b')).toBe('malformed credentials: SASL PLAIN needs exactly two NULs');
    expect(sasl('a\0b\0c\0')).toBe('malformed credentials: SASL PLAIN needs exactly two NULs');
    expect(sasl('other\0alice\0pw')).toBe('malformed credentials: SASL authorization identity differs from the user');
    expect(parseSaslPlain('alice\0alice\0pw')._unsafeUnwrap()).toEqual({ kind: 'password', userName: 'alice', password: 'pw' });
  });
});
