import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { type IamError, noSuchCredential } from '../domain/iam-error.js';
import type { DeleteServiceSpecificCredentialRequest, EmptyResponse } from '../domain/shapes.js';
import { isUserName } from '../domain/user.js';
import { credentialIdSpec, isValidCredentialId, userNameSpec, validateRequest } from '../domain/validation.js';
import { type EngineDependencies, portFailure, type RequestContext, resolveAccountId, subjectUserName } from './engine-dependencies.js';
import { lookupUser } from './find-user.js';

const deleteSpecs = [credentialIdSpec, userNameSpec(false)];

const run = async (
  deps: EngineDependencies,
  request: DeleteServiceSpecificCredentialRequest,
  ctx: RequestContext | undefined,
): Promise<Result<EmptyResponse, IamError>> => {
  let credentialId: string;
  let requestedUserName: string | undefined;
  // The common case (a valid id, a valid or no UserName) passes every check without the generic validator.
  if (isValidCredentialId(request?.ServiceSpecificCredentialId) && (request.UserName == null || isUserName(request.UserName))) {
    credentialId = request.ServiceSpecificCredentialId;
    requestedUserName = request.UserName ?? undefined;
  } else {
    const validated = validateRequest<DeleteServiceSpecificCredentialRequest>(request, deleteSpecs);
    if (validated.isErr()) return err(validated.error);
    credentialId = validated.value.ServiceSpecificCredentialId;
    requestedUserName = validated.value.UserName;
  }
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const userName = subjectUserName(requestedUserName, ctx);
  if (userName.isErr()) return err(userName.error);
  const user = await lookupUser(deps, accountId.value, userName.value);
  if (user.isErr()) return err(user.error);
  // The store deletes only a credential of this owner: another user's id is answered exactly like an id that does not exist.
  let deleted: boolean;
  try {
    deleted = await deps.store.deleteCredential(accountId.value, credentialId, user.value.userId);
  } catch (cause) {
    return portFailure(deps, cause);
  }
  return deleted ? ok({}) : err(noSuchCredential(credentialId));
};

export const deleteServiceSpecificCredential = (
  deps: EngineDependencies,
  request: DeleteServiceSpecificCredentialRequest,
  ctx?: RequestContext,
): ResultAsync<EmptyResponse, IamError> => new ResultAsync(run(deps, request, ctx));
