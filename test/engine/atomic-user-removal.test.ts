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
import type { AtomicUserRemoval } from '../../src/ports/user-removal.port.js';
import { CODECOMMIT, T0, expectError, okOf } from './support.js';

/**
 * DeleteUser where the user directory and the credential store share a database (the PostgreSQL and PGlite adapters): the directory's
 * `removeUser` closes the owner and deletes the user in one step, and DeleteUser answers from what that step reports. Here a
 * directory over the in-memory adapters offers the same port, and counts which path DeleteUser takes.
 */
const engineWithAtomicRemoval = (answer?: 'gone') => {
  const store = createInMemoryStore();
  const directory = createInMemoryUserDirectory();
  const calls: string[] = [];
  const removal: AtomicUserRemoval = {
    sharesTransactionsWith: (other) => other === store,
    async removeUser(accountId, userName, userId) {
      calls.push(`removeUser ${userName}`);
      if (answer !== undefined) return answer;
      if ((await store.closeOwner(accountId, userId)) === 'has-credentials') return 'has-credentials';
      return (await directory.deleteUser(accountId, userName, userId)) ? 'deleted' : 'gone';
    },
  };
  const users = Object.assign(Object.create(directory) as UserDirectory, removal, {
    deleteUser: (...args: Parameters<UserDirectory['deleteUser']>) => {
      calls.push('deleteUser');
      return directory.deleteUser(...args);
    },
  });
  const engine = createCredentialEngine({ store, users, clock: createManualClock(T0), random: createSeededRandom('atomic') });
  return { engine, calls };
};

describe('DeleteUser through the directory\'s atomic removal', () => {
  it('is used when the directory shares the store\'s transactions, and answers as the two-step path does', async () => {
    const { engine, calls } = engineWithAtomicRemoval();
    await okOf(engine.createUser({ UserName: 'alice' }));
    const id = (await okOf(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: CODECOMMIT }))).ServiceSpecificCredential.ServiceSpecificCredentialId;
    await expectError(engine.deleteUser({ UserName: 'alice' }), {
      code: 'DeleteConflict',
      httpStatus: 409,
      message: 'Cannot delete entity, must remove referenced objects first.',
    });
    // Refused: nothing changed, the user can still get credentials.
    await okOf(engine.getUser({ UserName: 'alice' }));
    await okOf(engine.deleteServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: id }));
    expect(await okOf(engine.deleteUser({ UserName: 'alice' }))).toEqual({});
    await expectError(engine.getUser({ UserName: 'alice' }), { code: 'NoSuchEntity', httpStatus: 404, message: 'The user with name alice cannot be found.' });
    expect(calls).toEqual(['removeUser alice', 'removeUser alice']);
  });

  it('answers NoSuchEntity when a concurrent DeleteUser removed the user first (gone)', async () => {
    const { engine, calls } = engineWithAtomicRemoval('gone');
    await okOf(engine.createUser({ UserName: 'bob' }));
    await expectError(engine.deleteUser({ UserName: 'bob' }), { code: 'NoSuchEntity', httpStatus: 404, message: 'The user with name bob cannot be found.' });
    expect(calls).toEqual(['removeUser bob']);
  });

  it('is not used for a store of another database: DeleteUser then closes the owner and deletes the user in two steps', async () => {
    const other = createCredentialEngine({
      store: createInMemoryStore() as CredentialStore,
      users: Object.assign(Object.create(createInMemoryUserDirectory()) as UserDirectory, { sharesTransactionsWith: () => false, removeUser: () => Promise.reject(new Error('not ours')) }),
    });
    await okOf(other.createUser({ UserName: 'carol' }));
    expect(await okOf(other.deleteUser({ UserName: 'carol' }))).toEqual({});
    await expectError(other.getUser({ UserName: 'carol' }), { code: 'NoSuchEntity', httpStatus: 404, message: 'The user with name carol cannot be found.' });
  });
});
