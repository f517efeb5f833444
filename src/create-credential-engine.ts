import { createImmediateStore } from './adapters/memory/in-memory-store.js';
import { createImmediateUserDirectory } from './adapters/memory/in-memory-user-directory.js';
import { cryptoRandom } from './adapters/system/crypto-random.js';
import { systemClock } from './adapters/system/system-clock.js';
import { assembleEngine, type CredentialEngine, type CredentialEngineOptions } from './app/credential-engine.js';
import { isAccountId } from './domain/account.js';
import { createIdGenerator } from './domain/secrets.js';
import { defaultServiceCatalogue } from './domain/service-catalogue.js';
import type { CredentialStore } from './ports/credential-store.port.js';
import type { UserDirectory } from './ports/user-directory.port.js';

export const DEFAULT_ACCOUNT_ID = '123456789012';

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
  // With both embedded in-memory adapters (the default), Create and Delete call them synchronously: see EngineDependencies.immediate.
  const embeddedStore = options.store === undefined ? createImmediateStore() : undefined;
  const embeddedUsers = options.users === undefined ? createImmediateUserDirectory() : undefined;
  const store = options.store ?? (embeddedStore as CredentialStore);
  const users = options.users ?? (embeddedUsers as UserDirectory);
  const immediate = embeddedStore !== undefined && embeddedUsers !== undefined ? { store: embeddedStore, users: embeddedUsers } : undefined;
  return assembleEngine({
    defaultAccountId,
    store,
    users,
    clock: options.clock ?? systemClock,
    randomBytes,
    newId: createIdGenerator(randomBytes),
    services: options.services ?? defaultServiceCatalogue,
    unsupportedServiceError,
    onInternalError: options.onInternalError ?? (() => undefined),
    ...(immediate === undefined ? {} : { immediate }),
  });
};
