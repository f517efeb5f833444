import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareCredentialPositions,
  compareListingOrder,
  type CredentialRecord,
  isCredentialPosition,
  toCredentialMetadata,
  toIssuedCredential,
} from '../../src/domain/credential.js';

const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

describe('the listing order: by CreateDate, then by id', () => {
  it('orders positions by time, ties by id (code-unit order), and only equal positions compare equal', () => {
    const time = fc.integer({ min: -5, max: 5 });
    const id = fc.constantFrom('ACCA1', 'ACCA2', 'ACCAA', 'ACCAa', 'ACCA', 'B');
    fc.assert(
      fc.property(time, id, time, id, (ta, ia, tb, ib) => {
        const expected = ta !== tb ? Math.sign(ta - tb) : ia === ib ? 0 : ia < ib ? -1 : 1;
        expect(Math.sign(compareListingOrder(ta, ia, tb, ib))).toBe(expected);
        expect(Math.sign(compareCredentialPositions({ createDate: new Date(ta), credentialId: ia }, { createDate: new Date(tb), credentialId: ib }))).toBe(expected);
      }),
    );
  });

  it('a marker position must be an instant IAM can print: years 0001 to 9999', () => {
    const at = (ms: number) => isCredentialPosition({ createDate: new Date(ms), credentialId: 'ACCA' });
    expect([at(EARLIEST - 1), at(EARLIEST), at(0), at(LATEST), at(LATEST + 1), at(Number.NaN)]).toEqual([false, true, true, true, false, false]);
  });
});

describe('what a credential answers with', () => {
  const record = (kind: 'password' | 'api-key', expirationDate?: Date): CredentialRecord => ({
    accountId: '123456789012',
    credentialId: 'ACCAEXAMPLE',
    ownerId: 'AIDAEXAMPLE',
    userName: 'alice',
    serviceName: kind === 'password' ? 'codecommit.amazonaws.com' : 'bedrock.amazonaws.com',
    kind,
    serviceUserName: 'alice-at-123456789012',
    secretDigest: 'digest',
    status: 'Inactive',
    createDate: new Date('2026-01-01T00:00:00Z'),
    ...(expirationDate === undefined ? {} : { expirationDate }),
  });
  const now = new Date('2026-01-02T00:00:00Z');

  it('names a password credential by ServiceUserName and an API key by alias, with Expired derived from the clock; dates are copies', () => {
    const password = record('password');
    const listed = toCredentialMetadata(password, now);
    expect(listed).toEqual({
      UserName: 'alice',
      Status: 'Inactive',
      ServiceUserName: 'alice-at-123456789012',
      CreateDate: password.createDate,
      ServiceSpecificCredentialId: 'ACCAEXAMPLE',
      ServiceName: 'codecommit.amazonaws.com',
    });
    expect(listed.CreateDate).not.toBe(password.createDate);
    const key = record('api-key', now);
    const listedKey = toCredentialMetadata(key, now);
    expect(listedKey).toEqual({
      UserName: 'alice',
      Status: 'Expired',
      ServiceCredentialAlias: 'alice-at-123456789012',
      CreateDate: key.createDate,
      ExpirationDate: now,
      ServiceSpecificCredentialId: 'ACCAEXAMPLE',
      ServiceName: 'bedrock.amazonaws.com',
    });
    expect(listedKey.ExpirationDate).not.toBe(now);
  });

  it('shows the secret once, under the member of its kind', () => {
    const expires = new Date('2026-02-01T00:00:00Z');
    const issuedKey = toIssuedCredential(record('api-key', expires), 'ABSK…', now);
    expect(issuedKey).toEqual({
      CreateDate: new Date('2026-01-01T00:00:00Z'),
      ExpirationDate: expires,
      ServiceName: 'bedrock.amazonaws.com',
      ServiceCredentialAlias: 'alice-at-123456789012',
      ServiceCredentialSecret: 'ABSK…',
      ServiceSpecificCredentialId: 'ACCAEXAMPLE',
      UserName: 'alice',
      Status: 'Inactive',
    });
    expect(issuedKey.ExpirationDate).not.toBe(expires);
    const issuedPassword = toIssuedCredential(record('password'), 'pw', now);
    expect(issuedPassword).toEqual({
      CreateDate: new Date('2026-01-01T00:00:00Z'),
      ServiceName: 'codecommit.amazonaws.com',
      ServiceUserName: 'alice-at-123456789012',
      ServicePassword: 'pw',
      ServiceSpecificCredentialId: 'ACCAEXAMPLE',
      UserName: 'alice',
      Status: 'Inactive',
    });
    expect(Object.hasOwn(issuedPassword, 'ExpirationDate')).toBe(false);
  });
});
