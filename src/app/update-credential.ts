import { type ResultAsync, errAsync, okAsync, safeTry } from 'neverthrow';
import { isExpired } from '../domain/expiry.js';
import { credentialExpired, type IamError, noSuchCredential, validationError } from '../domain/iam-error.js';
import type { EmptyResponse, UpdateServiceSpecificCredentialRequest } from '../domain/shapes.js';
import { credentialIdSpec, formatValidationMessage, statusSpec, userNameSpec, validateRequest } from '../domain/validation.js';
import { callPort, type EngineDependencies, type RequestContext } from './engine-dependencies.js';
import { findOwnedCredential } from './find-owned-credential.js';

const updateSpecs = [credentialIdSpec, statusSpec, userNameSpec(false)];

/** `Expired` is in the status enum for reading; it is derived from ExpirationDate and cannot be set. */
const expiredIsNotSettable = (): IamError =>
  validationError(
    formatValidationMessage(["Value at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]"]),
  );

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
