import type { AccessKeyStore } from './access-key-store.port.js';
import type { CredentialStore } from './credential-store.port.js';
import type { PolicyStore } from './policy-store.port.js';
import type { UserDirectory } from './user-directory.port.js';

/** The storage ports an operation reaches: credentials, users, the users' access keys, and policies and groups. */
export interface Ports {
  readonly store: CredentialStore;
  readonly users: UserDirectory;
  readonly accessKeys: AccessKeyStore;
  readonly policies: PolicyStore;
}

/**
 * A port's synchronous face: the same methods with the same arguments, answering at once instead of with a promise. Adapters whose
 * work is synchronous anyway (the embedded in-memory ones) implement it; an operation then runs start to finish without an await.
 * It is only ever an addition: every adapter implements the async ports, and the composition root uses this face only when it
 * built both adapters itself.
 */
export type Immediate<Port> = {
  // NonNullable: an optional method (`listAccountIds?`) stays optional, with its synchronous face.
  readonly [Method in keyof Port]: NonNullable<Port[Method]> extends (...args: infer Args) => Promise<infer Answer> ? (...args: Args) => Answer : never;
};

export interface ImmediatePorts {
  readonly store: Immediate<CredentialStore>;
  readonly users: Immediate<UserDirectory>;
  readonly accessKeys: Immediate<AccessKeyStore>;
  readonly policies: Immediate<PolicyStore>;
}
