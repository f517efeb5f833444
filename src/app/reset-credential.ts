import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { shownSecret } from '../domain/api-key.js';
import { type CredentialRecord, toIssuedCredential } from '../domain/credential.js';
import { isExpired } from '../domain/expiry.js';
import { credentialExpired, type IamError, noSuchCredential } from '../domain/iam-error.js';
import { digestSecret, generateSecret } from '../domain/secrets.js';
import { lookupService } from '../domain/service-catalogue.js';
import type { ResetServiceSpecificCredentialRequest, ResetServiceSpecificCredentialResponse } from '../domain/shapes.js';
import { credentialIdSpec, userNameSpec, validateRequest } from '../domain/validation.js';
import { type EngineDependencies, portFailure, type RequestContext } from './engine-dependencies.js';
import { lookupOwnedCredential } from './find-owned-credential.js';

const resetSpecs = [credentialIdSpec, userNameSpec(false)];

const run = async (
  deps: EngineDependencies,
  request: ResetServiceSpecificCredentialRequest,
  ctx: RequestContext | undefined,
): Promise<Result<ResetServiceSpecificCredentialResponse, IamError>> => {
  const input = validateRequest<ResetServiceSpecificCredentialRequest>(request, resetSpecs);
  if (input.isErr()) return err(input.error);
  const owned = await lookupOwnedCredential(deps, input.value.ServiceSpecificCredentialId, input.value.UserName, ctx);
  if (owned.isErr()) return err(owned.error);
  const { accountId, user, record } = owned.value;
  const now = deps.clock.now();
  if (isExpired(record.expirationDate, now)) return err(credentialExpired(record.credentialId, 'reset'));

  const innerSecret = generateSecret(record.kind, deps.randomBytes);
  let updated: CredentialRecord | undefined;
  try {
    updated = await deps.store.updateCredential(accountId, record.credentialId, user.userId, { secretDigest: digestSecret(innerSecret) });
  } catch (cause) {
    return portFailure(deps, cause);
  }
  if (updated === undefined) return err(noSuchCredential(record.credentialId));
  const secret = shownSecret(updated.kind, updated.serviceUserName, lookupService(deps.services, updated.serviceName), innerSecret);
  return ok({ ServiceSpecificCredential: toIssuedCredential(updated, secret, now) });
};

/** A new secret; id, CreateDate, ServiceUserName/alias, ExpirationDate and Status stay. The old secret's digest is replaced at once. */
export const resetServiceSpecificCredential = (
  deps: EngineDependencies,
  request: ResetServiceSpecificCredentialRequest,
  ctx?: RequestContext,
): ResultAsync<ResetServiceSpecificCredentialResponse, IamError> => new ResultAsync(run(deps, request, ctx));
