import type { Result } from 'neverthrow';
import type { CredentialRecord } from '../domain/credential.js';
import type { IamError } from '../domain/iam-error.js';
import type { CreateCredentialOutcome, CredentialPage, CredentialQuery, CreationSnapshot } from './credential-store.port.js';

/**
 * An optional capability of a credential store that keeps its users in the same database as a user directory (the PostgreSQL and
 * PGlite adapters): the credential operations name the user by the case-folded name (`userNameKey`) instead of an owner id, and the
 * store finds the user in the same statement that does the work, answering `no-such-user` apart from "no such credential". That
 * saves the separate user lookup, a round trip per operation. Every store must implement `CredentialStore`; this is only ever an
 * addition, used when the engine's user directory says that it keeps its users in this very store's database
 * (`AtomicUserRemoval.sharesTransactionsWith(store)`): a wrapper around the store (an object spread from it) is not that store.
 */
export interface UserResolvingStore {
  /**
   * `CredentialStore.createCredential` for the user with name key `userNameKey`: reads the user under the same lock and in the same
   * consistent view as the rest of the snapshot, and hands `decide` the user found. `no-such-user` when there is none.
   */
  createCredentialOfUser(command: CreateCredentialOfUserCommand): Promise<CreateCredentialOutcome | NoSuchUserOutcome>;

  /** Deletes the credential only if it belongs to the user. */
  deleteCredentialOfUser(accountId: string, userNameKey: string, credentialId: string): Promise<'deleted' | 'no-such-credential' | 'no-such-user'>;

  /** The credential, only if it belongs to the user (another user's is answered like one that does not exist). */
  getCredentialOfUser(accountId: string, userNameKey: string, credentialId: string): Promise<CredentialRecord | 'no-such-credential' | 'no-such-user'>;

  /** `CredentialStore.listCredentials` of the user's credentials (the query has no `ownerId`). */
  listCredentialsOfUser(userNameKey: string, query: CredentialQuery): Promise<CredentialPage | 'no-such-user'>;
}

export interface NoSuchUserOutcome {
  readonly outcome: 'no-such-user';
}

/** The identity of the user a credential is created for, as the store found it. */
export interface CredentialOwner {
  readonly userId: string;
  /** As the user was created (the request may name it in another case). */
  readonly userName: string;
}

export interface CreateCredentialOfUserCommand {
  readonly accountId: string;
  readonly userNameKey: string;
  readonly serviceName: string;
  /** Pure and synchronous: it may run more than once when an SQL store retries a serialization failure. */
  decide(owner: CredentialOwner, snapshot: CreationSnapshot): Result<CredentialRecord, IamError>;
}
