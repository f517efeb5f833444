import { err, ok } from 'neverthrow';
import { shownSecret } from '../domain/api-key.js';
import { toIssuedCredential } from '../domain/credential.js';
import { isExpired } from '../domain/expiry.js';
import { credentialExpired, noSuchCredential } from '../domain/iam-error.js';
import { digestSecret, generateSecret } from '../domain/secrets.js';
import { lookupService } from '../domain/service-catalogue.js';
import type { ResetServiceSpecificCredentialRequest, ResetServiceSpecificCredentialResponse } from '../domain/shapes.js';
import { compileValidator, credentialIdSpec, userNameSpec } from '../domain/validation.js';
import type { EngineDependencies, RequestContext } from './engine-dependencies.js';
import { findOwnedCredential } from './find-owned-credential.js';
import { type Operation, answerOf } from './operation.js';

const validate = compileValidator<ResetServiceSpecificCredentialRequest>([userNameSpec(false), credentialIdSpec]);

/**
 * A new secret; id, CreateDate, ServiceUserName/alias, ExpirationDate and Status stay. The old secret's digest is replaced at once.
 * An expired credential cannot be reset.
 */
export function* resetServiceSpecificCredential(
  deps: EngineDependencies,
  request: ResetServiceSpecificCredentialRequest,
  ctx: RequestContext | undefined,
): Operation<ResetServiceSpecificCredentialResponse> {
  const input = validate(request);
  if (input.isErr()) return err(input.error);
  const owned = yield* findOwnedCredential(deps, input.value.ServiceSpecificCredentialId, input.value.UserName, ctx);
  if (owned.isErr()) return err(owned.error);
  const { accountId, record } = owned.value;
  const now = deps.clock.now();
  if (isExpired(record.expirationDate, now)) return err(credentialExpired(record.credentialId, 'reset'));

  const innerSecret = generateSecret(record.kind, deps.randomBytes);
  const change = { secretDigest: digestSecret(innerSecret) };
  const updated = yield* answerOf(deps.ports.store.updateCredential(accountId, record.credentialId, record.ownerId, change));
  // Deleted since we read it.
  if (updated === undefined) return err(noSuchCredential(record.credentialId));
  const secret = shownSecret(updated.kind, updated.serviceUserName, lookupService(deps.services, updated.serviceName), innerSecret);
  return ok({ ServiceSpecificCredential: toIssuedCredential(updated, secret, now) });
}
