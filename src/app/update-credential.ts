import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type { CredentialRecord } from '../domain/credential.js';
import { isExpired } from '../domain/expiry.js';
import { credentialExpired, type IamError, invalidInput, noSuchCredential } from '../domain/iam-error.js';
import type { EmptyResponse, UpdateServiceSpecificCredentialRequest } from '../domain/shapes.js';
import { credentialIdSpec, statusSpec, userNameSpec, validateRequest } from '../domain/validation.js';
import { type EngineDependencies, portFailure, type RequestContext } from './engine-dependencies.js';
import { lookupOwnedCredential } from './find-owned-credential.js';

const updateSpecs = [credentialIdSpec, statusSpec, userNameSpec(false)];

/**
 * `Expired` is in the status enum because List reads it; it is derived from ExpirationDate and cannot be set. The enum check has
 * passed by then, so this is a rule of IAM's own, answered like the engine's other rule violations.
 */
const expiredIsNotSettable = (): IamError => invalidInput('Status Expired cannot be set: a credential expires only by its ExpirationDate. Use Active or Inactive.');

const run = async (
  deps: EngineDependencies,
  request: UpdateServiceSpecificCredentialRequest,
  ctx: RequestContext | undefined,
): Promise<Result<EmptyResponse, IamError>> => {
  const validated = validateRequest<UpdateServiceSpecificCredentialRequest>(request, updateSpecs);
  if (validated.isErr()) return err(validated.error);
  const input = validated.value;
  if (input.Status === 'Expired') return err(expiredIsNotSettable());
  const status = input.Status;
  const owned = await lookupOwnedCredential(deps, input.ServiceSpecificCredentialId, input.UserName, ctx);
  if (owned.isErr()) return err(owned.error);
  const { accountId, user, record } = owned.value;
  if (status === 'Active' && isExpired(record.expirationDate, deps.clock.now())) {
    return err(credentialExpired(record.credentialId, 'reactivated'));
  }
  let updated: CredentialRecord | undefined;
  try {
    updated = await deps.store.updateCredential(accountId, record.credentialId, user.userId, { status });
  } catch (cause) {
    return portFailure(deps, cause);
  }
  return updated === undefined ? err(noSuchCredential(record.credentialId)) : ok({});
};

export const updateServiceSpecificCredential = (
  deps: EngineDependencies,
  request: UpdateServiceSpecificCredentialRequest,
  ctx?: RequestContext,
): ResultAsync<EmptyResponse, IamError> => new ResultAsync(run(deps, request, ctx));
