import { ok } from 'neverthrow';
import { createImmediateAccessKeyStore, createInMemoryAccessKeyStore } from './adapters/memory/in-memory-access-key-store.js';
import { awsManagedPolicies } from './adapters/aws-managed/aws-managed-policies.js';
import { createImmediatePolicyStore, createInMemoryPolicyStore } from './adapters/memory/in-memory-policy-store.js';
import { createImmediatePolicyAuthorizer, createPolicyAuthorizer } from './adapters/policy-authorizer/policy-authorizer.js';
import { createImmediateStore, createInMemoryStore } from './adapters/memory/in-memory-store.js';
import { createImmediateUserDirectory, createInMemoryUserDirectory } from './adapters/memory/in-memory-user-directory.js';
import { cryptoRandom } from './adapters/system/crypto-random.js';
import { systemClock } from './adapters/system/system-clock.js';
import { assembleEngine, type CredentialEngine, type CredentialEngineOptions } from './app/credential-engine.js';
import { isAccountId } from './domain/account.js';
import { createIdGenerator } from './domain/secrets.js';
import { defaultServiceCatalogue, freezeCatalogue } from './domain/service-catalogue.js';
import type { CredentialStore } from './ports/credential-store.port.js';
import type { ImmediatePorts, Ports } from './ports/immediate.port.js';
import type { AtomicUserRemoval } from './ports/user-removal.port.js';
import type { UserResolvingStore } from './ports/user-resolving-store.port.js';

export const DEFAULT_ACCOUNT_ID = '123456789012';

/** The directory's atomic DeleteUser, when it has one and keeps its users in this very store's database. */
const atomicUserRemovalOf = (ports: Ports | ImmediatePorts): AtomicUserRemoval | undefined => {
  const users = ports.users as Partial<AtomicUserRemoval>;
  return users.removeUser !== undefined && users.sharesTransactionsWith?.(ports.store as CredentialStore) === true
    ? (users as AtomicUserRemoval)
    : undefined;
};

/**
 * The store, when it can find the directory's users in its own statements (one round trip fewer per credential operation): only
 * when the directory keeps its users in this very store's database.
 */
const userResolvingStoreOf = (ports: Ports | ImmediatePorts): UserResolvingStore | undefined => {
  const store = ports.store as Partial<UserResolvingStore>;
  const users = ports.users as Partial<AtomicUserRemoval>;
  return store.createCredentialOfUser !== undefined && users.sharesTransactionsWith?.(ports.store as CredentialStore) === true
    ? (store as UserResolvingStore)
    : undefined;
};

/**
 * The composition root: the one place that picks adapters. With no options the engine is fully in-memory, with the system clock
 * and OS randomness. Throws (a TypeError) only for options that are themselves wrong; operations never throw.
 */
export const createCredentialEngine = (options: CredentialEngineOptions = {}): CredentialEngine => {
  const defaultAccountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  if (!isAccountId(defaultAccountId)) {
    throw new TypeError(`createCredentialEngine: accountId must be 12 digits, got ${JSON.stringify(defaultAccountId)}`);
  }
  const unsupportedServiceError = options.unsupportedServiceError ?? 'NoSuchEntity';
  if (unsupportedServiceError !== 'NoSuchEntity' && unsupportedServiceError !== 'NotSupportedService') {
    throw new TypeError("createCredentialEngine: unsupportedServiceError must be 'NoSuchEntity' or 'NotSupportedService'");
  }
  const random = options.random ?? cryptoRandom;
  const randomBytes = (size: number): Uint8Array => random.bytes(size);
  // With every embedded in-memory adapter (the default), operations call their synchronous faces and never await.
  const portsAnswerAtOnce =
    options.store === undefined && options.users === undefined && options.accessKeys === undefined && options.policies === undefined;
  // Its change count lets the default authorizer keep each user's gathered policies between decisions.
  const immediatePolicies = portsAnswerAtOnce ? createImmediatePolicyStore() : undefined;
  const ports: Ports | ImmediatePorts =
    immediatePolicies !== undefined
      ? {
          store: createImmediateStore(),
          users: createImmediateUserDirectory(),
          accessKeys: createImmediateAccessKeyStore(),
          policies: immediatePolicies,
        }
      : {
          store: options.store ?? createInMemoryStore(),
          users: options.users ?? createInMemoryUserDirectory(),
          accessKeys: options.accessKeys ?? createInMemoryAccessKeyStore(),
          policies: options.policies ?? createInMemoryPolicyStore(),
        };
  const managed = options.awsManagedPolicies ?? awsManagedPolicies;
  const onInternalError = options.onInternalError ?? (() => undefined);
  const authorizer =
    options.authorizer ??
    (immediatePolicies !== undefined
      ? createImmediatePolicyAuthorizer({ ...(ports as ImmediatePorts), policies: immediatePolicies, awsManagedPolicies: managed, onFailure: onInternalError })
      : createPolicyAuthorizer({ ...(ports as Ports), awsManagedPolicies: managed, onFailure: onInternalError }));
  const atomicUserRemoval = atomicUserRemovalOf(ports);
  const userResolvingStore = userResolvingStoreOf(ports);
  return assembleEngine({
    ...(atomicUserRemoval === undefined ? {} : { atomicUserRemoval }),
    ...(userResolvingStore === undefined ? {} : { userResolvingStore }),
    defaultAccountId,
    defaultAccount: ok(defaultAccountId),
    ports,
    clock: options.clock ?? systemClock,
    randomBytes,
    newId: createIdGenerator(randomBytes),
    // A copy of the caller's catalogue, frozen: changing theirs afterwards changes nothing here.
    awsManagedPolicies: managed,
    authorizer,
    services: options.services === undefined ? defaultServiceCatalogue : freezeCatalogue(options.services),
    unsupportedServiceError,
    onInternalError,
  });
};
