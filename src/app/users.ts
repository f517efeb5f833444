import { err, ok } from 'neverthrow';
import { userHasAccessKeys } from '../domain/access-key.js';
import { noSuchUser, userAlreadyExists, userHasCredentials, userHoldsPolicies } from '../domain/iam-error.js';
import { decodeUserMarker, encodeUserMarker } from '../domain/marker.js';
import type {
  CreateUserRequest,
  CreateUserResponse,
  DeleteUserRequest,
  EmptyResponse,
  GetUserRequest,
  GetUserResponse,
  ListUsersRequest,
  ListUsersResponse,
  User,
} from '../domain/shapes.js';
import { toUser, userNameKey, type UserRecord } from '../domain/user.js';
import { compileValidator, markerSpec, maxItemsSpec, pathPrefixSpec, pathSpec, userNameSpec } from '../domain/validation.js';
import type { UserQuery } from '../ports/user-directory.port.js';
import { type EngineDependencies, internalFailure, type RequestContext, resolveAccountId, subjectUserName } from './engine-dependencies.js';
import { findUser } from './find-user.js';
import { type Operation, type Step, answerOf } from './operation.js';
import { DEFAULT_MAX_ITEMS, readMarker } from './paging.js';

const validateCreateUser = compileValidator<CreateUserRequest>([pathSpec, userNameSpec(true)]);
const validateGetUser = compileValidator<GetUserRequest>([userNameSpec(false)]);
const validateDeleteUser = compileValidator<DeleteUserRequest>([userNameSpec(true)]);
const validateListUsers = compileValidator<ListUsersRequest>([pathPrefixSpec, markerSpec, maxItemsSpec]);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function* createUser(deps: EngineDependencies, request: CreateUserRequest, ctx: RequestContext | undefined): Operation<CreateUserResponse> {
  const input = validateCreateUser(request);
  if (input.isErr()) return err(input.error);
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const userId = deps.newId('AIDA');
  if (userId.isErr()) return internalFailure(deps, userId.error);
  const record: UserRecord = {
    accountId: accountId.value,
    userName: input.value.UserName,
    userId: userId.value,
    path: input.value.Path ?? '/',
    createDate: deps.clock.now(),
  };
  const created = yield* answerOf(deps.ports.users.createUser(record));
  return created === 'created' ? ok({ User: toUser(record) }) : err(userAlreadyExists(record.userName));
}

/** The named user, else the calling one. */
export function* getUser(deps: EngineDependencies, request: GetUserRequest, ctx: RequestContext | undefined): Operation<GetUserResponse> {
  const input = validateGetUser(request);
  if (input.isErr()) return err(input.error);
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const userName = subjectUserName(input.value.UserName, ctx);
  if (userName.isErr()) return err(userName.error);
  const user = yield* findUser(deps, accountId.value, userName.value);
  return user.map((found) => ({ User: toUser(found) }));
}

/**
 * Closes the owner in the credential store first (refused while any credential remains), then removes the user: a Create racing
 * this can only fail, never leave a credential behind for a user that no longer exists.
 */
export function* deleteUser(deps: EngineDependencies, request: DeleteUserRequest, ctx: RequestContext | undefined): Operation<EmptyResponse> {
  const input = validateDeleteUser(request);
  if (input.isErr()) return err(input.error);
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const userName = input.value.UserName;
  const found = yield* findUser(deps, accountId.value, userName);
  if (found.isErr()) return err(found.error);
  const user = found.value;
  // Access keys first: the DeleteUser reference lists them before Git credentials among what must go before the user does.
  const keys = yield* answerOf(deps.ports.accessKeys.listOwnerAccessKeys(accountId.value, user.userId));
  if (keys.length > 0) return err(userHasAccessKeys());
  // Policies and groups first: closing the owner below cannot be undone.
  const holds = yield* answerOf(deps.ports.policies.userDependencies(accountId.value, user.userId));
  if (holds !== 'none') return err(userHoldsPolicies(holds));
  // Where the directory and the store share a database (PostgreSQL, PGlite), both steps commit in one transaction: a failure
  // changes nothing.
  const atomic = deps.atomicUserRemoval;
  if (atomic !== undefined) {
    const removed = yield* answerOf(atomic.removeUser(accountId.value, user.userName, user.userId));
    if (removed === 'has-access-keys') return err(userHasAccessKeys());
    if (removed === 'has-credentials') return err(userHasCredentials());
    if (removed !== 'deleted') return err(noSuchUser(userName));
    yield* forgetUserHoldings(deps, accountId.value, user.userId);
    return ok({});
  }
  const closed = yield* answerOf(deps.ports.store.closeOwner(accountId.value, user.userId));
  if (closed === 'has-credentials') return err(userHasCredentials());
  // A key created since the check above (a concurrent CreateAccessKey) is refused here; the user's credential owner stays closed
  // (for good, as below) and the user stays until its keys are deleted and DeleteUser is retried.
  const keysClosed = yield* answerOf(deps.ports.accessKeys.closeOwner(accountId.value, user.userId));
  if (keysClosed === 'has-access-keys') return err(userHasAccessKeys());
  // The closure is never undone: reopening the owner after a failure here could let a Create give it a credential just before a
  // concurrent DeleteUser of the same user removes it. So a failure here (ServiceFailure, outcome unknown, as after a timeout) leaves
  // the deletion decided but unfinished, and the next Create or DeleteUser of this user finishes it (`completeUserRemoval`).
  const deleted = yield* answerOf(deps.ports.users.deleteUser(accountId.value, user.userName, user.userId));
  // false: a concurrent DeleteUser removed this user first; its owner rightly stays closed.
  if (!deleted) return err(noSuchUser(userName));
  yield* forgetUserHoldings(deps, accountId.value, user.userId);
  return ok({});
}

/**
 * After a user is gone: drops what an operation racing the deletion may have given it meanwhile (an inline policy, an attachment, a
 * membership), held under its UserId, which no user will have again. Nothing sees such entries; this only frees them, so a failure
 * is reported and the deletion stands.
 */
function* forgetUserHoldings(deps: EngineDependencies, accountId: string, userId: string): Step<void> {
  try {
    yield* answerOf(deps.ports.policies.forgetHolder(accountId, { kind: 'user', id: userId }));
  } catch (cause) {
    deps.onInternalError(cause);
  }
}

/**
 * Finishes a DeleteUser that closed the user's owner in the store but has not deleted the user: a Create found the user and was
 * then refused with `owner-closed`. The closure decided the user's fate (that DeleteUser is still running, or its user-directory
 * call failed), so the deletion is completed, never undone. Guarded by the UserId, it never removes a user created since under the
 * same name. A failure here is reported and left for the next Create or DeleteUser to finish. Where removal is atomic
 * (`atomicUserRemoval`) a closed owner's user is already gone and there is nothing to finish.
 */
export function* completeUserRemoval(
  deps: EngineDependencies,
  accountId: string,
  user: { readonly userName: string; readonly userId?: string | undefined },
): Step<void> {
  // A user the store found by name lives in the store's own database, where removal is atomic.
  if (deps.atomicUserRemoval !== undefined || user.userId === undefined) return;
  try {
    // A CreateAccessKey that ran between that DeleteUser's key check and its end gave the user a key: the user stays until the key
    // is deleted and DeleteUser is retried, rather than leave a key behind a deleted user.
    const keys = yield* answerOf(deps.ports.accessKeys.closeOwner(accountId, user.userId));
    if (keys === 'has-access-keys') return;
    yield* answerOf(deps.ports.users.deleteUser(accountId, user.userName, user.userId));
  } catch (cause) {
    deps.onInternalError(cause);
  }
}

/** Users in the order of their case-folded names, from the marker on. */
export function* listUsers(deps: EngineDependencies, request: ListUsersRequest, ctx: RequestContext | undefined): Operation<ListUsersResponse> {
  const validated = validateListUsers(request);
  if (validated.isErr()) return err(validated.error);
  const input = validated.value;
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const after = readMarker(input.Marker, decodeUserMarker);
  if (after.isErr()) return err(after.error);
  const query: Mutable<UserQuery> = { accountId: accountId.value, limit: input.MaxItems ?? DEFAULT_MAX_ITEMS };
  if (input.PathPrefix !== undefined) query.pathPrefix = input.PathPrefix;
  if (after.value !== undefined) query.afterUserNameKey = after.value;
  const page = yield* answerOf(deps.ports.users.listUsers(query));
  const users: User[] = [];
  for (const record of page.items) users.push(toUser(record));
  const last = page.items.at(-1);
  return ok(
    page.hasMore && last !== undefined
      ? { Users: users, Marker: encodeUserMarker(userNameKey(last.userName)), IsTruncated: true }
      : { Users: users, IsTruncated: page.hasMore },
  );
}
