import { err, ok, type Result } from 'neverthrow';
import { type IamError, noSuchGroup, validationError } from '../domain/iam-error.js';
import { parsePolicyDocument, type PolicyDocument } from '../domain/policy/index.js';
import { AWS_MANAGED_ACCOUNT, type GroupRecord, type ManagedPolicyRecord, parsePolicyArn } from '../domain/iam-policies.js';
import type { EngineDependencies } from './engine-dependencies.js';
import { answerOf, type Step } from './operation.js';
import { DEFAULT_MAX_ITEMS } from './paging.js';

const groupOrNoSuchEntity = (found: GroupRecord | undefined, groupName: string): Result<GroupRecord, IamError> =>
  found === undefined ? err(noSuchGroup(groupName)) : ok(found);

/** The group named `groupName`, or NoSuchEntity: `const group = yield* findGroup(deps, accountId, groupName)`. */
export const findGroup = (deps: EngineDependencies, accountId: string, groupName: string): Step<Result<GroupRecord, IamError>> =>
  answerOf(deps.ports.policies.getGroup(accountId, groupName), groupOrNoSuchEntity, groupName);

/** A managed policy found by its ARN: an AWS managed one, or the account's own (with its name, for the store's atomic checks). */
export interface FoundPolicy {
  readonly record: ManagedPolicyRecord;
  readonly customerPolicyName?: string;
}

/**
 * The managed policy an ARN names, for this account: an AWS managed policy of the snapshot, or one of the account's own customer
 * managed policies whose ARN (path and name as created) is exactly this one. Anything else (another account's, a malformed ARN) is
 * `missing(arn)`.
 */
export function* findManagedPolicy(
  deps: EngineDependencies,
  accountId: string,
  policyArn: string,
  missing: (policyArn: string) => IamError,
): Step<Result<FoundPolicy, IamError>> {
  const parts = parsePolicyArn(policyArn);
  if (parts.isErr()) return err(missing(policyArn));
  if (parts.value.accountId === AWS_MANAGED_ACCOUNT) {
    const record = deps.awsManagedPolicies.find(policyArn);
    return record === undefined ? err(missing(policyArn)) : ok({ record });
  }
  if (parts.value.accountId !== accountId) return err(missing(policyArn));
  const record = yield* answerOf(deps.ports.policies.getManagedPolicy(accountId, parts.value.policyName));
  if (record === undefined || record.path !== parts.value.path || record.policyName !== parts.value.policyName) return err(missing(policyArn));
  return ok({ record, customerPolicyName: record.policyName });
}

/** Whether a document is a policy IAM accepts: MalformedPolicyDocument with AWS's message for the first fault (`domain/policy`). */
export const checkPolicyDocument = (document: string): Result<PolicyDocument, IamError> => parsePolicyDocument(document);

const MARKER_VERSION = 'p1';

const encodeMarker = (key: string): string => Buffer.from(`${MARKER_VERSION}:${key}`, 'utf8').toString('base64url');

/** The key a marker of ours encodes; anything else (another spelling included) is refused as the other lists refuse it. */
const decodeMarker = (marker: string): Result<string, IamError> => {
  const text = Buffer.from(marker, 'base64url').toString('utf8');
  const key = text.startsWith(`${MARKER_VERSION}:`) ? text.slice(MARKER_VERSION.length + 1) : undefined;
  return key !== undefined && key !== '' && encodeMarker(key) === marker ? ok(key) : err(validationError('Invalid Marker.'));
};

export interface Paged<T> {
  readonly items: T[];
  readonly marker?: string;
  readonly isTruncated: boolean;
}

/**
 * One page of a list already in the order of `keyOf` (ascending, keys unique): the items after the marker's key, at most
 * `maxItems` (default 100), with a marker for the rest when there is more.
 */
export const pageOf = <T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  marker: string | undefined,
  maxItems: number | undefined,
): Result<Paged<T>, IamError> => {
  let start = 0;
  if (marker !== undefined) {
    const after = decodeMarker(marker);
    if (after.isErr()) return err(after.error);
    while (start < items.length && keyOf(items[start] as T) <= after.value) start += 1;
  }
  const limit = maxItems ?? DEFAULT_MAX_ITEMS;
  const page = items.slice(start, start + limit);
  const isTruncated = start + limit < items.length;
  const last = page.at(-1);
  return ok(isTruncated && last !== undefined ? { items: page, marker: encodeMarker(keyOf(last)), isTruncated } : { items: page, isTruncated });
};
