import { ResultAsync, err, ok, type Result } from 'neverthrow';
import { type IamError, noSuchCredential } from '../domain/iam-error.js';
import type { DeleteServiceSpecificCredentialRequest, EmptyResponse } from '../domain/shapes.js';
import { credentialIdSpec, userNameSpec, validateRequest } from '../domain/validation.js';
import { awaitPort, type EngineDependencies, type RequestContext } from './engine-dependencies.js';
import { lookupOwnedCredential } from './find-owned-credential.js';

const deleteSpecs = [credentialIdSpec, userNameSpec(false)];

const run = async (
  deps: EngineDependencies,
  request: DeleteServiceSpecificCredentialRequest,
  ctx: RequestContext | undefined,
): Promise<Result<EmptyResponse, IamError>> => {
  const input = validateRequest<DeleteServiceSpecificCredentialRequest>(request, deleteSpecs);
  if (input.isErr()) return err(input.error);
  const owned = await lookupOwnedCredential(deps, input.value.ServiceSpecificCredentialId, input.value.UserName, ctx);
  if (owned.isErr()) return err(owned.error);
  const { accountId, user, record } = owned.value;
  const deleted = await awaitPort(deps, () => deps.store.deleteCredential(accountId, record.credentialId, user.userId));
  if (deleted.isErr()) return err(deleted.error);
  return deleted.value ? ok({}) : err(noSuchCredential(record.credentialId));
};

export const deleteServiceSpecificCredential = (
  deps: EngineDependencies,
  request: DeleteServiceSpecificCredentialRequest,
  ctx?: RequestContext,
): ResultAsync<EmptyResponse, IamError> => new ResultAsync(run(deps, request, ctx));
