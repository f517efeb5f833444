import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { type IamError, noSuchUser, userAlreadyExists, userHasCredentials } from '../domain/iam-error.js';
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
import { markerSpec, maxItemsSpec, pathPrefixSpec, pathSpec, userNameSpec, validateRequest } from '../domain/validation.js';
import type { UserDirectory, UserPage, UserQuery } from '../ports/user-directory.port.js';
import type { AtomicUserRemoval } from '../ports/user-removal.port.js';
import { type EngineDependencies, portFailure, type RequestContext, resolveAccountId, subjectUserName } from './engine-dependencies.js';
import { lookupUser } from './find-user.js';
import { decodeMarker, DEFAULT_MAX_ITEMS } from './paging.js';

const createUserSpecs = [pathSpec, userNameSpec(true)];
const getUserSpecs = [userNameSpec(false)];
const deleteUserSpecs = [userNameSpec(true)];
const listUsersSpecs = [pathPrefixSpec, markerSpec, maxItemsSpec];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const runCreateUser = async (
  deps: EngineDependencies,
  request: CreateUserRequest,
  ctx: RequestContext | undefined,
): Promise<Result<CreateUserResponse, IamError>> => {
  const validated = validateRequest<CreateUserRequest>(request, createUserSpecs);
  if (validated.isErr()) return err(validated.error);
  const input = validated.value;
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const record: UserRecord = {
    accountId: accountId.value,
    userName: input.UserName,
    userId: deps.newId('AIDA'),
    path: input.Path ?? '/',
    createDate: deps.clock.now(),
  };
  let created: 'created' | 'exists';
  try {
    created = await deps.users.createUser(record);
  } catch (cause) {
    return portFailure(deps, cause);
  }
  return created === 'created' ? ok({ User: toUser(record) }) : err(userAlreadyExists(input.UserName));
};

export const createUser = (deps: EngineDependencies, request: CreateUserRequest, ctx?: RequestContext): ResultAsync<CreateUserResponse, IamError> =>
  new ResultAsync(runCreateUser(deps, request, ctx));

const runGetUser = async (
  deps: EngineDependencies,
  request: GetUserRequest,
  ctx: RequestContext | undefined,
): Promise<Result<GetUserResponse, IamError>> => {
  const input = validateRequest<GetUserRequest>(request ?? {}, getUserSpecs);
  if (input.isErr()) return err(input.error);
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const userName = subjectUserName(input.value.UserName, ctx);
  if (userName.isErr()) return err(userName.error);
  const user = await lookupUser(deps, accountId.value, userName.value);
  if (user.isErr()) return err(user.error);
  return ok({ User: toUser(user.value) });
};

export const getUser = (deps: EngineDependencies, request: GetUserRequest, ctx?: RequestContext): ResultAsync<GetUserResponse, IamError> =>
  new ResultAsync(runGetUser(deps, request, ctx));

const runDeleteUser = async (
  deps: EngineDependencies,
  request: DeleteUserRequest,
  ctx: RequestContext | undefined,
): Promise<Result<EmptyResponse, IamError>> => {
  const input = validateRequest<DeleteUserRequest>(request, deleteUserSpecs);
  if (input.isErr()) return err(input.error);
  const resolved = resolveAccountId(deps, ctx);
  if (resolved.isErr()) return err(resolved.error);
  const accountId = resolved.value;
  const found = await lookupUser(deps, accountId, input.value.UserName);
  if (found.isErr()) return err(found.error);
  const user = found.value;
  // Where the directory and the store share a database (PostgreSQL, PGlite), both steps commit in one transaction: a failure changes nothing.
  const atomic = deps.users as UserDirectory & Partial<AtomicUserRemoval>;
  if (atomic.removeUser !== undefined && atomic.sharesTransactionsWith?.(deps.store) === true) {
    let removed: 'deleted' | 'has-credentials' | 'gone';
    try {
      removed = await atomic.removeUser(accountId, user.userName, user.userId);
    } catch (cause) {
      return portFailure(deps, cause);
    }
    if (removed === 'has-credentials') return err(userHasCredentials());
    return removed === 'deleted' ? ok({}) : err(noSuchUser(input.value.UserName));
  }
  let closed: 'closed' | 'has-credentials';
  try {
    closed = await deps.store.closeOwner(accountId, user.userId);
  } catch (cause) {
    return portFailure(deps, cause);
  }
  if (closed === 'has-credentials') return err(userHasCredentials());
  let deleted: boolean;
  try {
    deleted = await deps.users.deleteUser(accountId, user.userName, user.userId);
  } catch (cause) {
    const failure = portFailure(deps, cause);
    // The user is still there: reopen its owner so that the failed request leaves nothing changed. Should the store fail here
    // too, DeleteUser can simply be retried; the answer is the original failure either way.
    try {
      await deps.store.reopenOwner(accountId, user.userId);
    } catch (reopenCause) {
      portFailure(deps, reopenCause);
    }
    return failure;
  }
  // false: a concurrent DeleteUser removed this user first; its owner rightly stays closed.
  return deleted ? ok({}) : err(noSuchUser(input.value.UserName));
};

/**
 * Closes the owner in the credential store first (refused while any credential remains), then removes the user: a Create racing
 * this can only fail, never leave a credential behind for a user that no longer exists.
 */
export const deleteUser = (deps: EngineDependencies, request: DeleteUserRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError> =>
  new ResultAsync(runDeleteUser(deps, request, ctx));

const runListUsers = async (
  deps: EngineDependencies,
  request: ListUsersRequest,
  ctx: RequestContext | undefined,
): Promise<Result<ListUsersResponse, IamError>> => {
  const validated = validateRequest<ListUsersRequest>(request ?? {}, listUsersSpecs);
  if (validated.isErr()) return err(validated.error);
  const input = validated.value;
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const after = decodeMarker(input.Marker, decodeUserMarker);
  if (after.isErr()) return err(after.error);
  const query: Mutable<UserQuery> = { accountId: accountId.value, limit: input.MaxItems ?? DEFAULT_MAX_ITEMS };
  if (input.PathPrefix !== undefined) query.pathPrefix = input.PathPrefix;
  if (after.value !== undefined) query.afterUserNameKey = after.value;
  let page: UserPage;
  try {
    page = await deps.users.listUsers(query);
  } catch (cause) {
    return portFailure(deps, cause);
  }
  const users: User[] = [];
  for (const record of page.items) users.push(toUser(record));
  const last = page.items.at(-1);
  return ok(
    page.hasMore && last !== undefined
      ? { Users: users, Marker: encodeUserMarker(userNameKey(last.userName)), IsTruncated: true }
      : { Users: users, IsTruncated: page.hasMore },
  );
};

export const listUsers = (deps: EngineDependencies, request: ListUsersRequest, ctx?: RequestContext): ResultAsync<ListUsersResponse, IamError> =>
  new ResultAsync(runListUsers(deps, request, ctx));
