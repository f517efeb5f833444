import { err, ok, type Result } from 'neverthrow';
import type { CredentialRecord } from '../domain/credential.js';
import type { IamError } from '../domain/iam-error.js';
import { type EngineDependencies, type RequestContext, resolveAccountId, subjectUserName } from './engine-dependencies.js';
import type { Step } from './operation.js';
import { findSubjectUser, ownedCredentialOf } from './subject-user.js';

export interface OwnedCredential {
  readonly accountId: string;
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
  const user = yield* findSubjectUser(deps, accountId.value, userName.value);
  if (user.isErr()) return err(user.error);
  const record = yield* ownedCredentialOf(deps, user.value, credentialId);
  if (record.isErr()) return err(record.error);
  return ok({ accountId: accountId.value, record: record.value });
}
