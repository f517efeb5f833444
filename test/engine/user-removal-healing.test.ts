import fc from 'fast-check';
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
import { ACCOUNT, CODECOMMIT, T0, expectError, okOf, rejecting, scheduled, serviceFailure } from './support.js';

// A store and a user directory from different places (an embedder's own directory, say) cannot delete a user in one transaction:
// DeleteUser closes the owner in the store, then deletes the user in the directory. When that second step fails, the deletion is
// decided but unfinished (the closure is never undone: see the race below); the next Create or DeleteUser for the user finishes it.

const noSuchBob = { code: 'NoSuchEntity', httpStatus: 404, message: 'The user with name bob cannot be found.' };

/** Ports whose chosen methods fail (reject) while `failing.has(name)`. */
const breakable = <T extends object>(port: T, failing: Set<string>): T =>
  rejecting(port, (name) => failing.has(name), (name) => new Error(`${name} unavailable`));

const halfDeletedBob = async () => {
  const failing = new Set<string>();
  const store = createInMemoryStore();
  const users = createInMemoryUserDirectory();
  const causes: unknown[] = [];
  const engine = createCredentialEngine({
    store: breakable<CredentialStore>(store, failing),
    users: breakable<UserDirectory>(users, failing),
    clock: createManualClock(T0),
    random: createSeededRandom('healing'),
    onInternalError: (cause) => causes.push(cause),
  });
  await okOf(engine.createUser({ UserName: 'bob' }));
  failing.add('deleteUser');
  await expectError(engine.deleteUser({ UserName: 'bob' }), serviceFailure);
  failing.clear();
  return { engine, failing, causes, users };
};

describe('a DeleteUser that failed half-way (store and directory from different places)', () => {
  it('leaves the user visible until a Create touches it; that Create answers NoSuchEntity and finishes the deletion', async () => {
    const { engine, causes } = await halfDeletedBob();
    expect(causes.map(String)).toEqual(['Error: deleteUser unavailable']);
    expect((await okOf(engine.getUser({ UserName: 'bob' }))).User.UserName).toBe('bob');

    await expectError(engine.createServiceSpecificCredential({ UserName: 'bob', ServiceName: CODECOMMIT }), noSuchBob);
    // Healed: every operation now agrees that bob is gone.
    await expectError(engine.getUser({ UserName: 'bob' }), noSuchBob);
    await expectError(engine.createServiceSpecificCredential({ UserName: 'bob', ServiceName: CODECOMMIT }), noSuchBob);
    await expectError(engine.deleteUser({ UserName: 'bob' }), noSuchBob);
    expect((await okOf(engine.listUsers())).Users).toEqual([]);

    // A new bob is a new owner: nothing of the old one's closure applies to it.
    await okOf(engine.createUser({ UserName: 'bob' }));
    const created = await okOf(engine.createServiceSpecificCredential({ UserName: 'bob', ServiceName: CODECOMMIT }));
    expect(created.ServiceSpecificCredential.ServiceUserName).toBe('bob-at-123456789012');
  });

  it('when finishing the deletion fails too, answers NoSuchEntity, reports the cause, and the next Create finishes it', async () => {
    const { engine, failing, causes } = await halfDeletedBob();
    failing.add('deleteUser');
    await expectError(engine.createServiceSpecificCredential({ UserName: 'bob', ServiceName: CODECOMMIT }), noSuchBob);
    expect(causes.map(String).at(-1)).toBe('Error: deleteUser unavailable');
    expect((await okOf(engine.getUser({ UserName: 'bob' }))).User.UserName).toBe('bob');

    failing.clear();
    await expectError(engine.createServiceSpecificCredential({ UserName: 'bob', ServiceName: CODECOMMIT }), noSuchBob);
    await expectError(engine.getUser({ UserName: 'bob' }), noSuchBob);
  });

  it('a retried DeleteUser finishes it as well', async () => {
    const { engine } = await halfDeletedBob();
    await okOf(engine.deleteUser({ UserName: 'bob' }));
    await expectError(engine.getUser({ UserName: 'bob' }), noSuchBob);
  });
});

/** Injected failures of the chosen methods: each call of one takes the next flag of a finite stream. */
const failingRemoval = <T extends object>(port: T, methods: readonly string[], failures: readonly boolean[]): T => {
  let call = 0;
  return rejecting(port, (name) => methods.includes(name) && failures[call++] === true, (name) => new Error(`injected ${name} failure`));
};

const opArb = fc.record({
  kind: fc.constantFrom('create' as const, 'deleteUser' as const, 'deleteUser' as const),
  user: fc.nat({ max: 1 }),
});

describe('race: DeleteUsers that fail half-way beside Creates and other DeleteUsers of the same users', () => {
  it('after one more Create per user, GetUser and Create agree, and no credential belongs to a deleted user', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(opArb, { minLength: 1, maxLength: 10 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
        async (s, ops, failures) => {
          const store = createInMemoryStore();
          const users = createInMemoryUserDirectory();
          const engine = createCredentialEngine({
            store: scheduled(s, failingRemoval(store, ['closeOwner'], failures)),
            users: scheduled(s, failingRemoval(users, ['deleteUser'], failures)),
            clock: createManualClock(T0),
            random: createSeededRandom('healing-race'),
          });
          const names = ['alice', 'bob'];
          await s.waitFor(Promise.all(names.map((UserName) => engine.createUser({ UserName }))));
          const work = ops.map(async (op) => {
            const UserName = names[op.user] as string;
            const result =
              op.kind === 'create'
                ? await engine.createServiceSpecificCredential({ UserName, ServiceName: CODECOMMIT })
                : await engine.deleteUser({ UserName });
            if (result.isErr()) expect(['LimitExceeded', 'NoSuchEntity', 'DeleteConflict', 'ServiceFailure']).toContain(result.error.code);
          });
          await s.waitFor(Promise.all(work));

          const createFor = async (UserName: string) => engine.createServiceSpecificCredential({ UserName, ServiceName: CODECOMMIT });
          for (const UserName of names) {
            // The finishing step may itself meet an injected failure; once the stream of failures runs out, a Create settles it.
            let created = await s.waitFor(createFor(UserName));
            for (let attempt = 0; attempt < 8 && created.isErr() && created.error.code === 'NoSuchEntity'; attempt += 1) {
              const user = await users.getUser(ACCOUNT, UserName);
              if (user === undefined) break;
              created = await s.waitFor(createFor(UserName));
            }
            const exists = (await users.getUser(ACCOUNT, UserName)) !== undefined;
            if (created.isOk()) expect(exists).toBe(true);
            else if (created.error.code === 'NoSuchEntity') expect(exists).toBe(false);
            else expect(created.error.code).toBe('LimitExceeded');
          }
          for (const record of (await store.listCredentials({ accountId: ACCOUNT, limit: 100 })).items) {
            expect((await users.getUser(ACCOUNT, record.userName))?.userId).toBe(record.ownerId);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
