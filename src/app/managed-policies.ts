import { err, ok } from 'neverthrow';
import {
  deleteConflict,
  limitExceeded,
  noSuchPolicy,
  noSuchPolicyVersion,
  policyAlreadyExists,
} from '../domain/iam-error.js';
import { arnOfPolicy, type ManagedPolicyRecord, POLICY_LIMITS, policySize, toManagedPolicy, toPolicyVersion } from '../domain/iam-policies.js';
import {
  onlyAttachedSpec,
  policyArnSpec,
  policyDescriptionSpec,
  policyDocumentSpec,
  policyNameSpec,
  policyPathPrefixSpec,
  policyPathSpec,
  policyUsageFilterSpec,
  scopeSpec,
  versionIdSpec,
} from '../domain/policy-member-specs.js';
import type {
  CreatePolicyRequest,
  CreatePolicyResponse,
  DeletePolicyRequest,
  EmptyResponse,
  GetPolicyRequest,
  GetPolicyResponse,
  GetPolicyVersionRequest,
  GetPolicyVersionResponse,
  ListPoliciesRequest,
  ListPoliciesResponse,
} from '../domain/shapes.js';
import { compileValidator, markerSpec, maxItemsSpec } from '../domain/validation.js';
import { type EngineDependencies, internalFailure, type RequestContext, resolveAccountId } from './engine-dependencies.js';
import { answerOf, type Operation } from './operation.js';
import { checkPolicyDocument, findManagedPolicy, pageOf } from './policy-steps.js';

const validateCreate = compileValidator<CreatePolicyRequest>([policyNameSpec, policyPathSpec, policyDocumentSpec, policyDescriptionSpec]);
const validateGet = compileValidator<GetPolicyRequest>([policyArnSpec]);
const validateGetVersion = compileValidator<GetPolicyVersionRequest>([policyArnSpec, versionIdSpec]);
const validateList = compileValidator<ListPoliciesRequest>([
  scopeSpec,
  onlyAttachedSpec,
  policyPathPrefixSpec,
  policyUsageFilterSpec,
  markerSpec,
  maxItemsSpec,
]);
const validateDelete = compileValidator<DeletePolicyRequest>([policyArnSpec]);

/**
 * Validation, then the document (MalformedPolicyDocument, then its size: 6,144 characters without white space), then the account's
 * names and quota in the store's one step. There is one version, `v1`: CreatePolicyVersion is not offered.
 */
export function* createPolicy(deps: EngineDependencies, request: CreatePolicyRequest, ctx: RequestContext | undefined): Operation<CreatePolicyResponse> {
  const validated = validateCreate(request);
  if (validated.isErr()) return err(validated.error);
  const input = validated.value;
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const document = checkPolicyDocument(input.PolicyDocument);
  if (document.isErr()) return err(document.error);
  if (policySize(input.PolicyDocument) > POLICY_LIMITS.managedSize) return err(limitExceeded('PolicySize', POLICY_LIMITS.managedSize));
  const policyId = deps.newId('ANPA');
  if (policyId.isErr()) return internalFailure(deps, policyId.error);
  const now = deps.clock.now();
  const record: ManagedPolicyRecord = {
    accountId: accountId.value,
    policyName: input.PolicyName,
    policyId: policyId.value,
    path: input.Path ?? '/',
    ...(input.Description === undefined ? {} : { description: input.Description }),
    document: input.PolicyDocument,
    defaultVersionId: 'v1',
    createDate: now,
    updateDate: now,
  };
  const created = yield* answerOf(deps.ports.policies.createManagedPolicy(record, POLICY_LIMITS.customerManagedPerAccount));
  switch (created) {
    case 'created':
      return ok({ Policy: toManagedPolicy(record, 0) });
    case 'exists':
      return err(policyAlreadyExists(input.PolicyName));
    case 'limit-exceeded':
      return err(limitExceeded('PoliciesPerAccount', POLICY_LIMITS.customerManagedPerAccount));
  }
}

export function* getPolicy(deps: EngineDependencies, request: GetPolicyRequest, ctx: RequestContext | undefined): Operation<GetPolicyResponse> {
  const input = validateGet(request);
  if (input.isErr()) return err(input.error);
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const found = yield* findManagedPolicy(deps, accountId.value, input.value.PolicyArn, noSuchPolicy);
  if (found.isErr()) return err(found.error);
  const counts = yield* answerOf(deps.ports.policies.attachmentCounts(accountId.value));
  return ok({ Policy: toManagedPolicy(found.value.record, counts.get(input.value.PolicyArn) ?? 0) });
}

/** Only the default version exists: the one a customer policy was created with, an AWS managed policy's latest. */
export function* getPolicyVersion(
  deps: EngineDependencies,
  request: GetPolicyVersionRequest,
  ctx: RequestContext | undefined,
): Operation<GetPolicyVersionResponse> {
  const input = validateGetVersion(request);
  if (input.isErr()) return err(input.error);
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const { PolicyArn: policyArn, VersionId: versionId } = input.value;
  const found = yield* findManagedPolicy(deps, accountId.value, policyArn, noSuchPolicy);
  if (found.isErr()) return err(found.error);
  if (found.value.record.defaultVersionId !== versionId) return err(noSuchPolicyVersion(policyArn, versionId));
  return ok({ PolicyVersion: toPolicyVersion(found.value.record) });
}

/**
 * The account's own policies (Local), AWS's (AWS) or both (All, the default), in the order of their ARNs (so the account's own come
 * first), optionally only those attached somewhere in the account and those under a path. No policy is used as a permissions
 * boundary here, so PolicyUsageFilter=PermissionsBoundary lists nothing.
 */
export function* listPolicies(deps: EngineDependencies, request: ListPoliciesRequest, ctx: RequestContext | undefined): Operation<ListPoliciesResponse> {
  const validated = validateList(request);
  if (validated.isErr()) return err(validated.error);
  const input = validated.value;
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const scope = input.Scope ?? 'All';
  const local = scope === 'AWS' ? [] : yield* answerOf(deps.ports.policies.listManagedPolicies(accountId.value));
  const counts = yield* answerOf(deps.ports.policies.attachmentCounts(accountId.value));
  const candidates: { readonly arn: string; readonly record: ManagedPolicyRecord }[] = [];
  const consider = (record: ManagedPolicyRecord): void => {
    const arn = arnOfPolicy(record);
    if (input.PathPrefix !== undefined && !record.path.startsWith(input.PathPrefix)) return;
    if (input.OnlyAttached === true && (counts.get(arn) ?? 0) === 0) return;
    if (input.PolicyUsageFilter === 'PermissionsBoundary') return;
    candidates.push({ arn, record });
  };
  for (const record of local) consider(record);
  if (scope !== 'Local') for (const record of deps.awsManagedPolicies.list()) consider(record);
  candidates.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  const page = pageOf(candidates, (candidate) => candidate.arn, input.Marker, input.MaxItems);
  if (page.isErr()) return err(page.error);
  const { items, marker, isTruncated } = page.value;
  const policies = items.map(({ arn, record }) => toManagedPolicy(record, counts.get(arn) ?? 0));
  return ok(marker === undefined ? { Policies: policies, IsTruncated: isTruncated } : { Policies: policies, Marker: marker, IsTruncated: isTruncated });
}

/** Only the account's own policies can be deleted; an attached one is refused (DeleteConflict). */
export function* deletePolicy(deps: EngineDependencies, request: DeletePolicyRequest, ctx: RequestContext | undefined): Operation<EmptyResponse> {
  const input = validateDelete(request);
  if (input.isErr()) return err(input.error);
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const { PolicyArn: policyArn } = input.value;
  const found = yield* findManagedPolicy(deps, accountId.value, policyArn, noSuchPolicy);
  if (found.isErr()) return err(found.error);
  const { customerPolicyName } = found.value;
  // An AWS managed policy is no policy of the account's: nothing of this name can be deleted here (docs/fidelity.md).
  if (customerPolicyName === undefined) return err(noSuchPolicy(policyArn));
  const deleted = yield* answerOf(deps.ports.policies.deleteManagedPolicy(accountId.value, customerPolicyName));
  switch (deleted) {
    case 'deleted':
      return ok({});
    case 'attached':
      return err(deleteConflict('Cannot delete a policy attached to entities.'));
    case 'not-found':
      return err(noSuchPolicy(policyArn));
  }
}
