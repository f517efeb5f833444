import fc from 'fast-check';
import type { Result } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import {
  createCredentialEngine,
  createInMemoryStore,
  createInMemoryUserDirectory,
  createManualClock,
  createSeededRandom,
  type CredentialEngine,
  type CredentialStore,
  type IamError,
  type UserDirectory,
} from '../../src/index.js';
import type { AtomicUserRemoval } from '../../src/ports/user-removal.port.js';
import type { UserResolvingStore } from '../../src/ports/user-resolving-store.port.js';
import { T0 } from './support.js';

/**
 * A store and a directory that share one "database", in memory: the store offers `UserResolvingStore` (it finds the user by name
 * itself, as the PostgreSQL and PGlite stores do in their statements) and the directory `AtomicUserRemoval`. The engine then
 * takes the named-user path of `app/subject-user.ts`, which must answer exactly as the path that looks the user up first.
 */
const sharedDatabase = (): { store: CredentialStore & UserResolvingStore; users: UserDirectory & AtomicUserRemoval } => {
  const credentials = createInMemoryStore();
  const directory = createInMemoryUserDirectory();
  const store: CredentialStore & UserResolvingStore = {
    ...credentials,
    async createCredentialOfUser(command) {
      const user = await directory.getUser(command.accountId, command.userNameKey);
      if (user === undefined) return { outcome: 'no-such-user' };
      const owner = { userId: user.userId, userName: user.userName };
      return credentials.createCredential({
        accountId: command.accountId,
        ownerId: owner.userId,
        userName: owner.userName,
        serviceName: command.serviceName,
        decide: (snapshot) => command.decide(owner, snapshot),
      });
    },
    async deleteCredentialOfUser(accountId, userNameKey, credentialId) {
      const user = await directory.getUser(accountId, userNameKey);
      if (user === undefined) return 'no-such-user';
      return (await credentials.deleteCredential(accountId, credentialId, user.userId)) ? 'deleted' : 'no-such-credential';
    },
    async getCredentialOfUser(accountId, userNameKey, credentialId) {
      const user = await directory.getUser(accountId, userNameKey);
      if (user === undefined) return 'no-such-user';
      const record = await credentials.getCredential(accountId, credentialId);
      return record === undefined || record.ownerId !== user.userId ? 'no-such-credential' : record;
    },
    async listCredentialsOfUser(userNameKey, query) {
      const user = await directory.getUser(query.accountId, userNameKey);
      if (user === undefined) return 'no-such-user';
      return credentials.listCredentials({ ...query, ownerId: user.userId });
    },
  };
  const users: UserDirectory & AtomicUserRemoval = {
    ...directory,
    sharesTransactionsWith: (other) => other === store,
    async removeUser(accountId, userName, userId) {
      if ((await credentials.closeOwner(accountId, userId)) === 'has-credentials') return 'has-credentials';
      return (await directory.deleteUser(accountId, userName, userId)) ? 'deleted' : 'gone';
    },
  };
  return { store, users };
};

const NAMES = ['alice', 'ALICE', 'bob', 'carol'];
const SERVICES = ['codecommit.amazonaws.com', 'cassandra.amazonaws.com', 'bedrock.amazonaws.com', 'nope.amazonaws.com'];

const opArb = fc.oneof(
  fc.record({ kind: fc.constant('createUser' as const), name: fc.constantFrom(...NAMES) }),
  fc.record({ kind: fc.constant('deleteUser' as const), name: fc.constantFrom(...NAMES) }),
  fc.record({
    kind: fc.constant('create' as const),
    name: fc.constantFrom(...NAMES),
    service: fc.constantFrom(...SERVICES),
    days: fc.option(fc.constantFrom(1, 30), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('list' as const),
    name: fc.constantFrom(...NAMES),
    service: fc.option(fc.constantFrom(...SERVICES), { nil: undefined }),
    marker: fc.option(fc.constant('not-a-marker'), { nil: undefined }),
  }),
  fc.record({ kind: fc.constantFrom('delete' as const, 'reset' as const, 'update' as const), name: fc.constantFrom(...NAMES), pick: fc.nat() }),
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

/** An answer with what differs by design between two engines (ids, secrets, dates) left out. */
const comparable = (result: Result<unknown, IamError>): unknown => {
  if (result.isErr()) return { code: result.error.code, message: result.error.message.replace(/ACCA[A-Z0-9]{17}/g, 'ID') };
  return JSON.parse(
    JSON.stringify(result.value, (key, value: unknown) =>
      ['ServiceSpecificCredentialId', 'ServicePassword', 'ServiceCredentialSecret', 'UserId', 'CreateDate', 'ExpirationDate', 'Arn'].includes(key)
        ? typeof value
        : value,
    ),
  );
};

/** Runs the operations on one engine; a credential is picked among those this engine created (each engine its own ids). */
const replay = async (engine: CredentialEngine, ops: readonly Op[]): Promise<unknown[]> => {
  const ids: string[] = [];
  const answers: unknown[] = [];
  for (const op of ops) {
    let result: Result<unknown, IamError>;
    switch (op.kind) {
      case 'createUser':
        result = await engine.createUser({ UserName: op.name });
        break;
      case 'deleteUser':
        result = await engine.deleteUser({ UserName: op.name });
        break;
      case 'create': {
        const created = await engine.createServiceSpecificCredential({
          UserName: op.name,
          ServiceName: op.service,
          ...(op.days === undefined ? {} : { CredentialAgeDays: op.days }),
        });
        if (created.isOk()) ids.push(created.value.ServiceSpecificCredential.ServiceSpecificCredentialId);
        result = created;
        break;
      }
      case 'list':
        result = await engine.listServiceSpecificCredentials({
          UserName: op.name,
          ...(op.service === undefined ? {} : { ServiceName: op.service }),
          ...(op.marker === undefined ? {} : { Marker: op.marker }),
        });
        break;
      default: {
        // One pick in four names an id no engine issued.
        const id = op.pick % 4 === 3 || ids.length === 0 ? 'ACCANOSUCHCREDENTIAL1' : (ids[op.pick % ids.length] as string);
        const request = { UserName: op.name, ServiceSpecificCredentialId: id };
        result =
          op.kind === 'delete'
            ? await engine.deleteServiceSpecificCredential(request)
            : op.kind === 'reset'
              ? await engine.resetServiceSpecificCredential(request)
              : await engine.updateServiceSpecificCredential({ ...request, Status: op.pick % 2 === 0 ? 'Inactive' : 'Active' });
      }
    }
    answers.push(comparable(result));
  }
  return answers;
};

describe('a store that finds the user itself (UserResolvingStore)', () => {
  it('is used only when the directory says it shares the store’s database', async () => {
    const { store, users } = sharedDatabase();
    let asked = 0;
    const counting: CredentialStore & UserResolvingStore = {
      ...store,
      deleteCredentialOfUser: (...args) => {
        asked += 1;
        return store.deleteCredentialOfUser(...args);
      },
    };
    const sharing: UserDirectory & AtomicUserRemoval = { ...users, sharesTransactionsWith: (other) => other === counting };
    const engine = createCredentialEngine({ store: counting, users: sharing });
    await engine.createUser({ UserName: 'alice' });
    await engine.deleteServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: 'ACCANOSUCHCREDENTIAL1' });
    expect(asked).toBe(1);
    const apart = createCredentialEngine({ store: counting, users });
    await apart.deleteServiceSpecificCredential({ UserName: 'alice', ServiceSpecificCredentialId: 'ACCANOSUCHCREDENTIAL1' });
    expect(asked).toBe(1);
  });

  it('updates, resets and deletes the user’s own credential through it', async () => {
    const engine = createCredentialEngine(sharedDatabase());
    await engine.createUser({ UserName: 'alice' });
    const created = await engine.createServiceSpecificCredential({ UserName: 'ALICE', ServiceName: 'codecommit.amazonaws.com' });
    const id = created._unsafeUnwrap().ServiceSpecificCredential.ServiceSpecificCredentialId;
    const request = { UserName: 'alice', ServiceSpecificCredentialId: id };
    expect((await engine.updateServiceSpecificCredential({ ...request, Status: 'Inactive' })).isOk()).toBe(true);
    expect((await engine.resetServiceSpecificCredential(request))._unsafeUnwrap().ServiceSpecificCredential.Status).toBe('Inactive');
    expect((await engine.deleteServiceSpecificCredential(request)).isOk()).toBe(true);
    expect((await engine.listServiceSpecificCredentials({ UserName: 'alice' }))._unsafeUnwrap().ServiceSpecificCredentials).toEqual([]);
  });

  it('answers every sequence of operations exactly as the engine that looks the user up first', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
        const options = { clock: createManualClock(T0), random: createSeededRandom('resolving') };
        const named = createCredentialEngine({ ...sharedDatabase(), ...options });
        const lookedUp = createCredentialEngine({ clock: createManualClock(T0), random: createSeededRandom('resolving') });
        expect(await replay(named, ops)).toEqual(await replay(lookedUp, ops));
      }),
      { numRuns: 150 },
    );
  });
});
