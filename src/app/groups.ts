import { err, ok, type Result } from 'neverthrow';
import { deleteConflict, groupAlreadyExists, type IamError, limitExceeded, noSuchGroup, noSuchUser } from '../domain/iam-error.js';
import { type GroupRecord, nameKey, POLICY_LIMITS, toGroup } from '../domain/iam-policies.js';
import { groupNameSpec, policyArnSpec, policyDocumentSpec, policyNameSpec, policyPathPrefixSpec } from '../domain/policy-member-specs.js';
import type {
  AddUserToGroupRequest,
  AttachGroupPolicyRequest,
  CreateGroupRequest,
  CreateGroupResponse,
  DeleteGroupPolicyRequest,
  DeleteGroupRequest,
  DetachGroupPolicyRequest,
  EmptyResponse,
  GetGroupPolicyRequest,
  GetGroupPolicyResponse,
  GetGroupRequest,
  GetGroupResponse,
  ListAttachedGroupPoliciesRequest,
  ListAttachedPoliciesResponse,
  ListGroupPoliciesRequest,
  ListGroupsForUserRequest,
  ListGroupsRequest,
  ListGroupsResponse,
  ListPolicyNamesResponse,
  PutGroupPolicyRequest,
  RemoveUserFromGroupRequest,
  User,
} from '../domain/shapes.js';
import { toUser } from '../domain/user.js';
import { compileValidator, markerSpec, maxItemsSpec, pathPrefixSpec, pathSpec, userNameSpec } from '../domain/validation.js';
import { type EngineDependencies, internalFailure, type RequestContext, resolveAccountId } from './engine-dependencies.js';
import { findUser } from './find-user.js';
import { answerOf, type Operation, type Step } from './operation.js';
import { findGroup, pageOf } from './policy-steps.js';
import {
  attachPolicy,
  deleteInlinePolicy,
  detachPolicy,
  type FoundHolder,
  getInlinePolicy,
  listAttachedPolicies,
  listInlinePolicies,
  putInlinePolicy,
} from './user-policies.js';

const validateCreate = compileValidator<CreateGroupRequest>([pathSpec, groupNameSpec]);
const validateGet = compileValidator<GetGroupRequest>([groupNameSpec, markerSpec, maxItemsSpec]);
const validateList = compileValidator<ListGroupsRequest>([pathPrefixSpec, markerSpec, maxItemsSpec]);
const validateDelete = compileValidator<DeleteGroupRequest>([groupNameSpec]);
const validateMembership = compileValidator<AddUserToGroupRequest>([groupNameSpec, userNameSpec(true)]);
const validateGroupsForUser = compileValidator<ListGroupsForUserRequest>([userNameSpec(true), markerSpec, maxItemsSpec]);
const validatePutPolicy = compileValidator<PutGroupPolicyRequest>([groupNameSpec, policyNameSpec, policyDocumentSpec]);
const validateNamedPolicy = compileValidator<GetGroupPolicyRequest>([groupNameSpec, policyNameSpec]);
const validateListPolicies = compileValidator<ListGroupPoliciesRequest>([groupNameSpec, markerSpec, maxItemsSpec]);
const validateAttach = compileValidator<AttachGroupPolicyRequest>([groupNameSpec, policyArnSpec]);
const validateListAttached = compileValidator<ListAttachedGroupPoliciesRequest>([groupNameSpec, policyPathPrefixSpec, markerSpec, maxItemsSpec]);

const holderOfGroup = (group: GroupRecord): FoundHolder => ({ holder: { kind: 'group', id: group.groupId }, name: group.groupName });

/** Account, then the group: the front half of every operation on a group. */
function* groupHolder(
  deps: EngineDependencies,
  ctx: RequestContext | undefined,
  groupName: string,
): Step<Result<{ readonly accountId: string; readonly group: GroupRecord; readonly found: FoundHolder }, IamError>> {
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const group = yield* findGroup(deps, accountId.value, groupName);
  if (group.isErr()) return err(group.error);
  return ok({ accountId: accountId.value, group: group.value, found: holderOfGroup(group.value) });
}

export function* createGroup(deps: EngineDependencies, request: CreateGroupRequest, ctx: RequestContext | undefined): Operation<CreateGroupResponse> {
  const input = validateCreate(request);
  if (input.isErr()) return err(input.error);
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const groupId = deps.newId('AGPA');
  if (groupId.isErr()) return internalFailure(deps, groupId.error);
  const record: GroupRecord = {
    accountId: accountId.value,
    groupName: input.value.GroupName,
    groupId: groupId.value,
    path: input.value.Path ?? '/',
    createDate: deps.clock.now(),
  };
  const created = yield* answerOf(deps.ports.policies.createGroup(record, POLICY_LIMITS.groupsPerAccount));
  switch (created) {
    case 'created':
      return ok({ Group: toGroup(record) });
    case 'exists':
      return err(groupAlreadyExists(record.groupName));
    case 'limit-exceeded':
      return err(limitExceeded('GroupsPerAccount', POLICY_LIMITS.groupsPerAccount));
  }
}

/** The group and its members (paged), each as GetUser shows it. */
export function* getGroup(deps: EngineDependencies, request: GetGroupRequest, ctx: RequestContext | undefined): Operation<GetGroupResponse> {
  const input = validateGet(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* groupHolder(deps, ctx, input.value.GroupName);
  if (subject.isErr()) return err(subject.error);
  const { accountId, group } = subject.value;
  const members = yield* answerOf(deps.ports.policies.listGroupMembers(accountId, group.groupId));
  const page = pageOf(members, (member) => nameKey(member.userName), input.value.Marker, input.value.MaxItems);
  if (page.isErr()) return err(page.error);
  const users: User[] = [];
  for (const member of page.value.items) {
    const user = yield* answerOf(deps.ports.users.getUser(accountId, member.userName));
    // A member whose user was deleted meanwhile (or replaced by a new user of the same name) is no member.
    if (user !== undefined && user.userId === member.userId) users.push(toUser(user));
  }
  const { marker, isTruncated } = page.value;
  const answer: GetGroupResponse = { Group: toGroup(group), Users: users, IsTruncated: isTruncated };
  if (marker !== undefined) answer.Marker = marker;
  return ok(answer);
}

export function* listGroups(deps: EngineDependencies, request: ListGroupsRequest, ctx: RequestContext | undefined): Operation<ListGroupsResponse> {
  const input = validateList(request);
  if (input.isErr()) return err(input.error);
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const all = yield* answerOf(deps.ports.policies.listGroups(accountId.value));
  const { PathPrefix: pathPrefix } = input.value;
  const groups = pathPrefix === undefined ? all : all.filter((group) => group.path.startsWith(pathPrefix));
  return groupsPage(groups, input.value.Marker, input.value.MaxItems);
}

const groupsPage = (groups: readonly GroupRecord[], marker: string | undefined, maxItems: number | undefined): Result<ListGroupsResponse, IamError> =>
  pageOf(groups, (group) => nameKey(group.groupName), marker, maxItems).map(({ items, marker: next, isTruncated }) =>
    next === undefined ? { Groups: items.map(toGroup), IsTruncated: isTruncated } : { Groups: items.map(toGroup), Marker: next, IsTruncated: isTruncated },
  );

/** Refused while the group has members, inline policies or attached policies (DeleteConflict, with IAM's message for each). */
export function* deleteGroup(deps: EngineDependencies, request: DeleteGroupRequest, ctx: RequestContext | undefined): Operation<EmptyResponse> {
  const input = validateDelete(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* groupHolder(deps, ctx, input.value.GroupName);
  if (subject.isErr()) return err(subject.error);
  const { accountId, group } = subject.value;
  const deleted = yield* answerOf(deps.ports.policies.deleteGroup(accountId, group.groupName, group.groupId));
  switch (deleted) {
    case 'deleted':
      return ok({});
    case 'has-members':
      return err(deleteConflict('Cannot delete entity, must remove users from group first.'));
    case 'has-inline-policies':
      return err(deleteConflict('Cannot delete entity, must delete policies first.'));
    case 'has-attached-policies':
      return err(deleteConflict('Cannot delete entity, must detach all policies first.'));
    case 'not-found':
      return err(noSuchGroup(input.value.GroupName));
  }
}

/** The group first, then the user (each NoSuchEntity); at most 10 groups per user. */
export function* addUserToGroup(deps: EngineDependencies, request: AddUserToGroupRequest, ctx: RequestContext | undefined): Operation<EmptyResponse> {
  const input = validateMembership(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* groupHolder(deps, ctx, input.value.GroupName);
  if (subject.isErr()) return err(subject.error);
  const { accountId, group } = subject.value;
  const user = yield* findUser(deps, accountId, input.value.UserName);
  if (user.isErr()) return err(user.error);
  const added = yield* answerOf(
    deps.ports.policies.addGroupMember(accountId, group.groupId, { userId: user.value.userId, userName: user.value.userName }, POLICY_LIMITS.groupsPerUser),
  );
  switch (added) {
    case 'added':
    case 'already-member':
      return ok({});
    case 'limit-exceeded':
      return err(limitExceeded('GroupsPerUser', POLICY_LIMITS.groupsPerUser));
    case 'no-such-group':
      return err(noSuchGroup(input.value.GroupName));
  }
}

/** A user who is not a member is NoSuchEntity, worded as for a user that does not exist. */
export function* removeUserFromGroup(
  deps: EngineDependencies,
  request: RemoveUserFromGroupRequest,
  ctx: RequestContext | undefined,
): Operation<EmptyResponse> {
  const input = validateMembership(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* groupHolder(deps, ctx, input.value.GroupName);
  if (subject.isErr()) return err(subject.error);
  const { accountId, group } = subject.value;
  const user = yield* findUser(deps, accountId, input.value.UserName);
  if (user.isErr()) return err(user.error);
  const removed = yield* answerOf(deps.ports.policies.removeGroupMember(accountId, group.groupId, user.value.userId));
  return removed ? ok({}) : err(noSuchUser(input.value.UserName));
}

export function* listGroupsForUser(
  deps: EngineDependencies,
  request: ListGroupsForUserRequest,
  ctx: RequestContext | undefined,
): Operation<ListGroupsResponse> {
  const input = validateGroupsForUser(request);
  if (input.isErr()) return err(input.error);
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const user = yield* findUser(deps, accountId.value, input.value.UserName);
  if (user.isErr()) return err(user.error);
  const groups = yield* answerOf(deps.ports.policies.listGroupsOfUser(accountId.value, user.value.userId));
  return groupsPage(groups, input.value.Marker, input.value.MaxItems);
}

export function* putGroupPolicy(deps: EngineDependencies, request: PutGroupPolicyRequest, ctx: RequestContext | undefined): Operation<EmptyResponse> {
  const input = validatePutPolicy(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* groupHolder(deps, ctx, input.value.GroupName);
  if (subject.isErr()) return err(subject.error);
  const { accountId, found } = subject.value;
  return yield* putInlinePolicy(deps, accountId, found, input.value.PolicyName, input.value.PolicyDocument, POLICY_LIMITS.groupInlineSize);
}

export function* getGroupPolicy(deps: EngineDependencies, request: GetGroupPolicyRequest, ctx: RequestContext | undefined): Operation<GetGroupPolicyResponse> {
  const input = validateNamedPolicy(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* groupHolder(deps, ctx, input.value.GroupName);
  if (subject.isErr()) return err(subject.error);
  const policy = yield* getInlinePolicy(deps, subject.value.accountId, subject.value.found, input.value.PolicyName);
  return policy.map((found) => ({ GroupName: subject.value.found.name, ...found }));
}

export function* deleteGroupPolicy(deps: EngineDependencies, request: DeleteGroupPolicyRequest, ctx: RequestContext | undefined): Operation<EmptyResponse> {
  const input = validateNamedPolicy(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* groupHolder(deps, ctx, input.value.GroupName);
  if (subject.isErr()) return err(subject.error);
  return yield* deleteInlinePolicy(deps, subject.value.accountId, subject.value.found, input.value.PolicyName);
}

export function* listGroupPolicies(
  deps: EngineDependencies,
  request: ListGroupPoliciesRequest,
  ctx: RequestContext | undefined,
): Operation<ListPolicyNamesResponse> {
  const input = validateListPolicies(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* groupHolder(deps, ctx, input.value.GroupName);
  if (subject.isErr()) return err(subject.error);
  return yield* listInlinePolicies(deps, subject.value.accountId, subject.value.found, input.value.Marker, input.value.MaxItems);
}

export function* attachGroupPolicy(deps: EngineDependencies, request: AttachGroupPolicyRequest, ctx: RequestContext | undefined): Operation<EmptyResponse> {
  const input = validateAttach(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* groupHolder(deps, ctx, input.value.GroupName);
  if (subject.isErr()) return err(subject.error);
  return yield* attachPolicy(deps, subject.value.accountId, subject.value.found, input.value.PolicyArn);
}

export function* detachGroupPolicy(deps: EngineDependencies, request: DetachGroupPolicyRequest, ctx: RequestContext | undefined): Operation<EmptyResponse> {
  const input = validateAttach(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* groupHolder(deps, ctx, input.value.GroupName);
  if (subject.isErr()) return err(subject.error);
  return yield* detachPolicy(deps, subject.value.accountId, subject.value.found, input.value.PolicyArn);
}

export function* listAttachedGroupPolicies(
  deps: EngineDependencies,
  request: ListAttachedGroupPoliciesRequest,
  ctx: RequestContext | undefined,
): Operation<ListAttachedPoliciesResponse> {
  const input = validateListAttached(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* groupHolder(deps, ctx, input.value.GroupName);
  if (subject.isErr()) return err(subject.error);
  return yield* listAttachedPolicies(deps, subject.value.accountId, subject.value.found, input.value);
}
