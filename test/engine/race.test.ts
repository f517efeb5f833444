import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createCredentialEngine,
  createInMemoryStore,
  createInMemoryUserDirectory,
  createManualClock,
  createSeededRandom,
} from '../../src/index.js';
import { CODECOMMIT, T0, rejecting, scheduled } from './support.js';

/** A stream of injected store failures: when the scheduler runs a call whose flag is set, that call rejects instead. */
const failing = <T extends object>(port: T, failures: boolean[]): T => {
  let call = 0;
  return rejecting(port, () => failures[call++ % failures.length] === true, () => new Error('injected store failure'));
};

const opArb = fc.record({
  kind: fc.constantFrom('create' as const, 'create' as const, 'reset' as const, 'delete' as const, 'deleteUser' as const),
  user: fc.nat({ max: 1 }),
  pick: fc.nat(),
});

describe('race: concurrent Creates, Deletes, Resets and DeleteUsers for the same users', () => {
  it('never exceeds the quota, never shares a name, never leaves a credential for a deleted user, loses nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(opArb, { minLength: 2, maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }).map((flags) => flags.map((f, i) => f && i % 4 === 0)),
        async (s, ops, failures) => {
          const store = createInMemoryStore();
          const users = createInMemoryUserDirectory();
          const engine = createCredentialEngine({
            store: scheduled(s, failing(store, failures)),
            users: scheduled(s, users),
            clock: createManualClock(T0),
            random: createSeededRandom('race'),
          });
          // users named so that the second collides with the first's +1 name
          const names = ['alice', 'alice+1'];
          const setupDone = Promise.all(names.map((UserName) => engine.createUser({ UserName })));
          await s.waitFor(setupDone);

          const known: string[] = [];
          const createdIds = new Set<string>();
          const deletedIds = new Set<string>();
          const deletedUsers = new Set<string>();
          const work = ops.map(async (op) => {
            const userName = names[op.user] as string;
            if (op.kind === 'create') {
              const result = await engine.createServiceSpecificCredential({ UserName: userName, ServiceName: CODECOMMIT });
              if (result.isOk()) {
                createdIds.add(result.value.ServiceSpecificCredential.ServiceSpecificCredentialId);
                known.push(result.value.ServiceSpecificCredential.ServiceSpecificCredentialId);
              } else expect(['LimitExceeded', 'NoSuchEntity', 'ServiceFailure']).toContain(result.error.code);
            } else if (op.kind === 'deleteUser') {
              const result = await engine.deleteUser({ UserName: userName });
              if (result.isOk()) deletedUsers.add(userName);
              else expect(['DeleteConflict', 'NoSuchEntity', 'ServiceFailure']).toContain(result.error.code);
            } else {
              const id = known[op.pick % Math.max(known.length, 1)];
              if (id === undefined) return;
              const request = { UserName: userName, ServiceSpecificCredentialId: id };
              const result = op.kind === 'reset' ? await engine.resetServiceSpecificCredential(request) : await engine.deleteServiceSpecificCredential(request);
              if (result.isOk() && op.kind === 'delete') deletedIds.add(id);
              if (result.isErr()) expect(['NoSuchEntity', 'InvalidInput', 'ServiceFailure']).toContain(result.error.code);
            }
          });
          await s.waitFor(Promise.all(work));

          // Read the final state straight from the unwrapped adapters.
          const all = (await store.listCredentials({ accountId: '123456789012', limit: 1000 })).items;
          const perOwner = new Map<string, number>();
          const namesSeen = new Set<string>();
          for (const record of all) {
            perOwner.set(record.ownerId, (perOwner.get(record.ownerId) ?? 0) + 1);
            expect(namesSeen.has(record.serviceUserName.toLowerCase())).toBe(false);
            namesSeen.add(record.serviceUserName.toLowerCase());
            const owner = await users.getUser('123456789012', record.userName);
            expect(owner?.userId).toBe(record.ownerId); // no credential of a deleted user
          }
          for (const count of perOwner.values()) expect(count).toBeLessThanOrEqual(2);
          // every successful Create is present unless a Delete succeeded on it, and nothing else is
          const expected = [...createdIds].filter((id) => !deletedIds.has(id)).sort();
          expect(all.map((r) => r.credentialId).sort()).toEqual(expected);
          for (const userName of deletedUsers) expect(await users.getUser('123456789012', userName)).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
  });
});
