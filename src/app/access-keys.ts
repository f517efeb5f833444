import { err, ok, type Result } from 'neverthrow';
import {
  ACCESS_KEYS_PER_USER,
  type AccessKeyMetadata,
  type AccessKeyRecord,
  accessKeyIdSpec,
  accessKeyQuotaExceeded,
  accessKeyStatusSpec,
  compareAccessKeys,
  type CreateAccessKeyRequest,
  type CreateAccessKeyResponse,
  decodeAccessKeyMarker,
  type DeleteAccessKeyRequest,
  encodeAccessKeyMarker,
  generateAccessKeyId,
  generateSecretAccessKey,
  isAfterPosition,
  type ListAccessKeysRequest,
  type ListAccessKeysResponse,
  noSuchAccessKey,
  type SigningKey,
  toAccessKey,
  toAccessKeyMetadata,
  type UpdateAccessKeyRequest,
} from '../domain/access-key.js';
import { type IamError, noSuchUser } from '../domain/iam-error.js';
import type { EmptyResponse } from '../domain/shapes.js';
import type { UserRecord } from '../domain/user.js';
import { compileValidator, markerSpec, maxItemsSpec, userNameSpec } from '../domain/validation.js';
import { type EngineDependencies, internalFailure, type RequestContext, resolveAccountId, subjectUserName } from './engine-dependencies.js';
import { findUser } from './find-user.js';
import { answerOf, type Operation, type Step } from './operation.js';
import { DEFAULT_MAX_ITEMS, readMarker } from './paging.js';
import { completeUserRemoval } from './users.js';

const validateCreateAccessKey = compileValidator<CreateAccessKeyRequest>([userNameSpec(false)]);
const validateListAccessKeys = compileValidator<ListAccessKeysRequest>([userNameSpec(false), markerSpec, maxItemsSpec]);
const validateUpdateAccessKey = compileValidator<UpdateAccessKeyRequest>([userNameSpec(false), accessKeyIdSpec, accessKeyStatusSpec]);
const validateDeleteAccessKey = compileValidator<DeleteAccessKeyRequest>([userNameSpec(false), accessKeyIdSpec]);

/** A fresh id that collides with a stored one (1 in 36^16) is drawn again; a few collisions in a row mean a broken random source. */
const MAX_ID_DRAWS = 4;

/**
 * The user a key operation is about, in AWS's order: the account, then the UserName given or the calling user (a non-user caller
 * without UserName is refused with AWS's message), then the user itself (NoSuchEntity).
 */
function* findKeyOwner(
  deps: EngineDependencies,
  requested: string | undefined,
  ctx: RequestContext | undefined,
): Step<Result<{ readonly accountId: string; readonly user: UserRecord }, IamError>> {
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const userName = subjectUserName(requested, ctx);
  if (userName.isErr()) return err(userName.error);
  const user = yield* findUser(deps, accountId.value, userName.value);
  if (user.isErr()) return err(user.error);
  return ok({ accountId: accountId.value, user: user.value });
}

/** A new key for the user: `AKIA` + 16 characters, a 40-character secret shown in this answer only. At most two per user. */
export function* createAccessKey(deps: EngineDependencies, request: CreateAccessKeyRequest, ctx: RequestContext | undefined): Operation<CreateAccessKeyResponse> {
  const input = validateCreateAccessKey(request);
  if (input.isErr()) return err(input.error);
  const owner = yield* findKeyOwner(deps, input.value.UserName, ctx);
  if (owner.isErr()) return err(owner.error);
  const { accountId, user } = owner.value;
  const secretAccessKey = generateSecretAccessKey(deps.randomBytes);
  const createDate = deps.clock.now();
  for (let draw = 0; draw < MAX_ID_DRAWS; draw += 1) {
    const accessKeyId = generateAccessKeyId(deps.randomBytes);
    if (accessKeyId.isErr()) return internalFailure(deps, accessKeyId.error);
    const record: AccessKeyRecord = {
      accountId,
      ownerId: user.userId,
      userName: user.userName,
      accessKeyId: accessKeyId.value,
      secretAccessKey,
      status: 'Active',
      createDate,
    };
    const created = yield* answerOf(deps.ports.accessKeys.createAccessKey(record, ACCESS_KEYS_PER_USER));
    switch (created) {
      case 'created':
        return ok({ AccessKey: toAccessKey(record) });
      case 'quota-exceeded':
        return err(accessKeyQuotaExceeded());
      // A DeleteUser closed the user (its credentials and keys were checked first): it is gone, or about to be; an interrupted one
      // is finished here, as a credential Create finishes it.
      case 'owner-closed':
        yield* completeUserRemoval(deps, accountId, user);
        return err(noSuchUser(user.userName));
      case 'duplicate-id':
        continue;
    }
  }
  return internalFailure(deps, new Error(`${MAX_ID_DRAWS} access key ids in a row were already taken`));
}

/** The user's keys without their secrets, oldest first, paged by Marker/MaxItems. */
export function* listAccessKeys(deps: EngineDependencies, request: ListAccessKeysRequest, ctx: RequestContext | undefined): Operation<ListAccessKeysResponse> {
  const input = validateListAccessKeys(request);
  if (input.isErr()) return err(input.error);
  const owner = yield* findKeyOwner(deps, input.value.UserName, ctx);
  if (owner.isErr()) return err(owner.error);
  const after = readMarker(input.value.Marker, decodeAccessKeyMarker);
  if (after.isErr()) return err(after.error);
  const { accountId, user } = owner.value;
  const stored = yield* answerOf(deps.ports.accessKeys.listOwnerAccessKeys(accountId, user.userId));
  const position = after.value;
  const ordered = [...stored].filter((record) => position === undefined || isAfterPosition(record, position)).sort(compareAccessKeys);
  const limit = input.value.MaxItems ?? DEFAULT_MAX_ITEMS;
  const page = ordered.slice(0, limit);
  const metadata: AccessKeyMetadata[] = page.map(toAccessKeyMetadata);
  const last = page.at(-1);
  return ok(
    ordered.length > limit && last !== undefined
      ? { AccessKeyMetadata: metadata, Marker: encodeAccessKeyMarker(last), IsTruncated: true }
      : { AccessKeyMetadata: metadata, IsTruncated: false },
  );
}

/** Active or Inactive; an Inactive key no longer signs requests. Another user's key is "no such key". */
export function* updateAccessKey(deps: EngineDependencies, request: UpdateAccessKeyRequest, ctx: RequestContext | undefined): Operation<EmptyResponse> {
  const input = validateUpdateAccessKey(request);
  if (input.isErr()) return err(input.error);
  const owner = yield* findKeyOwner(deps, input.value.UserName, ctx);
  if (owner.isErr()) return err(owner.error);
  const { accountId, user } = owner.value;
  const { AccessKeyId, Status } = input.value;
  const updated = yield* answerOf(deps.ports.accessKeys.updateAccessKeyStatus(accountId, user.userId, AccessKeyId, Status));
  return updated ? ok({}) : err(noSuchAccessKey(AccessKeyId));
}

/** Deletes the key at once: a request it signs afterwards is refused. */
export function* deleteAccessKey(deps: EngineDependencies, request: DeleteAccessKeyRequest, ctx: RequestContext | undefined): Operation<EmptyResponse> {
  const input = validateDeleteAccessKey(request);
  if (input.isErr()) return err(input.error);
  const owner = yield* findKeyOwner(deps, input.value.UserName, ctx);
  if (owner.isErr()) return err(owner.error);
  const { accountId, user } = owner.value;
  const deleted = yield* answerOf(deps.ports.accessKeys.deleteAccessKey(accountId, user.userId, input.value.AccessKeyId));
  return deleted ? ok({}) : err(noSuchAccessKey(input.value.AccessKeyId));
}

const signingKeyOf = (record: AccessKeyRecord | undefined): SigningKey | undefined =>
  record === undefined
    ? undefined
    : {
        accessKeyId: record.accessKeyId,
        secretAccessKey: record.secretAccessKey,
        status: record.status,
        accountId: record.accountId,
        userName: record.userName,
        userId: record.ownerId,
      };

/** The issued key a signature names, for the SigV4 check; not an IAM API, so nothing is validated but the id's type. */
export function* findSigningKey(deps: EngineDependencies, accessKeyId: string): Operation<SigningKey | undefined> {
  if (typeof accessKeyId !== 'string') return ok(undefined);
  const found = yield* answerOf(deps.ports.accessKeys.findAccessKey(accessKeyId), signingKeyOf, undefined);
  return ok(found);
}
