import type { GroupMember, GroupRecord, InlinePolicyRecord, ManagedPolicyRecord, PolicyHolder } from '../domain/iam-policies.js';

/**
 * Storage of IAM's policies and groups: inline policies and managed-policy attachments of a holder (a user by UserId, a group by
 * GroupId), customer managed policies, groups and their members. Every method is one atomic unit, as in the credential store: the
 * limits that depend on what else exists (aggregate inline size, attachments per holder, groups per user and per account, policies
 * per account) are decided inside it. Holders are named by their ids, which are never reused: entries a racing operation leaves for
 * a user or group deleted meanwhile belong to nobody that exists and are never seen again (`forgetHolder` clears them).
 * Lists come whole, sorted by case-folded name (inline policies, groups, members) or in attachment order: IAM bounds each
 * (inline policies by size, attachments and groups per user by 10, groups per account by 300), and the operations page them.
 */
export interface PolicyStore {
  /**
   * Creates or replaces the holder's inline policy named `policyName` (any case; the new spelling is kept), unless the holder's
   * inline policies would then exceed `maxAggregateSize` in all (`policySize`, counted by the operation as `size`).
   */
  putInlinePolicy(command: PutInlinePolicyCommand): Promise<'stored' | 'too-large'>;

  getInlinePolicy(accountId: string, holder: PolicyHolder, policyName: string): Promise<InlinePolicyRecord | undefined>;

  /** The holder's inline policies, by case-folded name. */
  listInlinePolicies(accountId: string, holder: PolicyHolder): Promise<readonly InlinePolicyRecord[]>;

  /** True when something was deleted. */
  deleteInlinePolicy(accountId: string, holder: PolicyHolder, policyName: string): Promise<boolean>;

  /** Creates the customer managed policy unless one of the same name (any case) exists, or the account holds `maxPerAccount`. */
  createManagedPolicy(record: ManagedPolicyRecord, maxPerAccount: number): Promise<'created' | 'exists' | 'limit-exceeded'>;

  /** The account's customer managed policy of this name (any case). */
  getManagedPolicy(accountId: string, policyName: string): Promise<ManagedPolicyRecord | undefined>;

  /** The account's customer managed policies, by case-folded name. */
  listManagedPolicies(accountId: string): Promise<readonly ManagedPolicyRecord[]>;

  /** Deletes the customer managed policy of this name unless it is attached to any user or group. */
  deleteManagedPolicy(accountId: string, policyName: string): Promise<'deleted' | 'attached' | 'not-found'>;

  /**
   * Attaches `policyArn` to the holder, unless the holder has `maxAttached` already. A customer managed policy (`customerPolicyName`
   * given) must exist in the account at that moment, so an attachment never outlives its policy; an AWS managed policy is checked
   * by the operation. Attaching what is attached already changes nothing.
   */
  attachPolicy(command: AttachPolicyCommand): Promise<'attached' | 'already-attached' | 'limit-exceeded' | 'no-such-policy'>;

  /** True when the policy was attached and is no longer. */
  detachPolicy(accountId: string, holder: PolicyHolder, policyArn: string): Promise<boolean>;

  /** The ARNs attached to the holder, in the order they were attached. */
  listAttachedPolicies(accountId: string, holder: PolicyHolder): Promise<readonly string[]>;

  /** How many users and groups of the account each attached policy ARN is attached to (ARNs attached nowhere are absent). */
  attachmentCounts(accountId: string): Promise<ReadonlyMap<string, number>>;

  /** Creates the group unless one of the same name (any case) exists, or the account holds `maxPerAccount` groups. */
  createGroup(record: GroupRecord, maxPerAccount: number): Promise<'created' | 'exists' | 'limit-exceeded'>;

  getGroup(accountId: string, groupName: string): Promise<GroupRecord | undefined>;

  /** The account's groups, by case-folded name. */
  listGroups(accountId: string): Promise<readonly GroupRecord[]>;

  /**
   * Deletes the group named `groupName` if it is still the group `groupId` and holds nothing: members, inline policies and attached
   * policies each refuse it, checked in that order.
   */
  deleteGroup(
    accountId: string,
    groupName: string,
    groupId: string,
  ): Promise<'deleted' | 'has-members' | 'has-inline-policies' | 'has-attached-policies' | 'not-found'>;

  /**
   * Adds the user to the group `groupId` (still existing), unless the user is in `maxGroupsPerUser` groups already. Adding a member
   * again changes nothing.
   */
  addGroupMember(
    accountId: string,
    groupId: string,
    member: GroupMember,
    maxGroupsPerUser: number,
  ): Promise<'added' | 'already-member' | 'limit-exceeded' | 'no-such-group'>;

  /** True when the user was a member and is no longer. */
  removeGroupMember(accountId: string, groupId: string, userId: string): Promise<boolean>;

  /** The group's members, by case-folded user name. */
  listGroupMembers(accountId: string, groupId: string): Promise<readonly GroupMember[]>;

  /** The groups the user is a member of, by case-folded group name. */
  listGroupsOfUser(accountId: string, userId: string): Promise<readonly GroupRecord[]>;

  /**
   * What keeps a user from being deleted, in the order DeleteUser reports it: inline policies, then attached policies, then groups;
   * `none` when nothing does.
   */
  userDependencies(accountId: string, userId: string): Promise<'inline-policies' | 'attached-policies' | 'groups' | 'none'>;

  /** Drops every entry held by a user or group that no longer exists (left by an operation that raced its deletion). */
  forgetHolder(accountId: string, holder: PolicyHolder): Promise<void>;
}

export interface PutInlinePolicyCommand {
  readonly accountId: string;
  readonly holder: PolicyHolder;
  readonly policy: InlinePolicyRecord;
  /** `policySize(policy.document)`. */
  readonly size: number;
  readonly maxAggregateSize: number;
}

export interface AttachPolicyCommand {
  readonly accountId: string;
  readonly holder: PolicyHolder;
  readonly policyArn: string;
  /** The customer managed policy's name when the ARN is the account's own; absent for an AWS managed policy. */
  readonly customerPolicyName?: string;
  readonly maxAttached: number;
}
