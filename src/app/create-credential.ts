import { ResultAsync, err, ok, type Result } from 'neverthrow';
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
import { awaitPort, type EngineDependencies, type RequestContext, resolveAccountId } from './engine-dependencies.js';
import { findService } from './find-service.js';
import { lookupUser } from './find-user.js';

const createSpecs = [userNameSpec(true), serviceNameSpec(true), credentialAgeDaysSpec];

const run = async (
  deps: EngineDependencies,
  request: CreateServiceSpecificCredentialRequest,
  ctx: RequestContext | undefined,
): Promise<Result<CreateServiceSpecificCredentialResponse, IamError>> => {
  const validated = validateRequest<CreateServiceSpecificCredentialRequest>(request, createSpecs);
  if (validated.isErr()) return err(validated.error);
  const input = validated.value;
  const resolved = resolveAccountId(deps, ctx);
  if (resolved.isErr()) return err(resolved.error);
  const accountId = resolved.value;
  const found = await lookupUser(deps, accountId, input.UserName);
  if (found.isErr()) return err(found.error);
  const user = found.value;
  const supported = findService(deps, input.ServiceName);
  if (supported.isErr()) return err(supported.error);
  const service = supported.value;
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

  const stored = await awaitPort(deps, () =>
    deps.store.createCredential({ accountId, ownerId: user.userId, userName: user.userName, serviceName: input.ServiceName, decide }),
  );
  if (stored.isErr()) return err(stored.error);
  const outcome = stored.value;
  switch (outcome.outcome) {
    case 'rejected':
      return err(outcome.error);
    case 'owner-closed':
      return err(noSuchUser(input.UserName));
    case 'created': {
      const shownSecret =
        service.kind === 'api-key' ? formatApiKey(service.secretPrefix, outcome.record.serviceUserName, innerSecret) : innerSecret;
      return ok({ ServiceSpecificCredential: toIssuedCredential(outcome.record, shownSecret, now) });
    }
  }
};

/**
 * Validation, then the user, then the service (observed order), then the rules that need the store's consistent view (quota,
 * ServiceUserName), which run inside the store's atomic create.
 */
export const createServiceSpecificCredential = (
  deps: EngineDependencies,
  request: CreateServiceSpecificCredentialRequest,
  ctx?: RequestContext,
): ResultAsync<CreateServiceSpecificCredentialResponse, IamError> => new ResultAsync(run(deps, request, ctx));
