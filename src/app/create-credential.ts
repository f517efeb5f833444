import { err, ok } from 'neverthrow';
import { shownSecret } from '../domain/api-key.js';
import { decideNewCredential, toIssuedCredential } from '../domain/credential.js';
import { expirationDateFor } from '../domain/expiry.js';
import { invalidInput, noSuchUser } from '../domain/iam-error.js';
import { digestSecret, generateSecret } from '../domain/secrets.js';
import type { CreateServiceSpecificCredentialRequest, CreateServiceSpecificCredentialResponse } from '../domain/shapes.js';
import { compileValidator, credentialAgeDaysSpec, serviceNameSpec, userNameSpec } from '../domain/validation.js';
import { type EngineDependencies, internalFailure, type RequestContext, resolveAccountId } from './engine-dependencies.js';
import { findService } from './find-service.js';
import type { Operation } from './operation.js';
import { createCredentialOf, failAfterUser, findSubjectUser } from './subject-user.js';
import { completeUserRemoval } from './users.js';

const validate = compileValidator<CreateServiceSpecificCredentialRequest>([userNameSpec(true), serviceNameSpec(true), credentialAgeDaysSpec]);

/**
 * Validation, then the account, the user, the service (observed order) and CredentialAgeDays against it; then a new id, secret and
 * dates; then the rules that need the store's consistent view (quota, ServiceUserName), which run inside the store's atomic create.
 */
export function* createServiceSpecificCredential(
  deps: EngineDependencies,
  request: CreateServiceSpecificCredentialRequest,
  ctx: RequestContext | undefined,
): Operation<CreateServiceSpecificCredentialResponse> {
  const input = validate(request);
  if (input.isErr()) return err(input.error);
  const { UserName: userName, ServiceName: serviceName, CredentialAgeDays: credentialAgeDays } = input.value;
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const user = yield* findSubjectUser(deps, accountId.value, userName);
  if (user.isErr()) return err(user.error);
  const service = findService(deps, serviceName);
  if (service.isErr()) return yield* failAfterUser(deps, user.value, service.error);
  const { kind } = service.value;
  if (kind !== 'api-key' && credentialAgeDays !== undefined) {
    const error = invalidInput(`CredentialAgeDays is only valid for services that support long-term API keys; ${serviceName} does not.`);
    return yield* failAfterUser(deps, user.value, error);
  }

  const now = deps.clock.now();
  const credentialId = deps.newId('ACCA');
  if (credentialId.isErr()) return internalFailure(deps, credentialId.error);
  const innerSecret = generateSecret(kind, deps.randomBytes);
  const secretDigest = digestSecret(innerSecret);
  const expirationDate = credentialAgeDays === undefined ? undefined : expirationDateFor(now, credentialAgeDays);
  // The user's id and name as the store saw them: looked up before, or read under the store's lock (subject-user.ts).
  const outcome = yield* createCredentialOf(deps, user.value, serviceName, (owner, snapshot) =>
    decideNewCredential(
      { accountId: accountId.value, credentialId: credentialId.value, ownerId: owner.userId, userName: owner.userName, serviceName, kind, secretDigest, createDate: now, expirationDate },
      snapshot.ownerCredentials,
      (key) => snapshot.isServiceUserNameTaken(key),
    ),
  );
  switch (outcome.outcome) {
    case 'rejected':
      return err(outcome.error);
    case 'owner-closed':
      // DeleteUser closed the owner after the user was found; the user is going, and this Create sees that it is gone.
      yield* completeUserRemoval(deps, accountId.value, user.value);
      return err(noSuchUser(userName));
    case 'no-such-user':
      // The store, finding the user itself, found none.
      return err(noSuchUser(userName));
    case 'created': {
      const secret = shownSecret(kind, outcome.record.serviceUserName, service.value, innerSecret);
      return ok({ ServiceSpecificCredential: toIssuedCredential(outcome.record, secret, now) });
    }
  }
}
