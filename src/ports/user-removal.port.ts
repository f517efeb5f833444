import type { CredentialStore } from './credential-store.port.js';

/**
 * An optional capability of a user directory that keeps its users in the same database as a credential store (the PostgreSQL and
 * PGlite adapters). DeleteUser's two steps, closing the owner in the store (refused while it has credentials) and deleting the user,
 * then commit in one transaction: a DeleteUser that fails changes nothing, instead of leaving a closed owner behind a user that still
 * exists. Every directory must implement `UserDirectory`; this is only ever an addition, used when `sharesTransactionsWith` says so.
 */
export interface AtomicUserRemoval {
  /** Whether `store` is the credential store kept in this directory's database, so that `removeUser` can span both. */
  sharesTransactionsWith(store: CredentialStore): boolean;
  /**
   * `CredentialStore.closeOwner` and `UserDirectory.deleteUser` as one atomic step. `has-credentials`: the owner has credentials,
   * nothing changed. `has-access-keys`: the user has access keys (checked first), nothing changed. `gone`: the name no longer
   * belongs to `userId` (a concurrent DeleteUser won), nothing changed.
   */
  removeUser(accountId: string, userName: string, userId: string): Promise<'deleted' | 'has-credentials' | 'has-access-keys' | 'gone'>;
}
