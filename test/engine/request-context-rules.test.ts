import fc from 'fast-check';
import type { ResultAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import {
  authenticateHttpAuthorization,
  authenticateSaslPlain,
  createCredentialEngine,
  createInMemoryStore,
  createInMemoryUserDirectory,
  type CredentialEngine,
  type IamError,
  type UserDirectory,
} from '../../src/index.js';
import { ACCOUNT, CODECOMMIT, errOf, expectError, okOf, serviceFailure, setup } from './support.js';

const ID = 'ACCAAAAAAAAAAAAAAAAAA';

/** Every operation that acts in an account, called with a valid request. */
const operations: Record<string, (engine: CredentialEngine, ctx: { accountId?: string; callerUserName?: string }) => ResultAsync<unknown, IamError>> = {
  createUser: (e, ctx) => e.createUser({ UserName: 'alice' }, ctx),
  getUser: (e, ctx) => e.getUser({ UserName: 'alice' }, ctx),
  listUsers: (e, ctx) => e.listUsers({}, ctx),
  deleteUser: (e, ctx) => e.deleteUser({ UserName: 'alice' }, ctx),
  create: (e, ctx) => e.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }, ctx),
  list: (e, ctx) => e.listServiceSpecificCredentials({ UserName: 'alice' }, ctx),
  reset: (e, ctx) => e.resetServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: ID }, ctx),
  update: (e, ctx) => e.updateServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: ID, Status: 'Inactive' }, ctx),
  delete: (e, ctx) => e.deleteServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: ID }, ctx),
};

describe('the request context', () => {
  it('every operation refuses an account that is not 12 digits with InvalidInput naming it, and changes nothing', async () => {
    const { engine } = setup();
    await okOf(engine.createUser({ UserName: 'alice' }));
    const badAccount = fc.oneof(
      fc.string({ maxLength: 14 }).filter((text) => !/^\d{12}$/.test(text)),
      fc.constantFrom<unknown>(123456789012, true, {}, ['123456789012']),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(operations)), badAccount, async (name, accountId) => {
        const outcome = await (operations[name] as (typeof operations)[string])(engine, { accountId: accountId as string });
        expect(outcome._unsafeUnwrapErr()).toEqual({
          code: 'InvalidInput',
          httpStatus: 400,
          type: 'Sender',
          message: `Invalid account id ${JSON.stringify(accountId)}: expected 12 digits.`,
        });
      }),
      { numRuns: 60 },
    );
    expect((await okOf(engine.listUsers())).Users.map((user) => user.UserName)).toEqual(['alice']);
  });

  it('a callerUserName of null reads as absent, as every null member does: UserName must then be given', async () => {
    const { engine } = setup();
    await okOf(engine.createUser({ UserName: 'alice' }));
    const ctx = { callerUserName: null as unknown as string };
    const expected = { code: 'ValidationError', httpStatus: 400, message: 'Must specify userName when calling with non-User credentials' };
    await expectError(engine.getUser({}, ctx), expected);
    await expectError(engine.listServiceSpecificCredentials({}, ctx), expected);
    await expectError(engine.deleteServiceSpecificCredential({ ServiceSpecificCredentialId: ID }, ctx), expected);
    expect((await okOf(engine.getUser({}, { callerUserName: 'alice' }))).User.UserName).toBe('alice');
  });
});

describe('Create racing DeleteUser', () => {
  it('answers NoSuchEntity for the user when the store finds its owner closed after the user was found', async () => {
    const store = createInMemoryStore();
    const users = createInMemoryUserDirectory();
    const engine = createCredentialEngine({ store, users });
    const user = (await okOf(engine.createUser({ UserName: 'alice' }))).User;
    // DeleteUser's first step, between Create's user lookup and its store call.
    expect(await store.closeOwner(ACCOUNT, user.UserId)).toBe('closed');
    await expectError(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'The user with name alice cannot be found.',
    });
    expect((await store.listCredentials({ accountId: ACCOUNT, limit: 10 })).items).toEqual([]);
  });
});

describe('DeleteUser when the directory fails', () => {
  it('answers ServiceFailure and reports the cause; the closure stays, so a Create is refused and tries to finish the deletion', async () => {
    const store = createInMemoryStore();
    const directory = createInMemoryUserDirectory();
    const users: UserDirectory = Object.assign(Object.create(directory) as UserDirectory, {
      deleteUser: () => Promise.reject(new Error('directory unavailable')),
    });
    const causes: unknown[] = [];
    const engine = createCredentialEngine({ store, users, onInternalError: (cause) => causes.push(cause) });
    await okOf(engine.createUser({ UserName: 'bob' }));
    await expectError(engine.deleteUser({ UserName: 'bob' }), serviceFailure);
    expect(causes.map((cause) => (cause as Error).message)).toEqual(['directory unavailable']);
    await expectError(engine.createServiceSpecificCredential({ UserName: 'bob', ServiceName: 'codecommit.amazonaws.com' }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'The user with name bob cannot be found.',
    });
    expect(causes.map((cause) => (cause as Error).message)).toEqual(['directory unavailable', 'directory unavailable']);
    expect((await store.listCredentials({ accountId: ACCOUNT, limit: 10 })).items).toEqual([]);
  });
});

describe('front-door verification of a missing request', () => {
  it('is the one AuthenticationFailed, never a throw', async () => {
    const { engine } = setup();
    for (const failure of [
      await errOf(authenticateHttpAuthorization(engine, null as never)),
      await errOf(authenticateHttpAuthorization(engine, undefined as never)),
      await errOf(authenticateSaslPlain(engine, null as never)),
      await errOf(authenticateSaslPlain(engine, undefined as never)),
    ]) {
      expect(failure).toMatchObject({ code: 'AuthenticationFailed', httpStatus: 403 });
    }
  });
});
