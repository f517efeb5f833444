import { err, ok } from 'neverthrow';
import { parseApiKey } from '../domain/api-key.js';
import { effectiveStatus } from '../domain/expiry.js';
import { authenticationFailed } from '../domain/iam-error.js';
import { secretMatchesDigest } from '../domain/secrets.js';
import { lookupService } from '../domain/service-catalogue.js';
import { accountIdOfServiceUserName, serviceUserNameKey } from '../domain/service-user-name.js';
import type { AuthenticateApiKeyRequest, AuthenticatedPrincipal, AuthenticateRequest } from '../domain/shapes.js';
import type { EngineDependencies, RequestContext } from './engine-dependencies.js';
import { type Operation, answerOf } from './operation.js';

/**
 * Verifies a presented credential the way the service would. Every failure is the same AuthenticationFailed, whatever the reason
 * (which only goes to `detail`), so a caller learns nothing about which names exist. A name that is not the shape of one we issue
 * is refused before any store is asked.
 */
function* verify(
  deps: EngineDependencies,
  serviceName: string,
  presentedName: string,
  presentedSecret: string,
  ctx: RequestContext | undefined,
): Operation<AuthenticatedPrincipal> {
  const accountId = accountIdOfServiceUserName(presentedName);
  if (accountId.isErr()) return err(authenticationFailed('unknown service user name'));
  // A context names the only account whose credentials authenticate here (null or absent: any account, as null reads everywhere).
  const contextAccountId = ctx?.accountId;
  if (contextAccountId != null && contextAccountId !== accountId.value) return err(authenticationFailed('unknown service user name'));
  const found = yield* answerOf(deps.ports.store.findByServiceUserName(accountId.value, serviceName, serviceUserNameKey(presentedName)));
  // Checked even when nothing was found, so a wrong name costs the same time as a wrong secret.
  const secretMatches = secretMatchesDigest(presentedSecret, found?.secretDigest);
  if (found === undefined || found.serviceUserName !== presentedName) return err(authenticationFailed('unknown service user name'));
  if (!secretMatches) return err(authenticationFailed('wrong secret'));
  const status = effectiveStatus(found.status, found.expirationDate, deps.clock.now());
  if (status !== 'Active') return err(authenticationFailed(`credential is ${status}`));
  return ok({ AccountId: accountId.value, UserName: found.userName, ServiceSpecificCredentialId: found.credentialId });
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** An operation that has already failed, before any port was needed. */
// eslint-disable-next-line require-yield
function* refused(detail: string): Operation<AuthenticatedPrincipal> {
  return err(authenticationFailed(detail));
}

/** Password services (CodeCommit Git over HTTPS, Keyspaces): the ServiceUserName and ServicePassword a client presents. */
export const authenticate = (deps: EngineDependencies, request: AuthenticateRequest, ctx: RequestContext | undefined): Operation<AuthenticatedPrincipal> => {
  const { ServiceName, ServiceUserName, ServicePassword } = request ?? ({} as Partial<AuthenticateRequest>);
  if (!isString(ServiceName) || !isString(ServiceUserName) || !isString(ServicePassword)) return refused('malformed request');
  if (lookupService(deps.services, ServiceName)?.kind !== 'password') return refused('not a password service');
  return verify(deps, ServiceName, ServiceUserName, ServicePassword, ctx);
};

/** API-key services (Bedrock): the whole `ABSK…` key, as sent in `Authorization: Bearer`. */
export const authenticateApiKey = (
  deps: EngineDependencies,
  request: AuthenticateApiKeyRequest,
  ctx: RequestContext | undefined,
): Operation<AuthenticatedPrincipal> => {
  const { ServiceName, ApiKey } = request ?? ({} as Partial<AuthenticateApiKeyRequest>);
  if (!isString(ServiceName) || !isString(ApiKey)) return refused('malformed request');
  const service = lookupService(deps.services, ServiceName);
  if (service?.kind !== 'api-key') return refused('not an API-key service');
  const parsed = parseApiKey(service.secretPrefix, ApiKey);
  if (parsed.isErr()) return refused('malformed API key');
  return verify(deps, ServiceName, parsed.value.alias, parsed.value.secret, ctx);
};
