import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { shownSecret } from '../domain/api-key.js';
import { toIssuedCredential, type CredentialRecord } from '../domain/credential.js';
import { expirationDateFor } from '../domain/expiry.js';
import { type IamError, invalidInput, noSuchUser } from '../domain/iam-error.js';
import { checkQuota } from '../domain/quota.js';
import { digestSecret, generateSecret, type SecretDigest } from '../domain/secrets.js';
import type { ServiceCredentialKind } from '../domain/service-catalogue.js';
import { deriveServiceUserName } from '../domain/service-user-name.js';
import type { CreateServiceSpecificCredentialRequest, CreateServiceSpecificCredentialResponse } from '../domain/shapes.js';
import { isUserName } from '../domain/user.js';
import { credentialAgeDaysSpec, serviceNameSpec, userNameSpec, validateRequest } from '../domain/validation.js';
import type { CreateCredentialCommand, CreateCredentialOutcome, CreationSnapshot } from '../ports/credential-store.port.js';
import { type EngineDependencies, portFailure, type RequestContext, resolveAccountId } from './engine-dependencies.js';
import { findService } from './find-service.js';
import { lookupUser } from './find-user.js';

const createSpecs = [userNameSpec(true), serviceNameSpec(true), credentialAgeDaysSpec];

/** The store's atomic create: `decide` applies the quota and derives the ServiceUserName on the store's consistent view. */
class CreateCommand implements CreateCredentialCommand {
  constructor(
    readonly accountId: string,
    readonly ownerId: string,
    readonly userName: string,
    readonly serviceName: string,
    private readonly credentialId: string,
    private readonly kind: ServiceCredentialKind['kind'],
    private readonly secretDigest: SecretDigest,
    private readonly now: Date,
    private readonly expirationDate: Date | undefined,
  ) {}

  decide(snapshot: CreationSnapshot): Result<CredentialRecord, IamError> {
    const quota = checkQuota(snapshot.ownerCredentials);
    if (quota.isErr()) return err(quota.error);
    const record: CredentialRecord = {
      accountId: this.accountId,
      credentialId: this.credentialId,
      ownerId: this.ownerId,
      userName: this.userName,
      serviceName: this.serviceName,
      kind: this.kind,
      serviceUserName: deriveServiceUserName(this.userName, this.accountId, (key) => snapshot.isServiceUserNameTaken(key)),
      secretDigest: this.secretDigest,
      status: 'Active',
      createDate: this.now,
    };
    return ok(this.expirationDate === undefined ? record : { ...record, expirationDate: this.expirationDate });
  }
}

const run = async (
  deps: EngineDependencies,
  request: CreateServiceSpecificCredentialRequest,
  ctx: RequestContext | undefined,
): Promise<Result<CreateServiceSpecificCredentialResponse, IamError>> => {
  let input: CreateServiceSpecificCredentialRequest;
  // The common case (a valid UserName, a ServiceName, no CredentialAgeDays) passes every check without the generic validator.
  if (isUserName(request?.UserName) && typeof request.ServiceName === 'string' && request.CredentialAgeDays == null) {
    input = { UserName: request.UserName, ServiceName: request.ServiceName };
  } else {
    const validated = validateRequest<CreateServiceSpecificCredentialRequest>(request, createSpecs);
    if (validated.isErr()) return err(validated.error);
    input = validated.value;
  }
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
  const innerSecret = generateSecret(service.kind, deps.randomBytes);
  const expirationDate = input.CredentialAgeDays === undefined ? undefined : expirationDateFor(now, input.CredentialAgeDays);
  const command = new CreateCommand(
    accountId,
    user.userId,
    user.userName,
    input.ServiceName,
    credentialId,
    service.kind,
    digestSecret(innerSecret),
    now,
    expirationDate,
  );

  let outcome: CreateCredentialOutcome;
  try {
    outcome = await deps.store.createCredential(command);
  } catch (cause) {
    return portFailure(deps, cause);
  }
  switch (outcome.outcome) {
    case 'rejected':
      return err(outcome.error);
    case 'owner-closed':
      return err(noSuchUser(input.UserName));
    case 'created': {
      const secret = shownSecret(service.kind, outcome.record.serviceUserName, service, innerSecret);
      return ok({ ServiceSpecificCredential: toIssuedCredential(outcome.record, secret, now) });
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
