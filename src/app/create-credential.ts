import type { ImmediateAdapters, UserIdentity } from '../ports/immediate.port.js';
import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { shownSecret } from '../domain/api-key.js';
import { toIssuedCredential, type CredentialRecord } from '../domain/credential.js';
import { expirationDateFor } from '../domain/expiry.js';
import { type IamError, invalidInput, noSuchUser, unsupportedService } from '../domain/iam-error.js';
import { checkQuota } from '../domain/quota.js';
import { digestSecret, generateSecret, type SecretDigest } from '../domain/secrets.js';
import { lookupService, type ServiceCredentialKind } from '../domain/service-catalogue.js';
import { deriveServiceUserName } from '../domain/service-user-name.js';
import type { CreateServiceSpecificCredentialRequest, CreateServiceSpecificCredentialResponse } from '../domain/shapes.js';
import { isUserName, type UserRecord } from '../domain/user.js';
import { credentialAgeDaysSpec, serviceNameSpec, userNameSpec, validateRequest } from '../domain/validation.js';
import type { CreateCredentialCommand, CreateCredentialOutcome, CreationSnapshot } from '../ports/credential-store.port.js';
import {
  type EngineDependencies,
  portFailure,
  type RequestContext,
  resolveAccountId,
} from './engine-dependencies.js';

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

/** What Create acts on once the request passed validation. */
class CreateInput {
  constructor(
    readonly accountId: string,
    readonly userName: string,
    readonly serviceName: string,
    readonly credentialAgeDays: number | undefined,
  ) {}
}

/** Validation, then the account. */
const readInput = (
  deps: EngineDependencies,
  request: CreateServiceSpecificCredentialRequest,
  ctx: RequestContext | undefined,
): CreateInput | IamError => {
  let userName: string;
  let serviceName: string;
  let credentialAgeDays: number | undefined;
  // The common case (a valid UserName, a ServiceName, no CredentialAgeDays) passes every check without the generic validator.
  if (isUserName(request?.UserName) && typeof request.ServiceName === 'string' && request.CredentialAgeDays == null) {
    userName = request.UserName;
    serviceName = request.ServiceName;
    credentialAgeDays = undefined;
  } else {
    const validated = validateRequest<CreateServiceSpecificCredentialRequest>(request, createSpecs);
    if (validated.isErr()) return validated.error;
    userName = validated.value.UserName;
    serviceName = validated.value.ServiceName;
    credentialAgeDays = validated.value.CredentialAgeDays;
  }
  // The default account (no context, or the context names it) needs no check.
  let accountId = ctx?.accountId ?? deps.defaultAccountId;
  if (accountId !== deps.defaultAccountId) {
    const resolved = resolveAccountId(deps, ctx);
    if (resolved.isErr()) return resolved.error;
    accountId = resolved.value;
  }
  return new CreateInput(accountId, userName, serviceName, credentialAgeDays);
};

/** What the store is asked to do, and what the answer needs besides the stored record. */
class Issue {
  constructor(
    readonly command: CreateCommand,
    readonly service: ServiceCredentialKind,
    readonly innerSecret: string,
    readonly now: Date,
  ) {}
}

/** Once the user is known: the service, CredentialAgeDays against it, then the new id, secret and dates. */
const prepareIssue = (deps: EngineDependencies, input: CreateInput, user: UserIdentity): Issue | IamError => {
  const service = lookupService(deps.services, input.serviceName);
  if (service === undefined) return unsupportedService(input.serviceName, deps.unsupportedServiceError);
  if (service.kind !== 'api-key' && input.credentialAgeDays !== undefined) {
    return invalidInput(`CredentialAgeDays is only valid for services that support long-term API keys; ${input.serviceName} does not.`);
  }

  const now = deps.clock.now();
  const credentialId = deps.newId('ACCA');
  const innerSecret = generateSecret(service.kind, deps.randomBytes);
  const expirationDate = input.credentialAgeDays === undefined ? undefined : expirationDateFor(now, input.credentialAgeDays);
  const command = new CreateCommand(
    input.accountId,
    user.userId,
    user.userName,
    input.serviceName,
    credentialId,
    service.kind,
    digestSecret(innerSecret),
    now,
    expirationDate,
  );
  return new Issue(command, service, innerSecret, now);
};

const answer = (
  input: CreateInput,
  issue: Issue,
  outcome: CreateCredentialOutcome,
): Result<CreateServiceSpecificCredentialResponse, IamError> => {
  switch (outcome.outcome) {
    case 'rejected':
      return err(outcome.error);
    case 'owner-closed':
      return err(noSuchUser(input.userName));
    case 'created': {
      const secret = shownSecret(issue.service.kind, outcome.record.serviceUserName, issue.service, issue.innerSecret);
      return ok({ ServiceSpecificCredential: toIssuedCredential(outcome.record, secret, issue.now) });
    }
  }
};

const run = async (
  deps: EngineDependencies,
  request: CreateServiceSpecificCredentialRequest,
  ctx: RequestContext | undefined,
): Promise<Result<CreateServiceSpecificCredentialResponse, IamError>> => {
  const input = readInput(deps, request, ctx);
  if (!(input instanceof CreateInput)) return err(input);
  let user: UserRecord | undefined;
  try {
    user = await deps.users.getUser(input.accountId, input.userName);
  } catch (cause) {
    return portFailure(deps, cause);
  }
  if (user === undefined) return err(noSuchUser(input.userName));
  const issue = prepareIssue(deps, input, user);
  if (!(issue instanceof Issue)) return err(issue);
  let outcome: CreateCredentialOutcome;
  try {
    outcome = await deps.store.createCredential(issue.command);
  } catch (cause) {
    return portFailure(deps, cause);
  }
  return answer(input, issue, outcome);
};

/** The same steps as `run` over adapters that answer at once. */
const runNow = (
  deps: EngineDependencies,
  immediate: ImmediateAdapters,
  request: CreateServiceSpecificCredentialRequest,
  ctx: RequestContext | undefined,
): Result<CreateServiceSpecificCredentialResponse, IamError> => {
  const input = readInput(deps, request, ctx);
  if (!(input instanceof CreateInput)) return err(input);
  let user: UserIdentity | undefined;
  try {
    user = immediate.users.findUserNow(input.accountId, input.userName);
  } catch (cause) {
    return portFailure(deps, cause);
  }
  if (user === undefined) return err(noSuchUser(input.userName));
  const issue = prepareIssue(deps, input, user);
  if (!(issue instanceof Issue)) return err(issue);
  let outcome: CreateCredentialOutcome;
  try {
    outcome = immediate.store.createCredentialNow(issue.command);
  } catch (cause) {
    return portFailure(deps, cause);
  }
  return answer(input, issue, outcome);
};

/**
 * Validation, then the user, then the service (observed order), then the rules that need the store's consistent view (quota,
 * ServiceUserName), which run inside the store's atomic create.
 */
export const createServiceSpecificCredential = (
  deps: EngineDependencies,
  request: CreateServiceSpecificCredentialRequest,
  ctx?: RequestContext,
): ResultAsync<CreateServiceSpecificCredentialResponse, IamError> => {
  const immediate = deps.immediate;
  if (immediate === undefined) return new ResultAsync(run(deps, request, ctx));
  try {
    return new ResultAsync(Promise.resolve(runNow(deps, immediate, request, ctx)));
  } catch (cause) {
    // As from the async path: an unexpected throw rejects the answer rather than escaping the call.
    return new ResultAsync(Promise.reject(cause));
  }
};
