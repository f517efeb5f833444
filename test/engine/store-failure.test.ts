import { describe, expect, it } from 'vitest';
import {
  createCredentialEngine,
  createInMemoryStore,
  createInMemoryUserDirectory,
  createManualClock,
  createSeededRandom,
  type CredentialStore,
  type UserDirectory,
} from '../../src/index.js';
import { CODECOMMIT, T0, expectError, okOf, serviceFailure } from './support.js';

describe('a failing store', () => {
  it('turns rejected and throwing port calls into ServiceFailure, reports the cause, and writes nothing', async () => {
    const real = createInMemoryStore();
    let broken: 'reject' | 'throw' | undefined;
    const flaky = Object.fromEntries(
      Object.entries(real).map(([name, method]) => [
        name,
        (...args: unknown[]) => {
          if (broken === 'reject') return Promise.reject(new Error(`lost connection in ${name}`));
          if (broken === 'throw') throw new Error(`sync bug in ${name}`);
          return (method as (...a: unknown[]) => unknown).apply(real, args);
        },
      ]),
    ) as unknown as CredentialStore;
    const causes: unknown[] = [];
    const engine = createCredentialEngine({
      store: flaky,
      clock: createManualClock(T0),
      random: createSeededRandom('failure'),
      onInternalError: (cause) => causes.push(cause),
    });
    await okOf(engine.createUser({ UserName: 'alice' }));
    const id = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }))).ServiceSpecificCredential
      .ServiceSpecificCredentialId;
    const before = await real.listCredentials({ accountId: '123456789012', limit: 100 });

    for (const mode of ['reject', 'throw'] as const) {
      broken = mode;
      await expectError(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }), serviceFailure);
      await expectError(engine.resetServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id }), serviceFailure);
      await expectError(engine.updateServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id, Status: 'Inactive' }), serviceFailure);
      await expectError(engine.deleteServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id }), serviceFailure);
      await expectError(engine.listServiceSpecificCredentials({ UserName: 'alice' }), serviceFailure);
      await expectError(engine.deleteUser({ UserName: 'alice' }), serviceFailure);
      const auth = await engine.authenticate({ ServiceName: CODECOMMIT, ServiceUserName: 'alice-at-123456789012', ServicePassword: 'x' });
      expect(auth.isErr() && auth.error.code).toBe('ServiceFailure');
    }
    broken = undefined;
    expect(causes).toHaveLength(14);
    expect(String(causes[0])).toContain('lost connection in createCredential');
    expect(String(causes[7])).toContain('sync bug in createCredential');
    expect(await real.listCredentials({ accountId: '123456789012', limit: 100 })).toEqual(before);
    expect((await okOf(engine.getUser({ UserName: 'alice' }))).User.UserName).toBe('alice');
  });
});

describe('a failing user directory during DeleteUser', () => {
  it('answers ServiceFailure; the deletion stays decided, and the next Create or DeleteUser of the user finishes it', async () => {
    const users = createInMemoryUserDirectory();
    let failDelete = true;
    const flakyUsers: UserDirectory = {
      createUser: (record) => users.createUser(record),
      getUser: (accountId, userName) => users.getUser(accountId, userName),
      listUsers: (query) => users.listUsers(query),
      deleteUser: (accountId, userName, userId) =>
        failDelete ? Promise.reject(new Error('directory unavailable')) : users.deleteUser(accountId, userName, userId),
    };
    const engine = createCredentialEngine({ users: flakyUsers, clock: createManualClock(T0), random: createSeededRandom('directory') });
    const noSuchBob = { code: 'NoSuchEntity', httpStatus: 404, message: 'The user with name bob cannot be found.' };
    await okOf(engine.createUser({ UserName: 'bob' }));
    await expectError(engine.deleteUser({ UserName: 'bob' }), serviceFailure);
    // Not yet finished: the directory still has bob, but no credential can be given to him any more.
    expect((await okOf(engine.getUser({ UserName: 'bob' }))).User.UserName).toBe('bob');
    await expectError(engine.createServiceSpecificCredential({ UserName: 'bob', ServiceName: CODECOMMIT }), noSuchBob);
    failDelete = false;
    await expectError(engine.createServiceSpecificCredential({ UserName: 'bob', ServiceName: CODECOMMIT }), noSuchBob);
    await expectError(engine.getUser({ UserName: 'bob' }), noSuchBob);
  });
});
