import { err, ok, type Result } from 'neverthrow';
import type { CredentialRecord } from '../domain/credential.js';
import { type IamError, noSuchCredential } from '../domain/iam-error.js';
import type { UserRecord } from '../domain/user.js';
import { type EngineDependencies, type RequestContext, resolveAccountId, subjectUserName } from './engine-dependencies.js';
import { findUser } from './find-user.js';
import { answerOf, type Step } from './operation.js';

export interface OwnedCredential {
  readonly accountId: string;
  readonly user: UserRecord;
  readonly record: CredentialRecord;
}

/**
 * The shared front half of Reset and Update: the account, then the subject user, who must exist (observed: a wrong UserName is
 * "user cannot be found" even for a valid id), then the credential, where one of another user is reported exactly like one that
 * does not exist. (Delete needs no record first: the store's delete checks the owner itself.)
 */
export function* findOwnedCredential(
  deps: EngineDependencies,
  credentialId: string,
  requestedUserName: string | undefined,
  ctx: RequestContext | undefined,
): Step<Result<OwnedCredential, IamError>> {
  const accountId = resolveAccountId(deps, ctx);
  if (accountId.isErr()) return err(accountId.error);
  const userName = subjectUserName(requestedUserName, ctx);
  if (userName.isErr()) return err(userName.error);
  const user = yield* findUser(deps, accountId.value, userName.value);
  if (user.isErr()) return err(user.error);
  const record = yield* answerOf(deps.ports.store.getCredential(accountId.value, credentialId));
  if (record === undefined || record.ownerId !== user.value.userId) return err(noSuchCredential(credentialId));
  return ok({ accountId: accountId.value, user: user.value, record });
}
