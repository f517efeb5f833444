/**
 * The behaviour every AccessKeyStore must share, run against each adapter (in-memory, PGlite, PostgreSQL). `makeAdapters` gives a
 * fresh, empty store per test (with the user directory of the same place, for the atomic DeleteUser where it has one).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessKeyRecord } from '../../src/domain/access-key.js';
import type { AccessKeyStore } from '../../src/ports/access-key-store.port.js';
import type { StateReset } from '../../src/ports/state-reset.port.js';
import type { UserDirectory } from '../../src/ports/user-directory.port.js';
import type { AtomicUserRemoval } from '../../src/ports/user-removal.port.js';

export interface AccessKeyContractAdapters {
  readonly accessKeys: AccessKeyStore;
  readonly users: UserDirectory & Partial<AtomicUserRemoval>;
  /** What the endpoint's reset path calls for this store. */
  readonly reset: StateReset;
  dispose(): Promise<void>;
}

const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
const T0 = Date.parse('2026-11-23T10:00:00.123Z');

let sequence = 0;
const key = (overrides: Partial<AccessKeyRecord> = {}): AccessKeyRecord => {
  sequence += 1;
  return {
    accountId: ACCOUNT,
    ownerId: 'AIDAOWNER000000000001',
    userName: 'Alice',
    accessKeyId: `AKIA${String(sequence).padStart(16, '0')}`,
    secretAccessKey: `wJalrXUtnFEMI/K7MDENG/bPxRfiCY+${String(sequence).padStart(9, '0')}`,
    status: 'Active',
    createDate: new Date(T0 + sequence),
    ...overrides,
  };
};

/** `atomicUserRemoval`: the directory offers the atomic DeleteUser over the same database (the SQL adapters). */
export const describeAccessKeyStoreContract = (
  name: string,
  makeAdapters: () => Promise<AccessKeyContractAdapters>,
  { atomicUserRemoval = false }: { readonly atomicUserRemoval?: boolean } = {},
): void => {
  describe(`AccessKeyStore contract: ${name}`, () => {
    let adapters: AccessKeyContractAdapters;
    let store: AccessKeyStore;
    beforeEach(async () => {
      adapters = await makeAdapters();
      store = adapters.accessKeys;
    });
    afterEach(async () => {
      await adapters.dispose();
    });

    it('keeps a key exactly as created, secret included, and finds it by id alone', async () => {
      const record = key();
      expect(await store.createAccessKey(record, 2)).toBe('created');
      expect(await store.findAccessKey(record.accessKeyId)).toEqual(record);
      expect(await store.listOwnerAccessKeys(ACCOUNT, record.ownerId)).toEqual([record]);
      expect(await store.findAccessKey('AKIA9999999999999999')).toBeUndefined();
    });

    it('counts every status against the quota and inserts nothing past it', async () => {
      const first = key();
      await store.createAccessKey(first, 2);
      await store.updateAccessKeyStatus(ACCOUNT, first.ownerId, first.accessKeyId, 'Inactive');
      await store.createAccessKey(key(), 2);
      const third = key();
      expect(await store.createAccessKey(third, 2)).toBe('quota-exceeded');
      expect(await store.findAccessKey(third.accessKeyId)).toBeUndefined();
      expect(await store.listOwnerAccessKeys(ACCOUNT, first.ownerId)).toHaveLength(2);
      expect((await store.findAccessKey(first.accessKeyId))?.status).toBe('Inactive');
    });

    it('never lets concurrent creates exceed the quota', async () => {
      const outcomes = await Promise.all(Array.from({ length: 6 }, () => store.createAccessKey(key(), 2)));
      expect(outcomes.filter((o) => o === 'created')).toHaveLength(2);
      expect(outcomes.filter((o) => o === 'quota-exceeded')).toHaveLength(4);
      expect(await store.listOwnerAccessKeys(ACCOUNT, 'AIDAOWNER000000000001')).toHaveLength(2);
    });

    it('refuses an id another key has, in any account', async () => {
      const record = key();
      await store.createAccessKey(record, 2);
      expect(await store.createAccessKey({ ...record, accountId: OTHER_ACCOUNT, ownerId: 'AIDAOTHER0000000000001' }, 2)).toBe('duplicate-id');
      expect(await store.findAccessKey(record.accessKeyId)).toEqual(record);
    });

    it('updates and deletes only a key of that owner in that account', async () => {
      const record = key();
      await store.createAccessKey(record, 2);
      expect(await store.updateAccessKeyStatus(ACCOUNT, 'AIDASOMEONEELSE000001', record.accessKeyId, 'Inactive')).toBe(false);
      expect(await store.updateAccessKeyStatus(OTHER_ACCOUNT, record.ownerId, record.accessKeyId, 'Inactive')).toBe(false);
      expect(await store.deleteAccessKey(ACCOUNT, 'AIDASOMEONEELSE000001', record.accessKeyId)).toBe(false);
      expect(await store.deleteAccessKey(OTHER_ACCOUNT, record.ownerId, record.accessKeyId)).toBe(false);
      expect(await store.findAccessKey(record.accessKeyId)).toEqual(record);
      expect(await store.updateAccessKeyStatus(ACCOUNT, record.ownerId, record.accessKeyId, 'Inactive')).toBe(true);
      expect(await store.deleteAccessKey(ACCOUNT, record.ownerId, record.accessKeyId)).toBe(true);
      expect(await store.deleteAccessKey(ACCOUNT, record.ownerId, record.accessKeyId)).toBe(false);
      expect(await store.findAccessKey(record.accessKeyId)).toBeUndefined();
    });

    it('lists only the owner’s keys in that account', async () => {
      const mine = key();
      const theirs = key({ ownerId: 'AIDAOTHER0000000000001', userName: 'bob' });
      const elsewhere = key({ accountId: OTHER_ACCOUNT });
      for (const record of [mine, theirs, elsewhere]) await store.createAccessKey(record, 2);
      expect(await store.listOwnerAccessKeys(ACCOUNT, mine.ownerId)).toEqual([mine]);
      expect(await store.listOwnerAccessKeys(OTHER_ACCOUNT, mine.ownerId)).toEqual([elsewhere]);
    });

    it('closeOwner refuses while the owner has a key; once closed, a create is refused for good', async () => {
      const record = key();
      await store.createAccessKey(record, 2);
      expect(await store.closeOwner(ACCOUNT, record.ownerId)).toBe('has-access-keys');
      expect(await store.createAccessKey(key(), 2)).toBe('created');
      for (const owned of await store.listOwnerAccessKeys(ACCOUNT, record.ownerId)) await store.deleteAccessKey(ACCOUNT, owned.ownerId, owned.accessKeyId);
      expect(await store.closeOwner(ACCOUNT, record.ownerId)).toBe('closed');
      expect(await store.closeOwner(ACCOUNT, record.ownerId)).toBe('closed');
      expect(await store.createAccessKey(key(), 2)).toBe('owner-closed');
      // Another account's owner of the same id is another owner.
      expect(await store.createAccessKey(key({ accountId: OTHER_ACCOUNT }), 2)).toBe('created');
    });

    it('the reset path forgets one account’s keys, or every account’s', async () => {
      const here = key();
      const there = key({ accountId: OTHER_ACCOUNT });
      await store.createAccessKey(here, 2);
      await store.createAccessKey(there, 2);
      await adapters.reset.resetState(ACCOUNT);
      expect(await store.findAccessKey(here.accessKeyId)).toBeUndefined();
      expect(await store.findAccessKey(there.accessKeyId)).toEqual(there);
      await adapters.reset.resetState();
      expect(await store.findAccessKey(there.accessKeyId)).toBeUndefined();
    });

    if (!atomicUserRemoval) return;

    it('the atomic DeleteUser refuses while the user has keys and changes nothing', async () => {
      const removeUser = adapters.users.removeUser;
      expect(removeUser).toBeTypeOf('function');
      if (removeUser === undefined) return;
      const user = { accountId: ACCOUNT, userName: 'Alice', userId: 'AIDAOWNER000000000001', path: '/', createDate: new Date(T0) };
      await adapters.users.createUser(user);
      const record = key();
      await store.createAccessKey(record, 2);
      expect(await removeUser.call(adapters.users, ACCOUNT, 'Alice', user.userId)).toBe('has-access-keys');
      expect(await adapters.users.getUser(ACCOUNT, 'alice')).toEqual(user);
      expect(await store.createAccessKey(key(), 2)).toBe('created');
      for (const owned of await store.listOwnerAccessKeys(ACCOUNT, user.userId)) await store.deleteAccessKey(ACCOUNT, owned.ownerId, owned.accessKeyId);
      expect(await removeUser.call(adapters.users, ACCOUNT, 'Alice', user.userId)).toBe('deleted');
      expect(await store.createAccessKey(key(), 2)).toBe('owner-closed');
    });
  });
};
