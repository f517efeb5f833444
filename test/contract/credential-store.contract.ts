/**
 * The behaviour every CredentialStore and UserDirectory must share, run against each adapter (in-memory, PostgreSQL) so that they
 * cannot drift apart. `makeAdapters` gives a fresh, empty pair per test; `dispose` releases it.
 */
import { err, ok, type Result } from 'neverthrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CredentialRecord } from '../../src/domain/credential.js';
import { type IamError, quotaExceeded } from '../../src/domain/iam-error.js';
import { checkQuota } from '../../src/domain/quota.js';
import { deriveServiceUserName, serviceUserNameKey } from '../../src/domain/service-user-name.js';
import { userNameKey, type UserRecord } from '../../src/domain/user.js';
import type { CreateCredentialCommand, CreationSnapshot, CredentialStore } from '../../src/ports/credential-store.port.js';
import type { UserDirectory } from '../../src/ports/user-directory.port.js';
import type { AtomicUserRemoval } from '../../src/ports/user-removal.port.js';
import type { CreateCredentialOfUserCommand, CredentialOwner, UserResolvingStore } from '../../src/ports/user-resolving-store.port.js';

export interface ContractAdapters {
  readonly store: CredentialStore;
  readonly users: UserDirectory;
  dispose(): Promise<void>;
}

const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
const CODECOMMIT = 'codecommit.amazonaws.com';
const BEDROCK = 'bedrock.amazonaws.com';
const T0 = Date.parse('2026-11-23T10:00:00.123Z');

let sequence = 0;
const credentialId = (): string => `ACCA${String((sequence += 1)).padStart(17, '0')}`;

const credential = (overrides: Partial<CredentialRecord> & Pick<CredentialRecord, 'ownerId' | 'userName'>): CredentialRecord => ({
  accountId: ACCOUNT,
  credentialId: credentialId(),
  serviceName: CODECOMMIT,
  kind: 'password',
  serviceUserName: `${overrides.userName}-at-${overrides.accountId ?? ACCOUNT}`,
  secretDigest: `digest-${sequence}`,
  status: 'Active',
  createDate: new Date(T0 + sequence),
  ...overrides,
});

/** A create that inserts exactly `record`, remembering what the store showed it. */
const insertExactly = (record: CredentialRecord, seen: CreationSnapshot[] = []): CreateCredentialCommand => ({
  accountId: record.accountId,
  ownerId: record.ownerId,
  userName: record.userName,
  serviceName: record.serviceName,
  decide: (snapshot) => {
    seen.push(snapshot);
    return ok(record);
  },
});

/** A create as the engine does it: quota, then the first free ServiceUserName. */
const engineLikeCreate = (
  owner: { ownerId: string; userName: string; accountId?: string },
  serviceName = CODECOMMIT,
  createDate = new Date(T0),
): CreateCredentialCommand => {
  const accountId = owner.accountId ?? ACCOUNT;
  const id = credentialId();
  return {
    accountId,
    ownerId: owner.ownerId,
    userName: owner.userName,
    serviceName,
    decide: (snapshot) => decideLikeEngine({ userId: owner.ownerId, userName: owner.userName }, snapshot, { accountId, id, serviceName, createDate }),
  };
};

/** The engine's decision: the quota, then the first free ServiceUserName of the owner. */
const decideLikeEngine = (
  owner: CredentialOwner,
  snapshot: CreationSnapshot,
  { accountId, id, serviceName, createDate }: { accountId: string; id: string; serviceName: string; createDate: Date },
): Result<CredentialRecord, IamError> =>
  checkQuota(snapshot.ownerCredentials).map(
    (): CredentialRecord => ({
      accountId,
      credentialId: id,
      ownerId: owner.userId,
      userName: owner.userName,
      serviceName,
      kind: serviceName === BEDROCK ? 'api-key' : 'password',
      serviceUserName: deriveServiceUserName(owner.userName, accountId, (key) => snapshot.isServiceUserNameTaken(key)),
      secretDigest: `digest-${id}`,
      status: 'Active',
      createDate,
    }),
  );

const created = async (store: CredentialStore, command: CreateCredentialCommand): Promise<CredentialRecord> => {
  const outcome = await store.createCredential(command);
  if (outcome.outcome !== 'created') throw new Error(`expected a create, got ${JSON.stringify(outcome)}`);
  return outcome.record;
};

const user = (userName: string, overrides: Partial<UserRecord> = {}): UserRecord => ({
  accountId: ACCOUNT,
  userName,
  userId: `AIDA${userName.toUpperCase().replace(/[^A-Z0-9]/g, 'X').padEnd(17, '0').slice(0, 17)}`,
  path: '/',
  createDate: new Date(T0),
  ...overrides,
});

const ALICE = { ownerId: 'AIDAALICE000000000000', userName: 'alice' };
const BOB = { ownerId: 'AIDABOB00000000000000', userName: 'bob' };

export const describeCredentialStoreContract = (name: string, makeAdapters: () => Promise<ContractAdapters>): void => {
  describe(`${name}: CredentialStore contract`, () => {
    let adapters: ContractAdapters;
    let store: CredentialStore;
    beforeEach(async () => {
      adapters = await makeAdapters();
      store = adapters.store;
    });
    afterEach(async () => adapters.dispose());

    it('stores exactly what decide returns and reads it back, dates to the millisecond', async () => {
      const withExpiry = credential({ ...ALICE, serviceName: BEDROCK, kind: 'api-key', expirationDate: new Date(T0 + 30 * 86_400_000 + 7) });
      const withoutExpiry = credential({ ...ALICE, status: 'Inactive' });
      expect(await store.createCredential(insertExactly(withExpiry))).toEqual({ outcome: 'created', record: withExpiry });
      await created(store, insertExactly(withoutExpiry));
      expect(await store.getCredential(ACCOUNT, withExpiry.credentialId)).toEqual(withExpiry);
      const read = await store.getCredential(ACCOUNT, withoutExpiry.credentialId);
      expect(read).toEqual(withoutExpiry);
      expect(read !== undefined && 'expirationDate' in read).toBe(false);
      expect(read?.createDate.getTime()).toBe(withoutExpiry.createDate.getTime());
    });

    it("shows decide the owner's credentials of that service only, whatever their status", async () => {
      const mine = await created(store, insertExactly(credential({ ...ALICE, status: 'Inactive' })));
      await created(store, insertExactly(credential({ ...ALICE, serviceName: BEDROCK, kind: 'api-key' })));
      await created(store, insertExactly(credential({ ...BOB })));
      await created(store, insertExactly(credential({ ...ALICE, accountId: OTHER_ACCOUNT })));
      const seen: CreationSnapshot[] = [];
      await created(store, insertExactly(credential({ ...ALICE, serviceUserName: 'alice+1-at-111122223333' }), seen));
      expect(seen.at(-1)?.ownerCredentials).toEqual([mine]);
    });

    it('writes nothing when decide rejects, and answers its error', async () => {
      await created(store, engineLikeCreate(ALICE));
      await created(store, engineLikeCreate(ALICE));
      const third = engineLikeCreate(ALICE);
      expect(await store.createCredential(third)).toEqual({ outcome: 'rejected', error: quotaExceeded(2) });
      const page = await store.listCredentials({ accountId: ACCOUNT, limit: 10 });
      expect(page.items.map((record) => record.serviceUserName)).toEqual(['alice-at-111122223333', 'alice+1-at-111122223333']);
    });

    it('tells decide which ServiceUserNames of the service and account are taken, without regard to case', async () => {
      await created(store, insertExactly(credential({ ...BOB, serviceUserName: 'Alice-at-111122223333' })));
      await created(store, insertExactly(credential({ ...BOB, serviceUserName: 'zed+7-at-111122223333' })));
      await created(store, insertExactly(credential({ ...BOB, serviceName: BEDROCK, kind: 'api-key', serviceUserName: 'alice+1-at-111122223333' })));
      await created(store, insertExactly(credential({ ...BOB, accountId: OTHER_ACCOUNT, serviceUserName: 'alice+1-at-111122223333' })));
      const answers: Record<string, boolean> = {};
      const outcome = await store.createCredential({
        ...engineLikeCreate(ALICE),
        decide: (snapshot) => {
          for (const key of ['alice-at-111122223333', 'alice+1-at-111122223333', 'zed+7-at-111122223333', 'nobody-at-111122223333']) {
            answers[key] = snapshot.isServiceUserNameTaken(key);
          }
          return err(quotaExceeded(2));
        },
      });
      expect(outcome.outcome).toBe('rejected');
      expect(answers).toEqual({
        'alice-at-111122223333': true,
        'alice+1-at-111122223333': false,
        'zed+7-at-111122223333': true,
        'nobody-at-111122223333': false,
      });
    });

    it('derives names that do not collide with a user literally named like a +N name', async () => {
      const aliceFirst = await created(store, engineLikeCreate(ALICE));
      const plusOne = await created(store, engineLikeCreate({ ownerId: 'AIDAALICEPLUS1000000', userName: 'Alice+1' }));
      const aliceSecond = await created(store, engineLikeCreate(ALICE));
      expect([aliceFirst.serviceUserName, plusOne.serviceUserName, aliceSecond.serviceUserName]).toEqual([
        'alice-at-111122223333',
        'Alice+1-at-111122223333',
        'alice+2-at-111122223333',
      ]);
    });

    it('never exceeds the quota or repeats a name under concurrent creates', async () => {
      const outcomes = await Promise.all([
        ...Array.from({ length: 6 }, () => store.createCredential(engineLikeCreate(ALICE))),
        ...Array.from({ length: 6 }, () => store.createCredential(engineLikeCreate({ ownerId: 'AIDAALICEPLUS1000000', userName: 'alice+1' }))),
      ]);
      const records = outcomes.flatMap((outcome) => (outcome.outcome === 'created' ? [outcome.record] : []));
      expect(records.filter((record) => record.ownerId === ALICE.ownerId)).toHaveLength(2);
      expect(records).toHaveLength(4);
      expect(outcomes.filter((outcome) => outcome.outcome === 'rejected')).toHaveLength(8);
      const keys = records.map((record) => serviceUserNameKey(record.serviceUserName));
      expect(new Set(keys).size).toBe(4);
    });

    it('refuses to close an owner with credentials; once closed, creates for it fail without deciding', async () => {
      const mine = await created(store, engineLikeCreate(ALICE));
      expect(await store.closeOwner(ACCOUNT, ALICE.ownerId)).toBe('has-credentials');
      expect(await store.deleteCredential(ACCOUNT, mine.credentialId, ALICE.ownerId)).toBe(true);
      expect(await store.closeOwner(ACCOUNT, ALICE.ownerId)).toBe('closed');
      expect(await store.closeOwner(ACCOUNT, ALICE.ownerId)).toBe('closed');
      const seen: CreationSnapshot[] = [];
      expect(await store.createCredential(insertExactly(credential({ ...ALICE }), seen))).toEqual({ outcome: 'owner-closed' });
      expect(seen).toEqual([]);
      expect(await store.listCredentials({ accountId: ACCOUNT, ownerId: ALICE.ownerId, limit: 10 })).toEqual({ items: [], hasMore: false });
      // Other owners, and the same owner id in another account, are unaffected.
      await created(store, engineLikeCreate(BOB));
      await created(store, engineLikeCreate({ ...ALICE, accountId: OTHER_ACCOUNT }));
    });


    it('closes an owner and fails every racing create, or refuses to close because a create won', async () => {
      const outcomes = await Promise.all([
        store.createCredential(engineLikeCreate(ALICE)),
        store.closeOwner(ACCOUNT, ALICE.ownerId),
        store.createCredential(engineLikeCreate(ALICE)),
      ]);
      const [first, closed, second] = outcomes;
      const page = await store.listCredentials({ accountId: ACCOUNT, ownerId: ALICE.ownerId, limit: 10 });
      if (closed === 'closed') {
        expect(page.items.length).toBe(0);
        expect([first?.outcome, second?.outcome]).toEqual(['owner-closed', 'owner-closed']);
      } else {
        expect(closed).toBe('has-credentials');
        expect(page.items.length).toBeGreaterThan(0);
      }
    });

    it('gets a credential only in its own account', async () => {
      const mine = await created(store, engineLikeCreate(ALICE));
      expect(await store.getCredential(OTHER_ACCOUNT, mine.credentialId)).toBeUndefined();
      expect(await store.getCredential(ACCOUNT, 'ACCANOSUCHCREDENTIAL')).toBeUndefined();
    });

    it("updates status or digest only for the credential's owner", async () => {
      const mine = await created(store, engineLikeCreate(ALICE));
      expect(await store.updateCredential(ACCOUNT, mine.credentialId, BOB.ownerId, { status: 'Inactive' })).toBeUndefined();
      expect(await store.updateCredential(ACCOUNT, 'ACCANOSUCHCREDENTIAL', ALICE.ownerId, { status: 'Inactive' })).toBeUndefined();
      expect(await store.updateCredential(OTHER_ACCOUNT, mine.credentialId, ALICE.ownerId, { status: 'Inactive' })).toBeUndefined();
      expect(await store.getCredential(ACCOUNT, mine.credentialId)).toEqual(mine);

      const inactive = { ...mine, status: 'Inactive' as const };
      expect(await store.updateCredential(ACCOUNT, mine.credentialId, ALICE.ownerId, { status: 'Inactive' })).toEqual(inactive);
      const reset = { ...inactive, secretDigest: 'new-digest' };
      expect(await store.updateCredential(ACCOUNT, mine.credentialId, ALICE.ownerId, { secretDigest: 'new-digest' })).toEqual(reset);
      expect(await store.getCredential(ACCOUNT, mine.credentialId)).toEqual(reset);
      expect(await store.findByServiceUserName(ACCOUNT, CODECOMMIT, 'alice-at-111122223333')).toEqual(reset);
      const listed = await store.listCredentials({ accountId: ACCOUNT, limit: 10 });
      expect(listed.items).toEqual([reset]);
    });

    it("deletes only the owner's credential, and frees its name", async () => {
      const mine = await created(store, engineLikeCreate(ALICE));
      expect(await store.deleteCredential(ACCOUNT, mine.credentialId, BOB.ownerId)).toBe(false);
      expect(await store.deleteCredential(OTHER_ACCOUNT, mine.credentialId, ALICE.ownerId)).toBe(false);
      expect(await store.getCredential(ACCOUNT, mine.credentialId)).toEqual(mine);
      expect(await store.deleteCredential(ACCOUNT, mine.credentialId, ALICE.ownerId)).toBe(true);
      expect(await store.deleteCredential(ACCOUNT, mine.credentialId, ALICE.ownerId)).toBe(false);
      expect(await store.getCredential(ACCOUNT, mine.credentialId)).toBeUndefined();
      expect(await store.findByServiceUserName(ACCOUNT, CODECOMMIT, 'alice-at-111122223333')).toBeUndefined();
      expect((await created(store, engineLikeCreate(ALICE))).serviceUserName).toBe('alice-at-111122223333');
    });

    it('lists oldest first, ties by id, and pages strictly after a position', async () => {
      const late = await created(store, insertExactly(credential({ ...BOB, createDate: new Date(T0 + 5000), credentialId: 'ACCA00000000000000001' })));
      const tieB = await created(store, insertExactly(credential({ ...ALICE, createDate: new Date(T0 + 1000), credentialId: 'ACCAB0000000000000000' })));
      const tieA = await created(
        store,
        insertExactly(credential({ ...BOB, serviceName: BEDROCK, kind: 'api-key', createDate: new Date(T0 + 1000), credentialId: 'ACCAA0000000000000000' })),
      );
      const early = await created(store, insertExactly(credential({ ...ALICE, serviceName: BEDROCK, kind: 'api-key', createDate: new Date(T0) })));
      await created(store, insertExactly(credential({ ...ALICE, accountId: OTHER_ACCOUNT })));

      const all = [early, tieA, tieB, late];
      expect(await store.listCredentials({ accountId: ACCOUNT, limit: 100 })).toEqual({ items: all, hasMore: false });
      expect(await store.listCredentials({ accountId: ACCOUNT, limit: 4 })).toEqual({ items: all, hasMore: false });
      const first = await store.listCredentials({ accountId: ACCOUNT, limit: 3 });
      expect(first).toEqual({ items: [early, tieA, tieB], hasMore: true });
      expect(await store.listCredentials({ accountId: ACCOUNT, limit: 1, after: tieA })).toEqual({ items: [tieB], hasMore: true });
      expect(await store.listCredentials({ accountId: ACCOUNT, limit: 3, after: tieB })).toEqual({ items: [late], hasMore: false });
      expect(await store.listCredentials({ accountId: ACCOUNT, limit: 3, after: late })).toEqual({ items: [], hasMore: false });
      // A position whose credential was deleted still pages correctly.
      await store.deleteCredential(ACCOUNT, tieA.credentialId, BOB.ownerId);
      expect(await store.listCredentials({ accountId: ACCOUNT, limit: 5, after: tieA })).toEqual({ items: [tieB, late], hasMore: false });

      expect(await store.listCredentials({ accountId: ACCOUNT, limit: 5, serviceName: BEDROCK })).toEqual({ items: [early], hasMore: false });
      expect(await store.listCredentials({ accountId: ACCOUNT, limit: 5, ownerId: ALICE.ownerId })).toEqual({ items: [early, tieB], hasMore: false });
      expect(await store.listCredentials({ accountId: ACCOUNT, limit: 1, ownerId: ALICE.ownerId })).toEqual({ items: [early], hasMore: true });
      expect(await store.listCredentials({ accountId: ACCOUNT, limit: 1, ownerId: ALICE.ownerId, after: early })).toEqual({
        items: [tieB],
        hasMore: false,
      });
      expect(await store.listCredentials({ accountId: ACCOUNT, limit: 5, ownerId: ALICE.ownerId, serviceName: CODECOMMIT })).toEqual({
        items: [tieB],
        hasMore: false,
      });
      expect(await store.listCredentials({ accountId: '999999999999', limit: 5 })).toEqual({ items: [], hasMore: false });
    });

    it('finds a credential by the key of its ServiceUserName, per service and account', async () => {
      const mine = await created(store, insertExactly(credential({ ...ALICE, serviceUserName: 'Alice-at-111122223333' })));
      expect(await store.findByServiceUserName(ACCOUNT, CODECOMMIT, 'alice-at-111122223333')).toEqual(mine);
      expect(await store.findByServiceUserName(ACCOUNT, BEDROCK, 'alice-at-111122223333')).toBeUndefined();
      expect(await store.findByServiceUserName(OTHER_ACCOUNT, CODECOMMIT, 'alice-at-111122223333')).toBeUndefined();
    });
  });

  describe(`${name}: UserDirectory contract`, () => {
    let adapters: ContractAdapters;
    let users: UserDirectory;
    beforeEach(async () => {
      adapters = await makeAdapters();
      users = adapters.users;
    });
    afterEach(async () => adapters.dispose());

    it('creates a user once per account, names compared without regard to case', async () => {
      const alice = user('Alice', { path: '/team/', createDate: new Date(T0 + 42) });
      expect(await users.createUser(alice)).toBe('created');
      expect(await users.createUser(user('ALICE'))).toBe('exists');
      expect(await users.createUser(user('alice', { accountId: OTHER_ACCOUNT }))).toBe('created');
      expect(await users.getUser(ACCOUNT, 'aLiCe')).toEqual(alice);
      expect(await users.getUser(ACCOUNT, 'bob')).toBeUndefined();
      expect((await users.getUser(OTHER_ACCOUNT, 'ALICE'))?.userName).toBe('alice');
    });

    it('lists users by case-folded name, pages after a key, filters by path prefix', async () => {
      const names = ['carol', 'Bob', 'alice', 'a_b', 'Dave'];
      for (const userName of names) await users.createUser(user(userName, { path: userName === 'Bob' || userName === 'Dave' ? '/ops/x/' : '/' }));
      await users.createUser(user('zed', { accountId: OTHER_ACCOUNT }));
      const all = await users.listUsers({ accountId: ACCOUNT, limit: 10 });
      expect(all.items.map((record) => record.userName)).toEqual(['a_b', 'alice', 'Bob', 'carol', 'Dave']);
      expect(all.hasMore).toBe(false);
      const first = await users.listUsers({ accountId: ACCOUNT, limit: 2 });
      expect(first.items.map((record) => record.userName)).toEqual(['a_b', 'alice']);
      expect(first.hasMore).toBe(true);
      const second = await users.listUsers({ accountId: ACCOUNT, limit: 3, afterUserNameKey: 'alice' });
      expect(second.items.map((record) => record.userName)).toEqual(['Bob', 'carol', 'Dave']);
      expect(second.hasMore).toBe(false);
      const ops = await users.listUsers({ accountId: ACCOUNT, limit: 1, pathPrefix: '/ops/' });
      expect(ops.items.map((record) => record.userName)).toEqual(['Bob']);
      expect(ops.hasMore).toBe(true);
      expect((await users.listUsers({ accountId: ACCOUNT, limit: 5, pathPrefix: '/ops/', afterUserNameKey: 'bob' })).items.map((r) => r.userName)).toEqual(['Dave']);
      expect(await users.listUsers({ accountId: '999999999999', limit: 5 })).toEqual({ items: [], hasMore: false });
    });

    it('deletes a user only while the name still belongs to that userId', async () => {
      const alice = user('alice');
      await users.createUser(alice);
      expect(await users.deleteUser(ACCOUNT, 'ALICE', 'AIDAOTHER000000000000')).toBe(false);
      expect(await users.deleteUser(OTHER_ACCOUNT, 'alice', alice.userId)).toBe(false);
      expect(await users.getUser(ACCOUNT, 'alice')).toEqual(alice);
      expect(await users.deleteUser(ACCOUNT, 'ALICE', alice.userId)).toBe(true);
      expect(await users.deleteUser(ACCOUNT, 'alice', alice.userId)).toBe(false);
      expect(await users.getUser(ACCOUNT, 'alice')).toBeUndefined();
      expect(await users.createUser(user('Alice', { userId: 'AIDANEWALICE000000000' }))).toBe('created');
    });

    it('lets exactly one of several concurrent creates of one name win', async () => {
      const outcomes = await Promise.all(['dup', 'DUP', 'Dup', 'dUp'].map((userName) => users.createUser(user(userName))));
      expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'exists')).toHaveLength(3);
    });
  });
};

/** A create by user name as the engine does it: `decide` builds the record from the owner the store found. */
const engineLikeCreateOfUser = (
  userName: string,
  seen: CredentialOwner[] = [],
  accountId = ACCOUNT,
  serviceName = CODECOMMIT,
): CreateCredentialOfUserCommand => {
  const id = credentialId();
  return {
    accountId,
    userNameKey: userNameKey(userName),
    serviceName,
    decide: (owner, snapshot) => {
      seen.push(owner);
      return decideLikeEngine(owner, snapshot, { accountId, id, serviceName, createDate: new Date(T0 + sequence) });
    },
  };
};

export interface UserResolvingAdapters {
  readonly store: CredentialStore & UserResolvingStore;
  readonly users: UserDirectory & AtomicUserRemoval;
  dispose(): Promise<void>;
}

/**
 * The optional `UserResolvingStore` capability (stores that keep the users in their own database): every answer tells "no such user"
 * apart from "no such credential", ownership is checked as by owner id, and the quota holds whichever way creates name the owner.
 */
export const describeUserResolvingStoreContract = (name: string, makeAdapters: () => Promise<UserResolvingAdapters>): void => {
  describe(`${name}: UserResolvingStore contract`, () => {
    let adapters: UserResolvingAdapters;
    let store: CredentialStore & UserResolvingStore;
    let alice: UserRecord;
    let bob: UserRecord;
    beforeEach(async () => {
      adapters = await makeAdapters();
      store = adapters.store;
      alice = user('Alice');
      bob = user('bob');
      await adapters.users.createUser(alice);
      await adapters.users.createUser(bob);
    });
    afterEach(async () => adapters.dispose());

    it('is offered only for the directory of the same database', () => {
      expect(adapters.users.sharesTransactionsWith(store)).toBe(true);
      expect(adapters.users.sharesTransactionsWith({ ...store })).toBe(false);
    });

    it('creates for the user it reads, handing decide the user as created, and answers no-such-user without deciding', async () => {
      const seen: CredentialOwner[] = [];
      const outcome = await store.createCredentialOfUser(engineLikeCreateOfUser('ALICE', seen));
      expect(outcome).toMatchObject({ outcome: 'created', record: { ownerId: alice.userId, userName: 'Alice', serviceUserName: 'Alice-at-111122223333' } });
      expect(seen).toEqual([{ userId: alice.userId, userName: 'Alice' }]);
      const unseen: CredentialOwner[] = [];
      expect(await store.createCredentialOfUser(engineLikeCreateOfUser('nobody', unseen))).toEqual({ outcome: 'no-such-user' });
      expect(await store.createCredentialOfUser(engineLikeCreateOfUser('alice', unseen, OTHER_ACCOUNT))).toEqual({ outcome: 'no-such-user' });
      expect(unseen).toEqual([]);
      expect((await store.listCredentials({ accountId: ACCOUNT, limit: 10 })).items).toHaveLength(1);
    });

    it('shows decide the same snapshot as a create by owner id: quota and names taken, also by creates of the other kind', async () => {
      await created(store, engineLikeCreate({ ownerId: alice.userId, userName: 'Alice' }));
      const second = await store.createCredentialOfUser(engineLikeCreateOfUser('alice'));
      expect(second).toMatchObject({ outcome: 'created', record: { serviceUserName: 'Alice+1-at-111122223333' } });
      expect(await store.createCredentialOfUser(engineLikeCreateOfUser('alice'))).toEqual({ outcome: 'rejected', error: quotaExceeded(2) });
      expect(await store.createCredential(engineLikeCreate({ ownerId: alice.userId, userName: 'Alice' }))).toMatchObject({ outcome: 'rejected' });
    });

    it("tells decide which names of the user's family other owners hold, up to the family's edges, on every call", async () => {
      // Keys inside the family (`alice-at-…`, `alice+…`) and just outside it, held by bob; the read matches the family by key ranges
      // (migration 3), and asks about keys outside it separately. Several calls: PostgreSQL caches the read's plan per session.
      const held = ['alice-at-999', 'alice+1-at-111122223333', 'alice+', 'alice,1-at-111122223333', 'alice-as-1', 'alice-at.1', 'alicf+1'];
      for (const name of held) await created(store, insertExactly(credential({ ...BOB, ownerId: bob.userId, serviceUserName: name })));
      const asked = [...held, 'alice+2-at-111122223333', 'alice-at-111122223333', 'alice*1'];
      for (let call = 0; call < 7; call += 1) {
        const answers: Record<string, boolean> = {};
        const outcome = await store.createCredentialOfUser({
          ...engineLikeCreateOfUser('alice'),
          decide: (_owner, snapshot) => {
            for (const key of asked) answers[key] = snapshot.isServiceUserNameTaken(key);
            return err(quotaExceeded(2));
          },
        });
        expect(outcome.outcome).toBe('rejected');
        expect(answers).toEqual(Object.fromEntries(asked.map((key) => [key, held.includes(key)])));
      }
    });

    it('never exceeds the quota under concurrent creates, by name and by owner id mixed (one lock per owner)', async () => {
      const outcomes = await Promise.all([
        ...Array.from({ length: 4 }, () => store.createCredentialOfUser(engineLikeCreateOfUser('alice'))),
        ...Array.from({ length: 4 }, () => store.createCredential(engineLikeCreate({ ownerId: alice.userId, userName: 'Alice' }))),
        ...Array.from({ length: 4 }, () => store.createCredentialOfUser(engineLikeCreateOfUser('BOB'))),
      ]);
      const records = outcomes.flatMap((outcome) => (outcome.outcome === 'created' ? [outcome.record] : []));
      expect(records.filter((record) => record.ownerId === alice.userId)).toHaveLength(2);
      expect(records.filter((record) => record.ownerId === bob.userId)).toHaveLength(2);
      expect(outcomes.filter((outcome) => outcome.outcome === 'rejected')).toHaveLength(8);
      expect(new Set(records.map((record) => serviceUserNameKey(record.serviceUserName))).size).toBe(4);
    });

    it('answers no-such-user for a user removed (also while creates race the removal), and creates for a new user of the same name', async () => {
      const [first, removed, second] = await Promise.all([
        store.createCredentialOfUser(engineLikeCreateOfUser('bob')),
        adapters.users.removeUser(ACCOUNT, 'bob', bob.userId),
        store.createCredentialOfUser(engineLikeCreateOfUser('bob')),
      ]);
      const page = await store.listCredentials({ accountId: ACCOUNT, ownerId: bob.userId, limit: 10 });
      if (removed === 'deleted') {
        expect(page.items).toEqual([]);
        expect([first?.outcome, second?.outcome].filter((outcome) => outcome === 'created')).toEqual([]);
      } else {
        expect(removed).toBe('has-credentials');
        expect(page.items.length).toBeGreaterThan(0);
      }
      for (const credential of page.items) expect(await store.deleteCredentialOfUser(ACCOUNT, 'bob', credential.credentialId)).toBe('deleted');
      if (removed !== 'deleted') expect(await adapters.users.removeUser(ACCOUNT, 'bob', bob.userId)).toBe('deleted');
      expect(await store.createCredentialOfUser(engineLikeCreateOfUser('bob'))).toEqual({ outcome: 'no-such-user' });
      const reborn = user('Bob', { userId: 'AIDABOBREBORN0000000' });
      await adapters.users.createUser(reborn);
      expect(await store.createCredentialOfUser(engineLikeCreateOfUser('bob'))).toMatchObject({ outcome: 'created', record: { ownerId: reborn.userId } });
    });

    it("deletes only the user's credential: no-such-user apart from no-such-credential", async () => {
      const mine = await created(store, engineLikeCreate({ ownerId: alice.userId, userName: 'Alice' }));
      expect(await store.deleteCredentialOfUser(ACCOUNT, 'nobody', mine.credentialId)).toBe('no-such-user');
      expect(await store.deleteCredentialOfUser(OTHER_ACCOUNT, 'alice', mine.credentialId)).toBe('no-such-user');
      expect(await store.deleteCredentialOfUser(ACCOUNT, 'bob', mine.credentialId)).toBe('no-such-credential');
      expect(await store.deleteCredentialOfUser(ACCOUNT, 'alice', 'ACCANOSUCHCREDENTIAL')).toBe('no-such-credential');
      expect(await store.getCredential(ACCOUNT, mine.credentialId)).toEqual(mine);
      expect(await store.deleteCredentialOfUser(ACCOUNT, 'alice', mine.credentialId)).toBe('deleted');
      expect(await store.deleteCredentialOfUser(ACCOUNT, 'alice', mine.credentialId)).toBe('no-such-credential');
      expect(await store.getCredential(ACCOUNT, mine.credentialId)).toBeUndefined();
    });

    it("gets only the user's credential: no-such-user apart from no-such-credential", async () => {
      const mine = await created(store, insertExactly(credential({ ownerId: alice.userId, userName: 'Alice', serviceName: BEDROCK, kind: 'api-key', expirationDate: new Date(T0 + 7) })));
      expect(await store.getCredentialOfUser(ACCOUNT, 'alice', mine.credentialId)).toEqual(mine);
      expect(await store.getCredentialOfUser(ACCOUNT, 'nobody', mine.credentialId)).toBe('no-such-user');
      expect(await store.getCredentialOfUser(ACCOUNT, 'bob', mine.credentialId)).toBe('no-such-credential');
      expect(await store.getCredentialOfUser(ACCOUNT, 'alice', 'ACCANOSUCHCREDENTIAL')).toBe('no-such-credential');
    });

    it("lists the user's credentials only, in order, paged like listCredentials; no-such-user apart from an empty page", async () => {
      const early = await created(store, insertExactly(credential({ ownerId: alice.userId, userName: 'Alice', serviceName: BEDROCK, kind: 'api-key', createDate: new Date(T0) })));
      const tieB = await created(store, insertExactly(credential({ ownerId: alice.userId, userName: 'Alice', createDate: new Date(T0 + 1000), credentialId: 'ACCAB0000000000000000' })));
      await created(store, insertExactly(credential({ ownerId: bob.userId, userName: 'bob', createDate: new Date(T0 + 500) })));
      expect(await store.listCredentialsOfUser('alice', { accountId: ACCOUNT, limit: 10 })).toEqual({ items: [early, tieB], hasMore: false });
      expect(await store.listCredentialsOfUser('alice', { accountId: ACCOUNT, limit: 1 })).toEqual({ items: [early], hasMore: true });
      expect(await store.listCredentialsOfUser('alice', { accountId: ACCOUNT, limit: 1, after: early })).toEqual({ items: [tieB], hasMore: false });
      expect(await store.listCredentialsOfUser('alice', { accountId: ACCOUNT, limit: 5, serviceName: CODECOMMIT })).toEqual({ items: [tieB], hasMore: false });
      expect(await store.listCredentialsOfUser('alice', { accountId: ACCOUNT, limit: 5, after: tieB })).toEqual({ items: [], hasMore: false });
      expect(await store.listCredentialsOfUser('nobody', { accountId: ACCOUNT, limit: 5 })).toBe('no-such-user');
      expect(await store.listCredentialsOfUser('alice', { accountId: OTHER_ACCOUNT, limit: 5 })).toBe('no-such-user');
      await adapters.users.createUser(user('carol'));
      expect(await store.listCredentialsOfUser('carol', { accountId: ACCOUNT, limit: 5 })).toEqual({ items: [], hasMore: false });
    });
  });
};
