import { err, ok, type Result } from 'neverthrow';
import { type IamError, inlinePolicyTooLarge, noSuchInlinePolicy, policyNotAttachable, policyNotAttached, limitExceeded } from '../domain/iam-error.js';
import { encodePolicyDocument, nameKey, type PolicyHolder, POLICY_LIMITS, policySize, toAttachedPolicy } from '../domain/iam-policies.js';
import { policyArnSpec, policyDocumentSpec, policyNameSpec, policyPathPrefixSpec } from '../domain/policy-member-specs.js';
import type {
  AttachedManagedPolicy,
  AttachUserPolicyRequest,
  DeleteUserPolicyRequest,
  DetachUserPolicyRequest,
  EmptyResponse,
  GetUserPolicyRequest,
  GetUserPolicyResponse,
  ListAttachedPoliciesResponse,
  ListAttachedUserPoliciesRequest,
  ListPolicyNamesResponse,
  ListUserPoliciesRequest,
  PutUserPolicyRequest,
} from '../domain/shapes.js';
import { compileValidator, markerSpec, maxItemsSpec, userNameSpec } from '../domain/validation.js';
import { type EngineDependencies, type RequestContext, resolveAccountId } from './engine-dependencies.js';
import { findUser } from './find-user.js';
import { answerOf, type Operation, type Step } from './operation.js';
import { checkPolicyDocument, findManagedPolicy, pageOf } from './policy-steps.js';

/** A user or a group, found: what its inline policies and attachments are held by, and how messages name it. */
export interface FoundHolder {
  readonly holder: PolicyHolder;
  readonly name: string;
}

const holderOfUser = (userId: string, userName: string): FoundHolder => ({ holder: { kind: 'user', id: userId }, name: userName });

/**
 * Put of an inline policy, after its holder was found: the document must be a policy (MalformedPolicyDocument), then fit the
 * holder's aggregate size (LimitExceeded), decided by the store in one step with the holder's other inline policies.
 */
export function* putInlinePolicy(
  deps: EngineDependencies,
  accountId: string,
  found: FoundHolder,
  policyName: string,
  document: string,
  maxAggregateSize: number,
): Step<Result<EmptyResponse, IamError>> {
  const valid = checkPolicyDocument(document);
  if (valid.isErr()) return err(valid.error);
  const stored = yield* answerOf(
    deps.ports.policies.putInlinePolicy({
      accountId,
      holder: found.holder,
      policy: { policyName, document },
      size: policySize(document),
      maxAggregateSize,
    }),
  );
  return stored === 'stored' ? ok({}) : err(inlinePolicyTooLarge(found.holder.kind, found.name, maxAggregateSize));
}

export function* getInlinePolicy(
  deps: EngineDependencies,
  accountId: string,
  found: FoundHolder,
  policyName: string,
): Step<Result<{ PolicyName: string; PolicyDocument: string }, IamError>> {
  const policy = yield* answerOf(deps.ports.policies.getInlinePolicy(accountId, found.holder, policyName));
  if (policy === undefined) return err(noSuchInlinePolicy(found.holder.kind, policyName));
  return ok({ PolicyName: policy.policyName, PolicyDocument: encodePolicyDocument(policy.document) });
}

export function* deleteInlinePolicy(
  deps: EngineDependencies,
  accountId: string,
  found: FoundHolder,
  policyName: string,
): Step<Result<EmptyResponse, IamError>> {
  const deleted = yield* answerOf(deps.ports.policies.deleteInlinePolicy(accountId, found.holder, policyName));
  return deleted ? ok({}) : err(noSuchInlinePolicy(found.holder.kind, policyName));
}

export function* listInlinePolicies(
  deps: EngineDependencies,
  accountId: string,
  found: FoundHolder,
  marker: string | undefined,
  maxItems: number | undefined,
): Step<Result<ListPolicyNamesResponse, IamError>> {
  const policies = yield* answerOf(deps.ports.policies.listInlinePolicies(accountId, found.holder));
  const page = pageOf(policies, (policy) => nameKey(policy.policyName), marker, maxItems);
  if (page.isErr()) return err(page.error);
  const { items, marker: next, isTruncated } = page.value;
  const names = items.map((policy) => policy.policyName);
  return ok(next === undefined ? { PolicyNames: names, IsTruncated: isTruncated } : { PolicyNames: names, Marker: next, IsTruncated: isTruncated });
}

/** Attaches a managed policy (AWS's or the account's own) to a user or group found; at most 10 per holder. */
export function* attachPolicy(
  deps: EngineDependencies,
  accountId: string,
  found: FoundHolder,
  policyArn: string,
): Step<Result<EmptyResponse, IamError>> {
  const policy = yield* findManagedPolicy(deps, accountId, policyArn, policyNotAttachable);
  if (policy.isErr()) return err(policy.error);
  const { customerPolicyName } = policy.value;
  const attached = yield* answerOf(
    deps.ports.policies.attachPolicy({
      accountId,
      holder: found.holder,
      policyArn,
      ...(customerPolicyName === undefined ? {} : { customerPolicyName }),
      maxAttached: POLICY_LIMITS.attachedPerHolder,
    }),
  );
  switch (attached) {
    case 'attached':
    case 'already-attached':
      return ok({});
    case 'limit-exceeded':
      return err(limitExceeded(found.holder.kind === 'user' ? 'PoliciesPerUser' : 'PoliciesPerGroup', POLICY_LIMITS.attachedPerHolder));
    case 'no-such-policy':
      return err(policyNotAttachable(policyArn));
  }
}

export function* detachPolicy(
  deps: EngineDependencies,
  accountId: string,
  found: FoundHolder,
  policyArn: string,
): Step<Result<EmptyResponse, IamError>> {
  const detached = yield* answerOf(deps.ports.policies.detachPolicy(accountId, found.holder, policyArn));
  return detached ? ok({}) : err(policyNotAttached(policyArn));
}

/** Attached policies by name (then ARN), optionally only those whose path starts with `pathPrefix`. */
export function* listAttachedPolicies(
  deps: EngineDependencies,
  accountId: string,
  found: FoundHolder,
  request: { readonly PathPrefix?: string; readonly Marker?: string; readonly MaxItems?: number },
): Step<Result<ListAttachedPoliciesResponse, IamError>> {
  const arns = yield* answerOf(deps.ports.policies.listAttachedPolicies(accountId, found.holder));
  const { PathPrefix: pathPrefix } = request;
  const policies: AttachedManagedPolicy[] = [];
  for (const arn of arns) {
    const policy = toAttachedPolicy(arn);
    if (pathPrefix === undefined || pathOfArn(arn).startsWith(pathPrefix)) policies.push(policy);
  }
  const keyOf = (policy: AttachedManagedPolicy): string => `${nameKey(policy.PolicyName)}\u0000${policy.PolicyArn}`;
  policies.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const page = pageOf(policies, keyOf, request.Marker, request.MaxItems);
  if (page.isErr()) return err(page.error);
  const { items, marker, isTruncated } = page.value;
  return ok(marker === undefined ? { AttachedPolicies: items, IsTruncated: isTruncated } : { AttachedPolicies: items, Marker: marker, IsTruncated: isTruncated });
}

/** The path of a policy ARN (`/` when it has none of its own). */
const pathOfArn = (arn: string): string => {
  const afterPolicy = arn.slice(arn.indexOf(':policy') + ':policy'.length);
  return afterPolicy.slice(0, afterPolicy.lastIndexOf('/') + 1);
};

const validatePut = compileValidator<PutUserPolicyRequest>([userNameSpec(true), policyNameSpec, policyDocumentSpec]);
const validateGet = compileValidator<GetUserPolicyRequest>([userNameSpec(true), policyNameSpec]);
const validateDelete = compileValidator<DeleteUserPolicyRequest>([userNameSpec(true), policyNameSpec]);
const validateList = compileValidator<ListUserPoliciesRequest>([userNameSpec(true), markerSpec, maxItemsSpec]);
const validateAttach = compileValidator<AttachUserPolicyRequest>([userNameSpec(true), policyArnSpec]);
const validateDetach = compileValidator<DetachUserPolicyRequest>([userNameSpec(true), policyArnSpec]);
const validateListAttached = compileValidator<ListAttachedUserPoliciesRequest>([userNameSpec(true), policyPathPrefixSpec, markerSpec, maxItemsSpec]);

/** Validation, account, then the user: the front half every user-policy operation shares. */
function* userHolder(
  deps: EngineDependencies,
  ctx: RequestContext | undefined,
  userName: string,
): Step<Result<{ readonly accountId: string; readonly found: FoundHolder }, IamError>> {
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const user = yield* findUser(deps, accountId.value, userName);
  if (user.isErr()) return err(user.error);
  return ok({ accountId: accountId.value, found: holderOfUser(user.value.userId, user.value.userName) });
}

export function* putUserPolicy(deps: EngineDependencies, request: PutUserPolicyRequest, ctx: RequestContext | undefined): Operation<EmptyResponse> {
  const input = validatePut(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* userHolder(deps, ctx, input.value.UserName);
  if (subject.isErr()) return err(subject.error);
  const { accountId, found } = subject.value;
  return yield* putInlinePolicy(deps, accountId, found, input.value.PolicyName, input.value.PolicyDocument, POLICY_LIMITS.userInlineSize);
}

export function* getUserPolicy(deps: EngineDependencies, request: GetUserPolicyRequest, ctx: RequestContext | undefined): Operation<GetUserPolicyResponse> {
  const input = validateGet(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* userHolder(deps, ctx, input.value.UserName);
  if (subject.isErr()) return err(subject.error);
  const policy = yield* getInlinePolicy(deps, subject.value.accountId, subject.value.found, input.value.PolicyName);
  return policy.map((found) => ({ UserName: subject.value.found.name, ...found }));
}

export function* deleteUserPolicy(deps: EngineDependencies, request: DeleteUserPolicyRequest, ctx: RequestContext | undefined): Operation<EmptyResponse> {
  const input = validateDelete(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* userHolder(deps, ctx, input.value.UserName);
  if (subject.isErr()) return err(subject.error);
  return yield* deleteInlinePolicy(deps, subject.value.accountId, subject.value.found, input.value.PolicyName);
}

export function* listUserPolicies(
  deps: EngineDependencies,
  request: ListUserPoliciesRequest,
  ctx: RequestContext | undefined,
): Operation<ListPolicyNamesResponse> {
  const input = validateList(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* userHolder(deps, ctx, input.value.UserName);
  if (subject.isErr()) return err(subject.error);
  return yield* listInlinePolicies(deps, subject.value.accountId, subject.value.found, input.value.Marker, input.value.MaxItems);
}

export function* attachUserPolicy(deps: EngineDependencies, request: AttachUserPolicyRequest, ctx: RequestContext | undefined): Operation<EmptyResponse> {
  const input = validateAttach(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* userHolder(deps, ctx, input.value.UserName);
  if (subject.isErr()) return err(subject.error);
  return yield* attachPolicy(deps, subject.value.accountId, subject.value.found, input.value.PolicyArn);
}

export function* detachUserPolicy(deps: EngineDependencies, request: DetachUserPolicyRequest, ctx: RequestContext | undefined): Operation<EmptyResponse> {
  const input = validateDetach(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* userHolder(deps, ctx, input.value.UserName);
  if (subject.isErr()) return err(subject.error);
  return yield* detachPolicy(deps, subject.value.accountId, subject.value.found, input.value.PolicyArn);
}

export function* listAttachedUserPolicies(
  deps: EngineDependencies,
  request: ListAttachedUserPoliciesRequest,
  ctx: RequestContext | undefined,
): Operation<ListAttachedPoliciesResponse> {
  const input = validateListAttached(request);
  if (input.isErr()) return err(input.error);
  const subject = yield* userHolder(deps, ctx, input.value.UserName);
  if (subject.isErr()) return err(subject.error);
  return yield* listAttachedPolicies(deps, subject.value.accountId, subject.value.found, input.value);
}
