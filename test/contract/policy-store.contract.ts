/**
 * The behaviour every PolicyStore must share, run against each adapter (in-memory, PGlite, PostgreSQL). `makeAdapters` gives a
 * fresh, empty store per test, with what the endpoint's reset path calls for it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GroupRecord, ManagedPolicyRecord, PolicyHolder } from '../../src/domain/iam-policies.js';
import type { PolicyStore } from '../../src/ports/policy-store.port.js';
import type { StateReset } from '../../src/ports/state-reset.port.js';

export interface PolicyContractAdapters {
  readonly policies: PolicyStore;
  readonly reset: StateReset;
  dispose(): Promise<void>;
}

const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
const T0 = new Date('2026-11-23T10:00:00.000Z');
const ALICE: PolicyHolder = { kind: 'user', id: 'AIDAALICE000000000001' };
const BOB: PolicyHolder = { kind: 'user', id: 'AIDABOB00000000000001' };

const managed = (policyName: string, overrides: Partial<ManagedPolicyRecord> = {}): ManagedPolicyRecord => ({
  accountId: ACCOUNT,
  policyName,
  policyId: `ANPA${policyName.toUpperCase().padEnd(17, 'X').slice(0, 17)}`,
  path: '/',
  document: '{"Version":"2012-10-17","Statement":[]}',
  defaultVersionId: 'v1',
  createDate: T0,
  updateDate: T0,
  ...overrides,
});

const group = (groupName: string, overrides: Partial<GroupRecord> = {}): GroupRecord => ({
  accountId: ACCOUNT,
  groupName,
  groupId: `AGPA${groupName.toUpperCase().padEnd(17, 'X').slice(0, 17)}`,
  path: '/',
  createDate: T0,
  ...overrides,
});

const arnOf = (name: string): string => `arn:aws:iam::${ACCOUNT}:policy/${name}`;

export const describePolicyStoreContract = (name: string, makeAdapters: () => Promise<PolicyContractAdapters>): void => {
  describe(`PolicyStore contract: ${name}`, () => {
    let adapters: PolicyContractAdapters;
    let store: PolicyStore;
    beforeEach(async () => {
      adapters = await makeAdapters();
      store = adapters.policies;
    });
    afterEach(async () => {
      await adapters.dispose();
    });

    it('keeps inline policies per holder by case-folded name, the new spelling replacing the old, listed by name', async () => {
      const put = (holder: PolicyHolder, policyName: string, document: string, size = 10) =>
        store.putInlinePolicy({ accountId: ACCOUNT, holder, policy: { policyName, document }, size, maxAggregateSize: 100 });
      expect(await put(ALICE, 'Read', 'one')).toBe('stored');
      expect(await put(ALICE, 'another', 'two')).toBe('stored');
      expect(await put(ALICE, 'READ', 'three')).toBe('stored');
      expect(await store.getInlinePolicy(ACCOUNT, ALICE, 'read')).toEqual({ policyName: 'READ', document: 'three' });
      expect(await store.listInlinePolicies(ACCOUNT, ALICE)).toEqual([
        { policyName: 'another', document: 'two' },
        { policyName: 'READ', document: 'three' },
      ]);
      expect(await store.listInlinePolicies(ACCOUNT, BOB)).toEqual([]);
      expect(await store.listInlinePolicies(OTHER_ACCOUNT, ALICE)).toEqual([]);
      expect(await store.getInlinePolicy(ACCOUNT, { kind: 'group', id: ALICE.id }, 'read')).toBeUndefined();
      expect(await store.deleteInlinePolicy(ACCOUNT, ALICE, 'Read')).toBe(true);
      expect(await store.deleteInlinePolicy(ACCOUNT, ALICE, 'Read')).toBe(false);
      expect(await store.getInlinePolicy(ACCOUNT, ALICE, 'read')).toBeUndefined();
    });

    it("refuses an inline policy that takes the holder's aggregate over the limit, counting a replaced one once", async () => {
      const put = (policyName: string, size: number) =>
        store.putInlinePolicy({ accountId: ACCOUNT, holder: ALICE, policy: { policyName, document: 'x' }, size, maxAggregateSize: 100 });
      expect(await put('a', 60)).toBe('stored');
      expect(await put('b', 41)).toBe('too-large');
      expect(await put('b', 40)).toBe('stored');
      expect(await put('A', 60)).toBe('stored');
      expect(await put('a', 61)).toBe('too-large');
      expect((await store.getInlinePolicy(ACCOUNT, ALICE, 'a'))?.policyName).toBe('A');
    });

    it('creates customer managed policies once per name (any case), up to the per-account limit, reads and lists them', async () => {
      expect(await store.createManagedPolicy(managed('Mine', { path: '/team/', description: 'd' }), 2)).toBe('created');
      expect(await store.createManagedPolicy(managed('MINE'), 2)).toBe('exists');
      expect(await store.createManagedPolicy(managed('another'), 2)).toBe('created');
      expect(await store.createManagedPolicy(managed('third'), 2)).toBe('limit-exceeded');
      expect(await store.createManagedPolicy(managed('third', { accountId: OTHER_ACCOUNT }), 2)).toBe('created');
      expect(await store.getManagedPolicy(ACCOUNT, 'mine')).toEqual(managed('Mine', { path: '/team/', description: 'd' }));
      expect((await store.listManagedPolicies(ACCOUNT)).map((p) => p.policyName)).toEqual(['another', 'Mine']);
      expect(await store.getManagedPolicy(OTHER_ACCOUNT, 'Mine')).toBeUndefined();
    });

    it('attaches up to the limit, once per ARN, only existing customer policies; counts; refuses deleting an attached policy', async () => {
      await store.createManagedPolicy(managed('Mine'), 10);
      const attach = (holder: PolicyHolder, policyArn: string, customerPolicyName?: string) =>
        store.attachPolicy({ accountId: ACCOUNT, holder, policyArn, maxAttached: 2, ...(customerPolicyName === undefined ? {} : { customerPolicyName }) });
      expect(await attach(ALICE, arnOf('Mine'), 'Mine')).toBe('attached');
      expect(await attach(ALICE, arnOf('Mine'), 'Mine')).toBe('already-attached');
      expect(await attach(ALICE, arnOf('Gone'), 'Gone')).toBe('no-such-policy');
      expect(await attach(ALICE, 'arn:aws:iam::aws:policy/B')).toBe('attached');
      expect(await attach(ALICE, 'arn:aws:iam::aws:policy/A')).toBe('limit-exceeded');
      expect(await attach(BOB, arnOf('Mine'), 'Mine')).toBe('attached');
      expect(await store.listAttachedPolicies(ACCOUNT, ALICE)).toEqual([arnOf('Mine'), 'arn:aws:iam::aws:policy/B']);
      expect(await store.attachmentCounts(ACCOUNT)).toEqual(new Map([[arnOf('Mine'), 2], ['arn:aws:iam::aws:policy/B', 1]]));
      expect(await store.deleteManagedPolicy(ACCOUNT, 'mine')).toBe('attached');
      expect(await store.detachPolicy(ACCOUNT, ALICE, arnOf('Mine'))).toBe(true);
      expect(await store.detachPolicy(ACCOUNT, ALICE, arnOf('Mine'))).toBe(false);
      expect(await store.detachPolicy(ACCOUNT, BOB, arnOf('Mine'))).toBe(true);
      expect(await store.deleteManagedPolicy(ACCOUNT, 'mine')).toBe('deleted');
      expect(await store.deleteManagedPolicy(ACCOUNT, 'mine')).toBe('not-found');
      expect(await store.attachmentCounts(ACCOUNT)).toEqual(new Map([['arn:aws:iam::aws:policy/B', 1]]));
    });

    it('never exceeds the attachment limit under concurrent attaches', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          store.attachPolicy({ accountId: ACCOUNT, holder: ALICE, policyArn: `arn:aws:iam::aws:policy/P${index}`, maxAttached: 3 }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome === 'attached')).toHaveLength(3);
      expect(await store.listAttachedPolicies(ACCOUNT, ALICE)).toHaveLength(3);
    });

    it('creates groups once per name (any case) up to the limit; members up to the per-user limit; lists both ways', async () => {
      expect(await store.createGroup(group('Devs', { path: '/eng/' }), 3)).toBe('created');
      expect(await store.createGroup(group('devs'), 3)).toBe('exists');
      expect(await store.createGroup(group('admins'), 3)).toBe('created');
      expect(await store.createGroup(group('ops'), 3)).toBe('created');
      expect(await store.createGroup(group('more'), 3)).toBe('limit-exceeded');
      expect(await store.getGroup(ACCOUNT, 'DEVS')).toEqual(group('Devs', { path: '/eng/' }));
      expect((await store.listGroups(ACCOUNT)).map((g) => g.groupName)).toEqual(['admins', 'Devs', 'ops']);
      const devs = group('Devs').groupId;
      const admins = group('admins').groupId;
      const ops = group('ops').groupId;
      expect(await store.addGroupMember(ACCOUNT, devs, { userId: ALICE.id, userName: 'alice' }, 2)).toBe('added');
      expect(await store.addGroupMember(ACCOUNT, devs, { userId: ALICE.id, userName: 'alice' }, 2)).toBe('already-member');
      expect(await store.addGroupMember(ACCOUNT, admins, { userId: ALICE.id, userName: 'alice' }, 2)).toBe('added');
      expect(await store.addGroupMember(ACCOUNT, ops, { userId: ALICE.id, userName: 'alice' }, 2)).toBe('limit-exceeded');
      expect(await store.addGroupMember(ACCOUNT, 'AGPANOSUCHGROUP000000', { userId: ALICE.id, userName: 'alice' }, 2)).toBe('no-such-group');
      expect(await store.addGroupMember(ACCOUNT, devs, { userId: BOB.id, userName: 'Bob' }, 2)).toBe('added');
      expect(await store.listGroupMembers(ACCOUNT, devs)).toEqual([
        { userId: ALICE.id, userName: 'alice' },
        { userId: BOB.id, userName: 'Bob' },
      ]);
      expect((await store.listGroupsOfUser(ACCOUNT, ALICE.id)).map((g) => g.groupName)).toEqual(['admins', 'Devs']);
      expect(await store.removeGroupMember(ACCOUNT, admins, ALICE.id)).toBe(true);
      expect(await store.removeGroupMember(ACCOUNT, admins, ALICE.id)).toBe(false);
      expect((await store.listGroupsOfUser(ACCOUNT, ALICE.id)).map((g) => g.groupName)).toEqual(['Devs']);
    });

    it('refuses deleting a group with members, then inline policies, then attached policies; deletes an empty one by its id only', async () => {
      await store.createGroup(group('Devs'), 10);
      const { groupId } = group('Devs');
      const holder: PolicyHolder = { kind: 'group', id: groupId };
      await store.addGroupMember(ACCOUNT, groupId, { userId: ALICE.id, userName: 'alice' }, 10);
      await store.putInlinePolicy({ accountId: ACCOUNT, holder, policy: { policyName: 'p', document: 'x' }, size: 1, maxAggregateSize: 10 });
      await store.attachPolicy({ accountId: ACCOUNT, holder, policyArn: 'arn:aws:iam::aws:policy/A', maxAttached: 10 });
      expect(await store.deleteGroup(ACCOUNT, 'devs', groupId)).toBe('has-members');
      await store.removeGroupMember(ACCOUNT, groupId, ALICE.id);
      expect(await store.deleteGroup(ACCOUNT, 'devs', groupId)).toBe('has-inline-policies');
      await store.deleteInlinePolicy(ACCOUNT, holder, 'p');
      expect(await store.deleteGroup(ACCOUNT, 'devs', groupId)).toBe('has-attached-policies');
      await store.detachPolicy(ACCOUNT, holder, 'arn:aws:iam::aws:policy/A');
      expect(await store.deleteGroup(ACCOUNT, 'devs', 'AGPAANOTHERGROUP00000')).toBe('not-found');
      expect(await store.deleteGroup(ACCOUNT, 'devs', groupId)).toBe('deleted');
      expect(await store.getGroup(ACCOUNT, 'devs')).toBeUndefined();
      expect(await store.deleteGroup(ACCOUNT, 'devs', groupId)).toBe('not-found');
    });

    it("reports what keeps a user from being deleted, in IAM's order, and forgets a deleted holder's entries", async () => {
      await store.createGroup(group('Devs'), 10);
      expect(await store.userDependencies(ACCOUNT, ALICE.id)).toBe('none');
      await store.addGroupMember(ACCOUNT, group('Devs').groupId, { userId: ALICE.id, userName: 'alice' }, 10);
      expect(await store.userDependencies(ACCOUNT, ALICE.id)).toBe('groups');
      await store.attachPolicy({ accountId: ACCOUNT, holder: ALICE, policyArn: 'arn:aws:iam::aws:policy/A', maxAttached: 10 });
      expect(await store.userDependencies(ACCOUNT, ALICE.id)).toBe('attached-policies');
      await store.putInlinePolicy({ accountId: ACCOUNT, holder: ALICE, policy: { policyName: 'p', document: 'x' }, size: 1, maxAggregateSize: 10 });
      expect(await store.userDependencies(ACCOUNT, ALICE.id)).toBe('inline-policies');
      await store.forgetHolder(ACCOUNT, ALICE);
      expect(await store.userDependencies(ACCOUNT, ALICE.id)).toBe('none');
      expect(await store.listGroupMembers(ACCOUNT, group('Devs').groupId)).toEqual([]);
      expect(await store.listAttachedPolicies(ACCOUNT, ALICE)).toEqual([]);
    });

    it("reset empties one account's policies and groups, or every account's", async () => {
      for (const accountId of [ACCOUNT, OTHER_ACCOUNT]) {
        await store.createManagedPolicy(managed('Mine', { accountId }), 10);
        await store.createGroup(group('Devs', { accountId }), 10);
        await store.putInlinePolicy({ accountId, holder: ALICE, policy: { policyName: 'p', document: 'x' }, size: 1, maxAggregateSize: 10 });
        await store.attachPolicy({ accountId, holder: ALICE, policyArn: 'arn:aws:iam::aws:policy/A', maxAttached: 10 });
        await store.addGroupMember(accountId, group('Devs').groupId, { userId: ALICE.id, userName: 'alice' }, 10);
      }
      await adapters.reset.resetState(ACCOUNT);
      expect(await store.listManagedPolicies(ACCOUNT)).toEqual([]);
      expect(await store.listGroups(ACCOUNT)).toEqual([]);
      expect(await store.userDependencies(ACCOUNT, ALICE.id)).toBe('none');
      expect(await store.userDependencies(OTHER_ACCOUNT, ALICE.id)).toBe('inline-policies');
      expect(await store.listGroups(OTHER_ACCOUNT)).toHaveLength(1);
      await adapters.reset.resetState();
      expect(await store.listManagedPolicies(OTHER_ACCOUNT)).toEqual([]);
      expect(await store.listGroups(OTHER_ACCOUNT)).toEqual([]);
      expect(await store.attachmentCounts(OTHER_ACCOUNT)).toEqual(new Map());
      expect(await store.userDependencies(OTHER_ACCOUNT, ALICE.id)).toBe('none');
    });
  });
};
