import { type ResultAsync, err, errAsync, ok, okAsync, type Result, safeTry } from 'neverthrow';
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
} from '../domain/shapes.js';
import { toUser, userNameKey, type UserRecord } from '../domain/user.js';
import { markerSpec, maxItemsSpec, pathPrefixSpec, pathSpec, userNameSpec, validateRequest } from '../domain/validation.js';
import { callPort, type EngineDependencies, type RequestContext, resolveAccountId, subjectUserName } from './engine-dependencies.js';
import { findUser } from './find-user.js';
import { DEFAULT_MAX_ITEMS, invalidMarker } from './list-credentials.js';

export const createUser = (
  deps: EngineDependencies,
  request: CreateUserRequest,
  ctx?: RequestContext,
): ResultAsync<CreateUserResponse, IamError> =>
  safeTry(async function* () {
    const input = yield* validateRequest<CreateUserRequest>(request, [pathSpec, userNameSpec(true)]);
    const accountId = yield* resolveAccountId(deps, ctx);
    const record: UserRecord = {
      accountId,
      userName: input.UserName,
      userId: deps.newId('AIDA'),
      path: input.Path ?? '/',
      createDate: deps.clock.now(),
    };
    const created = yield* callPort(deps, () => deps.users.createUser(record));
    return created === 'created' ? okAsync({ User: toUser(record) }) : errAsync(userAlreadyExists(input.UserName));
  });

export const getUser = (deps: EngineDependencies, request: GetUserRequest, ctx?: RequestContext): ResultAsync<GetUserResponse, IamError> =>
  safeTry(async function* () {
    const input = yield* validateRequest<GetUserRequest>(request ?? {}, [userNameSpec(false)]);
    const accountId = yield* resolveAccountId(deps, ctx);
    const user = yield* findUser(deps, accountId, yield* subjectUserName(input.UserName, ctx));
    return okAsync({ User: toUser(user) });
  });

/**
 * Closes the owner in the credential store first (refused while any credential remains), then removes the user: a Create racing
 * this can only fail, never leave a credential behind for a user that no longer exists.
 */
export const deleteUser = (deps: EngineDependencies, request: DeleteUserRequest, ctx?: RequestContext): ResultAsync<EmptyResponse, IamError> =>
  safeTry(async function* () {
    const input = yield* validateRequest<DeleteUserRequest>(request, [userNameSpec(true)]);
    const accountId = yield* resolveAccountId(deps, ctx);
    const user = yield* findUser(deps, accountId, input.UserName);
    const closed = yield* callPort(deps, () => deps.store.closeOwner(accountId, user.userId));
    if (closed === 'has-credentials') return errAsync(userHasCredentials());
    const deleted = yield* callPort(deps, () => deps.users.deleteUser(accountId, user.userName, user.userId)).orElse((failure) =>
      // The user is still there: reopen its owner so that the failed request leaves nothing changed. Should the store fail here
      // too, DeleteUser can simply be retried; the answer is the original failure either way.
      callPort(deps, () => deps.store.reopenOwner(accountId, user.userId)).andThen(() => errAsync(failure)).orElse(() => errAsync(failure)),
    );
    // false: a concurrent DeleteUser removed this user first; its owner rightly stays closed.
    return deleted ? okAsync({}) : errAsync(noSuchUser(input.UserName));
  });

const decodeMarker = (marker: string | undefined): Result<string | undefined, IamError> => {
  if (marker === undefined) return ok(undefined);
  const key = decodeUserMarker(marker);
  return key === undefined ? err(invalidMarker()) : ok(key);
};

export const listUsers = (deps: EngineDependencies, request: ListUsersRequest, ctx?: RequestContext): ResultAsync<ListUsersResponse, IamError> =>
  safeTry(async function* () {
    const input = yield* validateRequest<ListUsersRequest>(request ?? {}, [pathPrefixSpec, markerSpec, maxItemsSpec]);
    const accountId = yield* resolveAccountId(deps, ctx);
    const afterUserNameKey = yield* decodeMarker(input.Marker);
    const page = yield* callPort(deps, () =>
      deps.users.listUsers({
        accountId,
        limit: input.MaxItems ?? DEFAULT_MAX_ITEMS,
        ...(input.PathPrefix === undefined ? {} : { pathPrefix: input.PathPrefix }),
        ...(afterUserNameKey === undefined ? {} : { afterUserNameKey }),
      }),
    );
    const last = page.items.at(-1);
    return okAsync({
      Users: page.items.map(toUser),
      ...(page.hasMore && last !== undefined ? { Marker: encodeUserMarker(userNameKey(last.userName)) } : {}),
      IsTruncated: page.hasMore,
    });
  });
