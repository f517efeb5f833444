import type { CreateCredentialCommand, CreateCredentialOutcome } from './credential-store.port.js';

/**
 * An optional, synchronous face of a store and a user directory whose work is synchronous anyway (the embedded in-memory
 * adapters). With it, Create and Delete run start to finish without an await: same checks, same order, same answers, one promise
 * per operation instead of one per port call. Every adapter must implement the async ports; this one is only ever an addition, and
 * the composition root uses it only when it built both adapters itself.
 */
export interface UserIdentity {
  readonly userId: string;
  readonly userName: string;
}

export interface ImmediateUserLookup {
  /** The user's identity, answered at once; the object may be the directory's own and must not be changed. */
  findUserNow(accountId: string, userName: string): UserIdentity | undefined;
}

export interface ImmediateCredentialWrites {
  /** `CredentialStore.createCredential`, answered at once. */
  createCredentialNow(command: CreateCredentialCommand): CreateCredentialOutcome;
  /** `CredentialStore.deleteCredential`, answered at once. */
  deleteCredentialNow(accountId: string, credentialId: string, ownerId: string): boolean;
}

export interface ImmediateAdapters {
  readonly users: ImmediateUserLookup;
  readonly store: ImmediateCredentialWrites;
}
