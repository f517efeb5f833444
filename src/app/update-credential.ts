import { err, ok } from 'neverthrow';
import { isExpired } from '../domain/expiry.js';
import { credentialExpired, type IamError, invalidInput, noSuchCredential } from '../domain/iam-error.js';
import type { EmptyResponse, UpdateServiceSpecificCredentialRequest } from '../domain/shapes.js';
import { compileValidator, credentialIdSpec, statusSpec, userNameSpec } from '../domain/validation.js';
import type { EngineDependencies, RequestContext } from './engine-dependencies.js';
import { findOwnedCredential } from './find-owned-credential.js';
import { type Operation, answerOf } from './operation.js';

const validate = compileValidator<UpdateServiceSpecificCredentialRequest>([userNameSpec(false), credentialIdSpec, statusSpec]);

/**
 * `Expired` is in the status enum because List reads it; it is derived from ExpirationDate and cannot be set. The enum check has
 * passed by then, so this is a rule of IAM's own, answered like the engine's other rule violations.
 */
const expiredIsNotSettable = (): IamError => invalidInput('Status Expired cannot be set: a credential expires only by its ExpirationDate. Use Active or Inactive.');

/** Validation, then whose credential it is; an expired credential cannot be made Active again. */
export function* updateServiceSpecificCredential(
  deps: EngineDependencies,
  request: UpdateServiceSpecificCredentialRequest,
  ctx: RequestContext | undefined,
): Operation<EmptyResponse> {
  const input = validate(request);
  if (input.isErr()) return err(input.error);
  const status = input.value.Status;
  if (status === 'Expired') return err(expiredIsNotSettable());
  const owned = yield* findOwnedCredential(deps, input.value.ServiceSpecificCredentialId, input.value.UserName, ctx);
  if (owned.isErr()) return err(owned.error);
  const { accountId, record } = owned.value;
  if (status === 'Active' && isExpired(record.expirationDate, deps.clock.now())) {
    return err(credentialExpired(record.credentialId, 'reactivated'));
  }
  const updated = yield* answerOf(deps.ports.store.updateCredential(accountId, record.credentialId, record.ownerId, { status }));
  // Deleted since we read it.
  return updated === undefined ? err(noSuchCredential(record.credentialId)) : ok({});
}
