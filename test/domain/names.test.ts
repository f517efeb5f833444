import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAccountId } from '../../src/domain/account.js';
import { accountIdOfServiceUserName, deriveServiceUserName, serviceUserNameFamilyPrefixes } from '../../src/domain/service-user-name.js';
import { isUserName, toUser, userNameKey } from '../../src/domain/user.js';

const DIGITS = '0123456789';
const NAME_CHARACTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-';
const isAll = (text: string, allowed: string): boolean => [...text].every((c) => allowed.includes(c));

/** Text that sits near the rules: digits, name characters, and a few that are neither (space, colon, slash, non-ASCII digits). */
const nearText = (maxLength: number) =>
  fc.array(fc.constantFrom('0', '1', '9', 'a', 'Z', '_', '+', '=', ',', '.', '@', '-', ' ', ':', '/', '\n', '٣', 'é'), { maxLength }).map((cs) => cs.join(''));

describe('account ids: exactly 12 ASCII digits', () => {
  it('accepts a string exactly when it is 12 ASCII digits', () => {
    fc.assert(
      fc.property(fc.oneof(nearText(14), fc.stringMatching(/^\d{10,14}$/), fc.string()), (text) => {
        expect(isAccountId(text)).toBe(text.length === 12 && isAll(text, DIGITS));
      }),
      { numRuns: 500 },
    );
    for (const text of ['123456789012x', 'x123456789012', '12345678901', '1234567890123', '123456789012\n', '']) expect(isAccountId(text), text).toBe(false);
    expect(isAccountId('000000000000')).toBe(true);
  });

  it('is never anything but a string', () => {
    for (const value of [123456789012, null, undefined, ['123456789012'], { toString: () => '123456789012' }]) expect(isAccountId(value)).toBe(false);
  });
});

describe('user names: 1 to 64 of [\\w+=,.@-]', () => {
  it('accepts a string exactly when it has 1 to 64 characters, each a letter, digit or one of _+=,.@-', () => {
    fc.assert(
      fc.property(fc.oneof(nearText(70), fc.stringMatching(/^[\w+=,.@-]{60,70}$/), fc.string()), (text) => {
        expect(isUserName(text)).toBe(text.length >= 1 && text.length <= 64 && isAll(text, NAME_CHARACTERS));
      }),
      { numRuns: 500 },
    );
    expect(isUserName('a'.repeat(64))).toBe(true);
    expect(isUserName('a'.repeat(65))).toBe(false);
    expect(isUserName('')).toBe(false);
    expect(isUserName(42)).toBe(false);
  });

  it('are one name whatever their case, and answers carry the name as it was created', () => {
    expect(userNameKey('Alice')).toBe(userNameKey('aLICE'));
    const createDate = new Date('2026-01-01T00:00:00Z');
    const user = toUser({ accountId: '123456789012', userName: 'Alice', userId: 'AIDAEXAMPLE', path: '/team/', createDate });
    expect(user).toEqual({ Path: '/team/', UserName: 'Alice', UserId: 'AIDAEXAMPLE', Arn: 'arn:aws:iam::123456789012:user/team/Alice', CreateDate: createDate });
    // A copy: changing the answer changes no record.
    expect(user.CreateDate).not.toBe(createDate);
  });
});

describe('presented ServiceUserNames and aliases', () => {
  it('name their account exactly when they are a name we could issue: [\\w+=,.@-] characters, -at-, 12 digits, at most 144 long', () => {
    const candidate = fc.oneof(
      fc.tuple(fc.stringMatching(/^[\w+=,.@-]{1,64}$/), fc.nat({ max: 9 }), fc.stringMatching(/^\d{12}$/)).map(([user, n, account]) =>
        n === 0 ? `${user}-at-${account}` : `${user}+${n}-at-${account}`,
      ),
      fc.tuple(nearText(10), fc.constantFrom('-at-', '-AT-', '-at', 'at-', ''), nearText(14)).map(([a, b, c]) => a + b + c),
      fc.string(),
    );
    fc.assert(
      fc.property(candidate, (name) => {
        const suffix = /-at-(\d{12})$/.exec(name);
        const expected =
          name.length <= 144 && isAll(name, NAME_CHARACTERS) && suffix !== null && suffix.index > 0 && isAll(suffix[1] as string, DIGITS);
        const answer = accountIdOfServiceUserName(name);
        expect(answer.isOk(), name).toBe(expected);
        if (answer.isOk()) expect(answer.value).toBe(name.slice(-12));
      }),
      { numRuns: 500 },
    );
    const longest = `${'a'.repeat(128)}-at-123456789012`;
    expect(accountIdOfServiceUserName(longest)._unsafeUnwrap()).toBe('123456789012');
    expect(accountIdOfServiceUserName(`a${longest}`).isErr()).toBe(true);
    expect(accountIdOfServiceUserName('-at-123456789012').isErr()).toBe(true);
    expect(accountIdOfServiceUserName('a-at-1234567890123').isErr()).toBe(true);
    expect(accountIdOfServiceUserName('a-at-12345678901')._unsafeUnwrapErr()).toBe('not a service user name');
    expect(accountIdOfServiceUserName('a b-at-123456789012')._unsafeUnwrapErr()).toBe('not a service user name');
    expect(accountIdOfServiceUserName('a b-at-123456789012').isErr()).toBe(true);
    expect(accountIdOfServiceUserName('a-at-123456789012 ').isErr()).toBe(true);
  });

  it('of a user are one family: every candidate of deriveServiceUserName starts with one of its two prefixes, without regard to case', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[\w+=,.@-]{1,20}$/), fc.nat({ max: 5 }), (user, taken) => {
        const name = deriveServiceUserName(user, '123456789012', (key) => {
          const suffix = /\+(\d+)-at-/.exec(key)?.[1];
          return Number(suffix ?? 0) < taken && key.startsWith(user.toLowerCase());
        });
        const key = name.toLowerCase();
        const [plain, numbered] = serviceUserNameFamilyPrefixes(user);
        expect(key.startsWith(plain) || key.startsWith(numbered)).toBe(true);
        expect(plain).toBe(`${user}-at-`.toLowerCase());
        expect(numbered).toBe(`${user}+`.toLowerCase());
      }),
    );
  });
});
