import { type Err, err, ok, type Result } from 'neverthrow';
import type { CredentialRecord } from '../domain/credential.js';
import { type IamError, noSuchCredential, noSuchUser } from '../domain/iam-error.js';
import { userNameKey, type UserRecord } from '../domain/user.js';
import type { CreateCredentialCommand, CreateCredentialOutcome, CredentialPage, CredentialQuery, CreationSnapshot } from '../ports/credential-store.port.js';
import type { CredentialOwner, NoSuchUserOutcome, UserResolvingStore } from '../ports/user-resolving-store.port.js';
import type { EngineDependencies } from './engine-dependencies.js';
import { findUser } from './find-user.js';
import { answerOf, type Step } from './operation.js';

/*
 * The subject user of a credential operation, and the store calls made for it. Two ways, chosen once per engine
 * (`deps.userResolvingStore`, see `ports/user-resolving-store.port.ts`), behind the same steps so that each operation is written once:
 * - looked up: the user directory finds the user (NoSuchEntity when missing), then the store is called with its id;
 * - named: a store that keeps the users in its own database finds the user in the statement that does the work, and answers
 *   `no-such-user` apart from "no such credential" (a round trip fewer per operation).
 * AWS checks the user before what comes after it; while the user is only named, an error of a later check is answered only once a
 * lookup shows that the user exists (`failAfterUser`), so the answers are the same either way.
 */

/** A user the engine has not looked up: the store resolves it. */
export interface NamedUser {
  readonly accountId: string;
  readonly userName: string;
  readonly userId?: undefined;
  /** The store that finds the user in its own statements. */
  readonly resolvedBy: UserResolvingStore;
}

export type SubjectUser = UserRecord | NamedUser;

/** `const user = yield* findSubjectUser(deps, accountId, userName)`: the user, NoSuchEntity, or (store resolving) the name. */
export const findSubjectUser = (deps: EngineDependencies, accountId: string, userName: string): Step<Result<SubjectUser, IamError>> => {
  const resolvedBy = deps.userResolvingStore;
  return resolvedBy === undefined ? findUser(deps, accountId, userName) : answerOf(ok<SubjectUser, IamError>({ accountId, userName, resolvedBy }));
};

/** `return yield* failAfterUser(deps, user, error)`: `error`, unless the user, only named so far, does not exist. */
export function* failAfterUser(deps: EngineDependencies, user: SubjectUser | undefined, error: IamError): Step<Err<never, IamError>> {
  if (user !== undefined && user.userId === undefined) {
    const found = yield* findUser(deps, user.accountId, user.userName);
    if (found.isErr()) return err(found.error);
  }
  return err(error);
}

const DELETED: Result<true, IamError> = ok(true);
const deletedOrNoSuchCredential = (deleted: boolean, credentialId: string): Result<true, IamError> =>
  deleted ? DELETED : err(noSuchCredential(credentialId));

/** Deletes the credential only if it is the user's: NoSuchEntity for the user, else for the credential (whoever else's it is). */
export const deleteCredentialOf = (deps: EngineDependencies, user: SubjectUser, credentialId: string): Step<Result<true, IamError>> => {
  if (user.userId !== undefined) {
    return answerOf(deps.ports.store.deleteCredential(user.accountId, credentialId, user.userId), deletedOrNoSuchCredential, credentialId);
  }
  return answerOf(
    user.resolvedBy.deleteCredentialOfUser(user.accountId, userNameKey(user.userName), credentialId),
    (answer, named): Result<true, IamError> =>
      answer === 'no-such-user' ? err(noSuchUser(named.userName)) : deletedOrNoSuchCredential(answer === 'deleted', credentialId),
    user,
  );
};

const ownedOrNoSuchCredential = (record: CredentialRecord | undefined, about: { user: UserRecord; credentialId: string }): Result<CredentialRecord, IamError> =>
  record === undefined || record.ownerId !== about.user.userId ? err(noSuchCredential(about.credentialId)) : ok(record);

/** The credential, only if it is the user's (another user's is answered exactly like one that does not exist). */
export const ownedCredentialOf = (deps: EngineDependencies, user: SubjectUser, credentialId: string): Step<Result<CredentialRecord, IamError>> => {
  if (user.userId !== undefined) {
    return answerOf(deps.ports.store.getCredential(user.accountId, credentialId), ownedOrNoSuchCredential, { user, credentialId });
  }
  return answerOf(
    user.resolvedBy.getCredentialOfUser(user.accountId, userNameKey(user.userName), credentialId),
    (answer, named): Result<CredentialRecord, IamError> => {
      if (answer === 'no-such-user') return err(noSuchUser(named.userName));
      return answer === 'no-such-credential' ? err(noSuchCredential(credentialId)) : ok(answer);
    },
    user,
  );
};

const pageOf = (page: CredentialPage): Result<CredentialPage, IamError> => ok(page);

/** One page of the user's credentials (`query` has no owner yet), or of the account's for AllUsers (`user` undefined). */
export const listCredentialsOf = (
  deps: EngineDependencies,
  user: SubjectUser | undefined,
  query: { -readonly [K in keyof CredentialQuery]: CredentialQuery[K] },
): Step<Result<CredentialPage, IamError>> => {
  if (user === undefined || user.userId !== undefined) {
    if (user !== undefined) query.ownerId = user.userId;
    return answerOf(deps.ports.store.listCredentials(query), pageOf, undefined);
  }
  return answerOf(
    user.resolvedBy.listCredentialsOfUser(userNameKey(user.userName), query),
    (answer, named): Result<CredentialPage, IamError> => (answer === 'no-such-user' ? err(noSuchUser(named.userName)) : ok(answer)),
    user,
  );
};

/** The create by owner id of a user looked up: one object (a class, so that `decide` is no closure of its own). */
class CreateForOwner implements CreateCredentialCommand {
  readonly accountId: string;
  readonly ownerId: string;
  readonly userName: string;

  constructor(
    private readonly owner: UserRecord,
    readonly serviceName: string,
    private readonly decideFor: (owner: CredentialOwner, snapshot: CreationSnapshot) => Result<CredentialRecord, IamError>,
  ) {
    this.accountId = owner.accountId;
    this.ownerId = owner.userId;
    this.userName = owner.userName;
  }

  decide(snapshot: CreationSnapshot): Result<CredentialRecord, IamError> {
    return this.decideFor(this.owner, snapshot);
  }
}

/**
 * The store's atomic create for the user: `decide` gets the user as the store saw it (looked up before, or read under the store's
 * lock). `no-such-user` (named user) and `owner-closed` (DeleteUser won the race) both mean the user is gone.
 */
export const createCredentialOf = (
  deps: EngineDependencies,
  user: SubjectUser,
  serviceName: string,
  decide: (owner: CredentialOwner, snapshot: CreationSnapshot) => Result<CredentialRecord, IamError>,
): Step<CreateCredentialOutcome | NoSuchUserOutcome> => {
  if (user.userId !== undefined) return answerOf(deps.ports.store.createCredential(new CreateForOwner(user, serviceName, decide)));
  return answerOf(user.resolvedBy.createCredentialOfUser({ accountId: user.accountId, userNameKey: userNameKey(user.userName), serviceName, decide }));
};
