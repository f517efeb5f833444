import { type ResultAsync, err, errAsync, okAsync, safeTry } from 'neverthrow';
import { toIssuedCredential, type CredentialRecord } from '../domain/credential.js';
import { expirationDateFor } from '../domain/expiry.js';
import { type IamError, invalidInput, noSuchUser } from '../domain/iam-error.js';
import { checkQuota } from '../domain/quota.js';
import { formatApiKey } from '../domain/api-key.js';
import { digestSecret, generateApiKeySecret, generateServicePassword } from '../domain/secrets.js';
import { deriveServiceUserName } from '../domain/service-user-name.js';
import type { CreateServiceSpecificCredentialRequest, CreateServiceSpecificCredentialResponse } from '../domain/shapes.js';
import { credentialAgeDaysSpec, serviceNameSpec, userNameSpec, validateRequest } from '../domain/validation.js';
import type { CreationSnapshot } from '../ports/credential-store.port.js';
import { callPort, type EngineDependencies, type RequestContext, resolveAccountId } from './engine-dependencies.js';
import { findService } from './find-service.js';
import { findUser } from './find-user.js';

const createSpecs = [userNameSpec(true), serviceNameSpec(true), credentialAgeDaysSpec];

/**
 * Validation, then the user, then the service (observed order), then the rules that need the store's consistent view (quota,
 * ServiceUserName), which run inside the store's atomic create.
 */
export const createServiceSpecificCredential = (
  deps: EngineDependencies,
  request: CreateServiceSpecificCredentialRequest,
  ctx?: RequestContext,
): ResultAsync<CreateServiceSpecificCredentialResponse, IamError> =>
  safeTry(async function* () {
    const input = yield* validateRequest<CreateServiceSpecificCredentialRequest>(request, createSpecs);
    const accountId = yield* resolveAccountId(deps, ctx);
    const user = yield* findUser(deps, accountId, input.UserName);
    const service = yield* findService(deps, input.ServiceName);
    if (service.kind !== 'api-key' && input.CredentialAgeDays !== undefined) {
      return err(
        invalidInput(`CredentialAgeDays is only valid for services that support long-term API keys; ${input.ServiceName} does not.`),
      );
    }

    const now = deps.clock.now();
    const credentialId = deps.newId('ACCA');
    const innerSecret = service.kind === 'api-key' ? generateApiKeySecret(deps.randomBytes) : generateServicePassword(deps.randomBytes);
    const secretDigest = digestSecret(innerSecret);
    const expirationDate = input.CredentialAgeDays === undefined ? undefined : expirationDateFor(now, input.CredentialAgeDays);

    const decide = (snapshot: CreationSnapshot) =>
      checkQuota(snapshot.ownerCredentials).map(
        (): CredentialRecord => ({
          accountId,
          credentialId,
          ownerId: user.userId,
          userName: user.userName,
          serviceName: input.ServiceName,
          kind: service.kind,
          serviceUserName: deriveServiceUserName(user.userName, accountId, (key) => snapshot.isServiceUserNameTaken(key)),
          secretDigest,
          status: 'Active',
          createDate: now,
          ...(expirationDate === undefined ? {} : { expirationDate }),
        }),
      );

    const outcome = yield* callPort(deps, () =>
      deps.store.createCredential({ accountId, ownerId: user.userId, userName: user.userName, serviceName: input.ServiceName, decide }),
    );
    switch (outcome.outcome) {
      case 'rejected':
        return errAsync(outcome.error);
      case 'owner-closed':
        return errAsync(noSuchUser(input.UserName));
      case 'created': {
        const shownSecret =
          service.kind === 'api-key' ? formatApiKey(service.secretPrefix, outcome.record.serviceUserName, innerSecret) : innerSecret;
        return okAsync({ ServiceSpecificCredential: toIssuedCredential(outcome.record, shownSecret, now) });
      }
    }
  });
