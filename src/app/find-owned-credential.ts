import { ResultAsync, err, ok, type Result } from 'neverthrow';
import type { CredentialRecord } from '../domain/credential.js';
import { type IamError, noSuchCredential } from '../domain/iam-error.js';
import type { UserRecord } from '../domain/user.js';
import { awaitPort, type EngineDependencies, type RequestContext, resolveAccountId, subjectUserName } from './engine-dependencies.js';
import { lookupUser } from './find-user.js';

export interface OwnedCredential {
  readonly accountId: string;
  readonly user: UserRecord;
  readonly record: CredentialRecord;
}

/**
 * The shared front half of Reset, Update and Delete: the subject user must exist (observed: a wrong UserName is "user cannot be
 * found" even for a valid id), and a credential of another user is reported exactly like one that does not exist.
 */
export const lookupOwnedCredential = async (
  deps: EngineDependencies,
  credentialId: string,
  requestedUserName: string | undefined,
  ctx: RequestContext | undefined,
): Promise<Result<OwnedCredential, IamError>> => {
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const userName = subjectUserName(requestedUserName, ctx);
  if (userName.isErr()) return err(userName.error);
  const user = await lookupUser(deps, accountId.value, userName.value);
  if (user.isErr()) return err(user.error);
  const record = await awaitPort(deps, () => deps.store.getCredential(accountId.value, credentialId));
  if (record.isErr()) return err(record.error);
  if (record.value === undefined || record.value.ownerId !== user.value.userId) return err(noSuchCredential(credentialId));
  return ok({ accountId: accountId.value, user: user.value, record: record.value });
};

export const findOwnedCredential = (
  deps: EngineDependencies,
  credentialId: string,
  requestedUserName: string | undefined,
  ctx: RequestContext | undefined,
): ResultAsync<OwnedCredential, IamError> => new ResultAsync(lookupOwnedCredential(deps, credentialId, requestedUserName, ctx));
