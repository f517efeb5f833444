import { type ResultAsync, errAsync, okAsync, safeTry } from 'neverthrow';
import type { CredentialRecord } from '../domain/credential.js';
import { type IamError, noSuchCredential } from '../domain/iam-error.js';
import type { UserRecord } from '../domain/user.js';
import { callPort, type EngineDependencies, type RequestContext, resolveAccountId, subjectUserName } from './engine-dependencies.js';
import { findUser } from './find-user.js';

export interface OwnedCredential {
  readonly accountId: string;
  readonly user: UserRecord;
  readonly record: CredentialRecord;
}

/**
 * The shared front half of Reset, Update and Delete: the subject user must exist (observed: a wrong UserName is "user cannot be
 * found" even for a valid id), and a credential of another user is reported exactly like one that does not exist.
 */
export const findOwnedCredential = (
  deps: EngineDependencies,
  credentialId: string,
  requestedUserName: string | undefined,
  ctx: RequestContext | undefined,
): ResultAsync<OwnedCredential, IamError> =>
  safeTry(async function* () {
    const accountId = yield* resolveAccountId(deps, ctx);
    const userName = yield* subjectUserName(requestedUserName, ctx);
    const user = yield* findUser(deps, accountId, userName);
    const record = yield* callPort(deps, () => deps.store.getCredential(accountId, credentialId));
    if (record === undefined || record.ownerId !== user.userId) return errAsync(noSuchCredential(credentialId));
    return okAsync({ accountId, user, record });
  });
