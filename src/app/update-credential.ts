import { type ResultAsync, errAsync, okAsync, safeTry } from 'neverthrow';
import { isExpired } from '../domain/expiry.js';
import { credentialExpired, type IamError, invalidInput, noSuchCredential } from '../domain/iam-error.js';
import type { EmptyResponse, UpdateServiceSpecificCredentialRequest } from '../domain/shapes.js';
import { credentialIdSpec, statusSpec, userNameSpec, validateRequest } from '../domain/validation.js';
import { callPort, type EngineDependencies, type RequestContext } from './engine-dependencies.js';
import { findOwnedCredential } from './find-owned-credential.js';

const updateSpecs = [credentialIdSpec, statusSpec, userNameSpec(false)];

/**
 * `Expired` is in the status enum because List reads it; it is derived from ExpirationDate and cannot be set. The enum check has
 * passed by then, so this is a rule of IAM's own, answered like the engine's other rule violations.
 */
const expiredIsNotSettable = (): IamError => invalidInput('Status Expired cannot be set: a credential expires only by its ExpirationDate. Use Active or Inactive.');

export const updateServiceSpecificCredential = (
  deps: EngineDependencies,
  request: UpdateServiceSpecificCredentialRequest,
  ctx?: RequestContext,
): ResultAsync<EmptyResponse, IamError> =>
  safeTry(async function* () {
    const input = yield* validateRequest<UpdateServiceSpecificCredentialRequest>(request, updateSpecs);
    if (input.Status === 'Expired') return errAsync(expiredIsNotSettable());
    const status = input.Status;
    const { accountId, user, record } = yield* findOwnedCredential(deps, input.ServiceSpecificCredentialId, input.UserName, ctx);
    if (status === 'Active' && isExpired(record.expirationDate, deps.clock.now())) {
      return errAsync(credentialExpired(record.credentialId, 'reactivated'));
    }
    const updated = yield* callPort(deps, () => deps.store.updateCredential(accountId, record.credentialId, user.userId, { status }));
    if (updated === undefined) return errAsync(noSuchCredential(record.credentialId));
    return okAsync({});
  });
