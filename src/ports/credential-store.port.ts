import type { Result } from 'neverthrow';
import type { CredentialPosition, CredentialRecord } from '../domain/credential.js';
import type { StoredStatus } from '../domain/expiry.js';
import type { IamError } from '../domain/iam-error.js';
import type { SecretDigest } from '../domain/secrets.js';

/**
 * Storage of service-specific credentials. Every method is one atomic unit: an SQL store implements each with one transaction, the
 * in-memory store with synchronous work between awaits. Business outcomes resolve; a rejected promise means the store itself
 * failed (connection lost, timeout) and becomes ServiceFailure at the application boundary, with nothing written.
 */
export interface CredentialStore {
  /**
   * Reads what the rules need (the owner's credentials for the service and which ServiceUserNames are taken), lets the pure
   * `decide` apply the quota and derive the name, and inserts what it returns, all in one atomic step. Two concurrent creates can
   * therefore never exceed the quota or share a ServiceUserName. Fails with `owner-closed` once `closeOwner` ran for the owner.
   */
  createCredential(command: CreateCredentialCommand): Promise<CreateCredentialOutcome>;

  getCredential(accountId: string, credentialId: string): Promise<CredentialRecord | undefined>;

  /** Applies `change` only if the credential exists and belongs to `ownerId`; returns the updated record, else undefined. */
  updateCredential(
    accountId: string,
    credentialId: string,
    ownerId: string,
    change: CredentialChange,
  ): Promise<CredentialRecord | undefined>;

  /** Deletes only if the credential exists and belongs to `ownerId`; true when something was deleted. */
  deleteCredential(accountId: string, credentialId: string, ownerId: string): Promise<boolean>;

  /** A page in the order of `compareCredentialPositions`, strictly after `after` when given. */
  listCredentials(query: CredentialQuery): Promise<CredentialPage>;

  /** The credential of `serviceName` whose ServiceUserName/alias has key `serviceUserNameKey`, if any. */
  findByServiceUserName(accountId: string, serviceName: string, serviceUserNameKey: string): Promise<CredentialRecord | undefined>;

  /**
   * The first step of deleting a user: atomically refuses while the owner has any credential, otherwise marks the owner closed so
   * that a create racing the deletion fails instead of leaving a credential behind for a deleted user. A closure is for good:
   * owners are UserIds, which are never reused, and undoing one could race a concurrent deletion of the same user.
   */
  closeOwner(accountId: string, ownerId: string): Promise<'closed' | 'has-credentials'>;

}

export interface CreationSnapshot {
  /** The owner's credentials for this service, whatever their status. */
  readonly ownerCredentials: readonly CredentialRecord[];
  /** Whether a live credential of this service in this account carries the ServiceUserName/alias with this key. */
  isServiceUserNameTaken(serviceUserNameKey: string): boolean;
}

export interface CreateCredentialCommand {
  readonly accountId: string;
  readonly ownerId: string;
  readonly userName: string;
  readonly serviceName: string;
  /** Pure and synchronous: it may run more than once when an SQL store retries a serialization failure. */
  decide(snapshot: CreationSnapshot): Result<CredentialRecord, IamError>;
}

export type CreateCredentialOutcome =
  | { readonly outcome: 'created'; readonly record: CredentialRecord }
  | { readonly outcome: 'rejected'; readonly error: IamError }
  | { readonly outcome: 'owner-closed' };

export type CredentialChange = { readonly status: StoredStatus } | { readonly secretDigest: SecretDigest };

export interface CredentialQuery {
  readonly accountId: string;
  /** Only this owner's credentials; absent for AllUsers. */
  readonly ownerId?: string;
  readonly serviceName?: string;
  readonly after?: CredentialPosition;
  readonly limit: number;
}

export interface CredentialPage {
  readonly items: readonly CredentialRecord[];
  /** More items exist after the last one returned. */
  readonly hasMore: boolean;
}
