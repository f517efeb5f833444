import { arnOfPolicy, type GroupMember, type GroupRecord, type InlinePolicyRecord, type ManagedPolicyRecord, nameKey, type PolicyHolder } from '../../domain/iam-policies.js';
import type { Immediate } from '../../ports/immediate.port.js';
import type { PolicyChangeCount } from '../../ports/policy-change-count.port.js';
import type { AttachPolicyCommand, PolicyStore, PutInlinePolicyCommand } from '../../ports/policy-store.port.js';
import type { StateReset } from '../../ports/state-reset.port.js';
import { promising } from './promising.js';

interface StoredInline {
  readonly policy: InlinePolicyRecord;
  readonly size: number;
}

/** What a user or a group holds: inline policies by case-folded name, attached ARNs in attachment order. */
interface Holdings {
  readonly inline: Map<string, StoredInline>;
  readonly attached: string[];
}

interface StoredGroup {
  readonly record: GroupRecord;
  /** Members by UserId. */
  readonly members: Map<string, GroupMember>;
}

interface AccountPolicies {
  /** Holdings by `kind:id`. */
  readonly holdings: Map<string, Holdings>;
  /** Customer managed policies by case-folded name. */
  readonly managed: Map<string, ManagedPolicyRecord>;
  /** Groups by case-folded name, and by id. */
  readonly groups: Map<string, StoredGroup>;
  readonly groupsById: Map<string, StoredGroup>;
  /** Group ids of each user (by UserId). */
  readonly groupsOfUser: Map<string, Set<string>>;
}

const holderKey = (holder: PolicyHolder): string => `${holder.kind}:${holder.id}`;

const byName = <T>(items: Iterable<T>, name: (item: T) => string): T[] =>
  [...items].sort((a, b) => {
    const left = nameKey(name(a));
    const right = nameKey(name(b));
    return left < right ? -1 : left > right ? 1 : 0;
  });

/**
 * Policies and groups of every account; every method is atomic (synchronous). The engine calls this face directly, and its
 * authorizer reads the change count (every writing method counts one, first thing, even when it then refuses: a count that moves
 * too often only costs a cache refill, one that misses a write would keep a stale decision).
 */
export const createImmediatePolicyStore = (): Immediate<PolicyStore & StateReset> & PolicyChangeCount => {
  const accounts = new Map<string, AccountPolicies>();
  let changes = 0;

  const account = (accountId: string): AccountPolicies => {
    let found = accounts.get(accountId);
    if (found === undefined) {
      found = { holdings: new Map(), managed: new Map(), groups: new Map(), groupsById: new Map(), groupsOfUser: new Map() };
      accounts.set(accountId, found);
    }
    return found;
  };

  const holdingsOf = (accountId: string, holder: PolicyHolder): Holdings | undefined => accounts.get(accountId)?.holdings.get(holderKey(holder));

  const holdingsFor = (accountId: string, holder: PolicyHolder): Holdings => {
    const { holdings } = account(accountId);
    const key = holderKey(holder);
    let found = holdings.get(key);
    if (found === undefined) {
      found = { inline: new Map(), attached: [] };
      holdings.set(key, found);
    }
    return found;
  };

  const isAttachedAnywhere = (policies: AccountPolicies, arn: string): boolean => {
    for (const holdings of policies.holdings.values()) if (holdings.attached.includes(arn)) return true;
    return false;
  };

  return {
    policyChangeCount(): number {
      return changes;
    },

    putInlinePolicy(command: PutInlinePolicyCommand): 'stored' | 'too-large' {
      changes += 1;
      const holdings = holdingsFor(command.accountId, command.holder);
      const key = nameKey(command.policy.policyName);
      let aggregate = command.size;
      for (const [otherKey, other] of holdings.inline) if (otherKey !== key) aggregate += other.size;
      if (aggregate > command.maxAggregateSize) return 'too-large';
      holdings.inline.delete(key);
      holdings.inline.set(key, { policy: { policyName: command.policy.policyName, document: command.policy.document }, size: command.size });
      return 'stored';
    },

    getInlinePolicy(accountId: string, holder: PolicyHolder, policyName: string) {
      return holdingsOf(accountId, holder)?.inline.get(nameKey(policyName))?.policy;
    },

    listInlinePolicies(accountId: string, holder: PolicyHolder): readonly InlinePolicyRecord[] {
      const holdings = holdingsOf(accountId, holder);
      if (holdings === undefined) return [];
      return byName(
        [...holdings.inline.values()].map((stored) => stored.policy),
        (policy) => policy.policyName,
      );
    },

    deleteInlinePolicy(accountId: string, holder: PolicyHolder, policyName: string): boolean {
      changes += 1;
      return holdingsOf(accountId, holder)?.inline.delete(nameKey(policyName)) ?? false;
    },

    createManagedPolicy(record: ManagedPolicyRecord, maxPerAccount: number): 'created' | 'exists' | 'limit-exceeded' {
      changes += 1;
      const { managed } = account(record.accountId);
      const key = nameKey(record.policyName);
      if (managed.has(key)) return 'exists';
      if (managed.size >= maxPerAccount) return 'limit-exceeded';
      managed.set(key, Object.freeze({ ...record }));
      return 'created';
    },

    getManagedPolicy(accountId: string, policyName: string) {
      return accounts.get(accountId)?.managed.get(nameKey(policyName));
    },

    listManagedPolicies(accountId: string): readonly ManagedPolicyRecord[] {
      const policies = accounts.get(accountId);
      return policies === undefined ? [] : byName(policies.managed.values(), (policy) => policy.policyName);
    },

    deleteManagedPolicy(accountId: string, policyName: string): 'deleted' | 'attached' | 'not-found' {
      changes += 1;
      const policies = accounts.get(accountId);
      const key = nameKey(policyName);
      const record = policies?.managed.get(key);
      if (policies === undefined || record === undefined) return 'not-found';
      if (isAttachedAnywhere(policies, arnOfPolicy(record))) return 'attached';
      policies.managed.delete(key);
      return 'deleted';
    },

    attachPolicy(command: AttachPolicyCommand): 'attached' | 'already-attached' | 'limit-exceeded' | 'no-such-policy' {
      changes += 1;
      const { customerPolicyName } = command;
      if (customerPolicyName !== undefined && accounts.get(command.accountId)?.managed.has(nameKey(customerPolicyName)) !== true) {
        return 'no-such-policy';
      }
      const holdings = holdingsFor(command.accountId, command.holder);
      if (holdings.attached.includes(command.policyArn)) return 'already-attached';
      if (holdings.attached.length >= command.maxAttached) return 'limit-exceeded';
      holdings.attached.push(command.policyArn);
      return 'attached';
    },

    detachPolicy(accountId: string, holder: PolicyHolder, policyArn: string): boolean {
      changes += 1;
      const attached = holdingsOf(accountId, holder)?.attached;
      const index = attached?.indexOf(policyArn) ?? -1;
      if (attached === undefined || index < 0) return false;
      attached.splice(index, 1);
      return true;
    },

    listAttachedPolicies(accountId: string, holder: PolicyHolder): readonly string[] {
      return [...(holdingsOf(accountId, holder)?.attached ?? [])];
    },

    attachmentCounts(accountId: string): ReadonlyMap<string, number> {
      const counts = new Map<string, number>();
      for (const holdings of accounts.get(accountId)?.holdings.values() ?? []) {
        for (const arn of holdings.attached) counts.set(arn, (counts.get(arn) ?? 0) + 1);
      }
      return counts;
    },

    createGroup(record: GroupRecord, maxPerAccount: number): 'created' | 'exists' | 'limit-exceeded' {
      changes += 1;
      const policies = account(record.accountId);
      const key = nameKey(record.groupName);
      if (policies.groups.has(key)) return 'exists';
      if (policies.groups.size >= maxPerAccount) return 'limit-exceeded';
      const group: StoredGroup = { record: Object.freeze({ ...record }), members: new Map() };
      policies.groups.set(key, group);
      policies.groupsById.set(record.groupId, group);
      return 'created';
    },

    getGroup(accountId: string, groupName: string) {
      return accounts.get(accountId)?.groups.get(nameKey(groupName))?.record;
    },

    listGroups(accountId: string): readonly GroupRecord[] {
      const policies = accounts.get(accountId);
      return policies === undefined ? [] : byName([...policies.groups.values()].map((group) => group.record), (group) => group.groupName);
    },

    deleteGroup(accountId: string, groupName: string, groupId: string) {
      changes += 1;
      const policies = accounts.get(accountId);
      const key = nameKey(groupName);
      const group = policies?.groups.get(key);
      if (policies === undefined || group?.record.groupId !== groupId) return 'not-found';
      if (group.members.size > 0) return 'has-members';
      const holder: PolicyHolder = { kind: 'group', id: groupId };
      const holdings = policies.holdings.get(holderKey(holder));
      if (holdings !== undefined && holdings.inline.size > 0) return 'has-inline-policies';
      if (holdings !== undefined && holdings.attached.length > 0) return 'has-attached-policies';
      policies.groups.delete(key);
      policies.groupsById.delete(groupId);
      policies.holdings.delete(holderKey(holder));
      return 'deleted';
    },

    addGroupMember(accountId: string, groupId: string, member: GroupMember, maxGroupsPerUser: number) {
      changes += 1;
      const policies = accounts.get(accountId);
      const group = policies?.groupsById.get(groupId);
      if (policies === undefined || group === undefined) return 'no-such-group';
      if (group.members.has(member.userId)) return 'already-member';
      let groups = policies.groupsOfUser.get(member.userId);
      if (groups !== undefined && groups.size >= maxGroupsPerUser) return 'limit-exceeded';
      if (groups === undefined) {
        groups = new Set();
        policies.groupsOfUser.set(member.userId, groups);
      }
      groups.add(groupId);
      group.members.set(member.userId, { userId: member.userId, userName: member.userName });
      return 'added';
    },

    removeGroupMember(accountId: string, groupId: string, userId: string): boolean {
      changes += 1;
      const policies = accounts.get(accountId);
      const group = policies?.groupsById.get(groupId);
      if (policies === undefined || group === undefined || !group.members.delete(userId)) return false;
      policies.groupsOfUser.get(userId)?.delete(groupId);
      return true;
    },

    listGroupMembers(accountId: string, groupId: string): readonly GroupMember[] {
      const group = accounts.get(accountId)?.groupsById.get(groupId);
      return group === undefined ? [] : byName(group.members.values(), (member) => member.userName);
    },

    listGroupsOfUser(accountId: string, userId: string): readonly GroupRecord[] {
      const policies = accounts.get(accountId);
      const groups: GroupRecord[] = [];
      for (const groupId of policies?.groupsOfUser.get(userId) ?? []) {
        const group = policies?.groupsById.get(groupId);
        if (group !== undefined) groups.push(group.record);
      }
      return byName(groups, (group) => group.groupName);
    },

    userDependencies(accountId: string, userId: string) {
      const holdings = holdingsOf(accountId, { kind: 'user', id: userId });
      if (holdings !== undefined && holdings.inline.size > 0) return 'inline-policies';
      if (holdings !== undefined && holdings.attached.length > 0) return 'attached-policies';
      return (accounts.get(accountId)?.groupsOfUser.get(userId)?.size ?? 0) > 0 ? 'groups' : 'none';
    },

    forgetHolder(accountId: string, holder: PolicyHolder): void {
      changes += 1;
      const policies = accounts.get(accountId);
      if (policies === undefined) return;
      policies.holdings.delete(holderKey(holder));
      if (holder.kind === 'user') {
        for (const groupId of policies.groupsOfUser.get(holder.id) ?? []) policies.groupsById.get(groupId)?.members.delete(holder.id);
        policies.groupsOfUser.delete(holder.id);
      }
    },

    resetState(accountId?: string): void {
      changes += 1;
      if (accountId === undefined) accounts.clear();
      else accounts.delete(accountId);
    },
  };
};

/** The policy store as the async port (for an engine handed adapters, and the endpoint's reset path). */
export const createInMemoryPolicyStore = (): PolicyStore & StateReset => {
  // The change count is for a reader of the synchronous face; the async port does not offer it.
  const { policyChangeCount: _unused, ...immediate } = createImmediatePolicyStore();
  return promising<PolicyStore & StateReset>(immediate);
};
