import { type ResultAsync, errAsync, okAsync, safeTry } from 'neverthrow';
import { type IamError, noSuchCredential } from '../domain/iam-error.js';
import type { DeleteServiceSpecificCredentialRequest, EmptyResponse } from '../domain/shapes.js';
import { credentialIdSpec, userNameSpec, validateRequest } from '../domain/validation.js';
import { callPort, type EngineDependencies, type RequestContext } from './engine-dependencies.js';
import { findOwnedCredential } from './find-owned-credential.js';

const deleteSpecs = [credentialIdSpec, userNameSpec(false)];

export const deleteServiceSpecificCredential = (
  deps: EngineDependencies,
  request: DeleteServiceSpecificCredentialRequest,
  ctx?: RequestContext,
): ResultAsync<EmptyResponse, IamError> =>
  safeTry(async function* () {
    const input = yield* validateRequest<DeleteServiceSpecificCredentialRequest>(request, deleteSpecs);
    const { accountId, user, record } = yield* findOwnedCredential(deps, input.ServiceSpecificCredentialId, input.UserName, ctx);
    const deleted = yield* callPort(deps, () => deps.store.deleteCredential(accountId, record.credentialId, user.userId));
    return deleted ? okAsync({}) : errAsync(noSuchCredential(record.credentialId));
  });
