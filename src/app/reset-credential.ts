import { type ResultAsync, errAsync, okAsync, safeTry } from 'neverthrow';
import { formatApiKey } from '../domain/api-key.js';
import { toIssuedCredential } from '../domain/credential.js';
import { isExpired } from '../domain/expiry.js';
import { credentialExpired, type IamError, noSuchCredential } from '../domain/iam-error.js';
import { digestSecret, generateApiKeySecret, generateServicePassword } from '../domain/secrets.js';
import { lookupService } from '../domain/service-catalogue.js';
import type { ResetServiceSpecificCredentialRequest, ResetServiceSpecificCredentialResponse } from '../domain/shapes.js';
import { credentialIdSpec, userNameSpec, validateRequest } from '../domain/validation.js';
import { callPort, type EngineDependencies, type RequestContext } from './engine-dependencies.js';
import { findOwnedCredential } from './find-owned-credential.js';

const resetSpecs = [credentialIdSpec, userNameSpec(false)];

/** A new secret; id, CreateDate, ServiceUserName/alias, ExpirationDate and Status stay. The old secret's digest is replaced at once. */
export const resetServiceSpecificCredential = (
  deps: EngineDependencies,
  request: ResetServiceSpecificCredentialRequest,
  ctx?: RequestContext,
): ResultAsync<ResetServiceSpecificCredentialResponse, IamError> =>
  safeTry(async function* () {
    const input = yield* validateRequest<ResetServiceSpecificCredentialRequest>(request, resetSpecs);
    const { accountId, user, record } = yield* findOwnedCredential(deps, input.ServiceSpecificCredentialId, input.UserName, ctx);
    const now = deps.clock.now();
    if (isExpired(record.expirationDate, now)) return errAsync(credentialExpired(record.credentialId, 'reset'));

    const innerSecret = record.kind === 'api-key' ? generateApiKeySecret(deps.randomBytes) : generateServicePassword(deps.randomBytes);
    const updated = yield* callPort(deps, () =>
      deps.store.updateCredential(accountId, record.credentialId, user.userId, { secretDigest: digestSecret(innerSecret) }),
    );
    if (updated === undefined) return errAsync(noSuchCredential(record.credentialId));

    const service = lookupService(deps.services, updated.serviceName);
    // A key issued under a catalogue entry that was since removed keeps the prefix it was issued with: the default one.
    const prefix = service?.kind === 'api-key' ? service.secretPrefix : 'ABSK';
    const shownSecret = updated.kind === 'api-key' ? formatApiKey(prefix, updated.serviceUserName, innerSecret) : innerSecret;
    return okAsync({ ServiceSpecificCredential: toIssuedCredential(updated, shownSecret, now) });
  });
