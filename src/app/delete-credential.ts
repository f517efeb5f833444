import type { ImmediateAdapters } from '../ports/immediate.port.js';
import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { type IamError, noSuchCredential, noSuchUser } from '../domain/iam-error.js';
import type { DeleteServiceSpecificCredentialRequest, EmptyResponse } from '../domain/shapes.js';
import { isUserName, type UserRecord } from '../domain/user.js';
import { credentialIdSpec, isValidCredentialId, userNameSpec, validateRequest } from '../domain/validation.js';
import {
  type EngineDependencies,
  portFailure,
  type RequestContext,
  resolveAccountId,
  subjectUserName,
} from './engine-dependencies.js';

const deleteSpecs = [credentialIdSpec, userNameSpec(false)];

/** What Delete acts on once the request passed validation. */
class DeleteInput {
  constructor(
    readonly accountId: string,
    readonly credentialId: string,
    readonly userName: string,
  ) {}
}

/** Validation, then the account, then whose credential it is. */
const readInput = (
  deps: EngineDependencies,
  request: DeleteServiceSpecificCredentialRequest,
  ctx: RequestContext | undefined,
): DeleteInput | IamError => {
  let credentialId: string;
  let requestedUserName: string | undefined;
  // The common case (a valid id, a valid or no UserName) passes every check without the generic validator.
  if (isValidCredentialId(request?.ServiceSpecificCredentialId) && (request.UserName == null || isUserName(request.UserName))) {
    credentialId = request.ServiceSpecificCredentialId;
    requestedUserName = request.UserName ?? undefined;
  } else {
    const validated = validateRequest<DeleteServiceSpecificCredentialRequest>(request, deleteSpecs);
    if (validated.isErr()) return validated.error;
    credentialId = validated.value.ServiceSpecificCredentialId;
    requestedUserName = validated.value.UserName;
  }
  // The default account (no context, or the context names it) needs no check.
  let accountId = ctx?.accountId ?? deps.defaultAccountId;
  if (accountId !== deps.defaultAccountId) {
    const resolved = resolveAccountId(deps, ctx);
    if (resolved.isErr()) return resolved.error;
    accountId = resolved.value;
  }
  if (requestedUserName !== undefined) return new DeleteInput(accountId, credentialId, requestedUserName);
  const userName = subjectUserName(requestedUserName, ctx);
  if (userName.isErr()) return userName.error;
  return new DeleteInput(accountId, credentialId, userName.value);
};

// The store deletes only a credential of this owner: another user's id is answered exactly like an id that does not exist.
const answer = (input: DeleteInput, deleted: boolean): Result<EmptyResponse, IamError> =>
  deleted ? ok({}) : err(noSuchCredential(input.credentialId));

const run = async (
  deps: EngineDependencies,
  request: DeleteServiceSpecificCredentialRequest,
  ctx: RequestContext | undefined,
): Promise<Result<EmptyResponse, IamError>> => {
  const input = readInput(deps, request, ctx);
  if (!(input instanceof DeleteInput)) return err(input);
  let user: UserRecord | undefined;
  try {
    user = await deps.users.getUser(input.accountId, input.userName);
  } catch (cause) {
    return portFailure(deps, cause);
  }
  if (user === undefined) return err(noSuchUser(input.userName));
  let deleted: boolean;
  try {
    deleted = await deps.store.deleteCredential(input.accountId, input.credentialId, user.userId);
  } catch (cause) {
    return portFailure(deps, cause);
  }
  return answer(input, deleted);
};

/** The same steps as `run` over adapters that answer at once. */
const runNow = (
  deps: EngineDependencies,
  immediate: ImmediateAdapters,
  request: DeleteServiceSpecificCredentialRequest,
  ctx: RequestContext | undefined,
): Result<EmptyResponse, IamError> => {
  const input = readInput(deps, request, ctx);
  if (!(input instanceof DeleteInput)) return err(input);
  let deleted: boolean;
  try {
    const user = immediate.users.findUserNow(input.accountId, input.userName);
    if (user === undefined) return err(noSuchUser(input.userName));
    deleted = immediate.store.deleteCredentialNow(input.accountId, input.credentialId, user.userId);
  } catch (cause) {
    return portFailure(deps, cause);
  }
  return answer(input, deleted);
};

export const deleteServiceSpecificCredential = (
  deps: EngineDependencies,
  request: DeleteServiceSpecificCredentialRequest,
  ctx?: RequestContext,
): ResultAsync<EmptyResponse, IamError> => {
  const immediate = deps.immediate;
  if (immediate === undefined) return new ResultAsync(run(deps, request, ctx));
  try {
    return new ResultAsync(Promise.resolve(runNow(deps, immediate, request, ctx)));
  } catch (cause) {
    // As from the async path: an unexpected throw rejects the answer rather than escaping the call.
    return new ResultAsync(Promise.reject(cause));
  }
};
