import { err, errAsync, ok, ResultAsync, type Result } from 'neverthrow';
import { parseApiKey } from '../domain/api-key.js';
import type { CredentialRecord } from '../domain/credential.js';
import { effectiveStatus } from '../domain/expiry.js';
import { authenticationFailed, type IamError } from '../domain/iam-error.js';
import { secretMatchesDigest } from '../domain/secrets.js';
import { lookupService } from '../domain/service-catalogue.js';
import { accountIdOfServiceUserName, serviceUserNameKey } from '../domain/service-user-name.js';
import type { AuthenticateApiKeyRequest, AuthenticatedPrincipal, AuthenticateRequest } from '../domain/shapes.js';
import { type EngineDependencies, portFailure, type RequestContext } from './engine-dependencies.js';

/**
 * Verifies a presented credential the way the service would. Every failure is the same AuthenticationFailed, whatever the reason
 * (which only goes to `detail`), so a caller learns nothing about which names exist.
 */
const verify = async (
  deps: EngineDependencies,
  serviceName: string,
  presentedName: string,
  presentedSecret: string,
  ctx: RequestContext | undefined,
): Promise<Result<AuthenticatedPrincipal, IamError>> => {
  const accountId = accountIdOfServiceUserName(presentedName);
  if (accountId === undefined || (ctx?.accountId !== undefined && ctx.accountId !== accountId)) {
    return err(authenticationFailed('unknown service user name'));
  }
  let found: CredentialRecord | undefined;
  try {
    found = await deps.store.findByServiceUserName(accountId, serviceName, serviceUserNameKey(presentedName));
  } catch (cause) {
    return portFailure(deps, cause);
  }
  // Checked even when nothing was found, so a wrong name costs the same time as a wrong secret.
  const secretMatches = secretMatchesDigest(presentedSecret, found?.secretDigest ?? '');
  if (found === undefined || found.serviceUserName !== presentedName) return err(authenticationFailed('unknown service user name'));
  if (!secretMatches) return err(authenticationFailed('wrong secret'));
  const status = effectiveStatus(found.status, found.expirationDate, deps.clock.now());
  if (status !== 'Active') return err(authenticationFailed(`credential is ${status}`));
  return ok({ AccountId: accountId, UserName: found.userName, ServiceSpecificCredentialId: found.credentialId });
};

const isString = (value: unknown): value is string => typeof value === 'string';

/** Password services (CodeCommit Git over HTTPS, Keyspaces): the ServiceUserName and ServicePassword a client presents. */
export const authenticate = (
  deps: EngineDependencies,
  request: AuthenticateRequest,
  ctx?: RequestContext,
): ResultAsync<AuthenticatedPrincipal, IamError> => {
  const { ServiceName, ServiceUserName, ServicePassword } = request ?? ({} as Partial<AuthenticateRequest>);
  if (!isString(ServiceName) || !isString(ServiceUserName) || !isString(ServicePassword)) {
    return errAsync(authenticationFailed('malformed request'));
  }
  if (lookupService(deps.services, ServiceName)?.kind !== 'password') return errAsync(authenticationFailed('not a password service'));
  return new ResultAsync(verify(deps, ServiceName, ServiceUserName, ServicePassword, ctx));
};

/** API-key services (Bedrock): the whole `ABSK…` key, as sent in `Authorization: Bearer`. */
export const authenticateApiKey = (
  deps: EngineDependencies,
  request: AuthenticateApiKeyRequest,
  ctx?: RequestContext,
): ResultAsync<AuthenticatedPrincipal, IamError> => {
  const { ServiceName, ApiKey } = request ?? ({} as Partial<AuthenticateApiKeyRequest>);
  if (!isString(ServiceName) || !isString(ApiKey)) return errAsync(authenticationFailed('malformed request'));
  const service = lookupService(deps.services, ServiceName);
  if (service?.kind !== 'api-key') return errAsync(authenticationFailed('not an API-key service'));
  const parsed = parseApiKey(service.secretPrefix, ApiKey);
  if (parsed === undefined) return errAsync(authenticationFailed('malformed API key'));
  return new ResultAsync(verify(deps, ServiceName, parsed.alias, parsed.secret, ctx));
};
