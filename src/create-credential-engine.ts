import { createInMemoryStore } from './adapters/memory/in-memory-store.js';
import { createInMemoryUserDirectory } from './adapters/memory/in-memory-user-directory.js';
import { cryptoRandom } from './adapters/system/crypto-random.js';
import { systemClock } from './adapters/system/system-clock.js';
import { assembleEngine, type CredentialEngine, type CredentialEngineOptions } from './app/credential-engine.js';
import { isAccountId } from './domain/account.js';
import { createIdGenerator } from './domain/secrets.js';
import { defaultServiceCatalogue } from './domain/service-catalogue.js';

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
  return assembleEngine({
    defaultAccountId,
    store: options.store ?? createInMemoryStore(),
    users: options.users ?? createInMemoryUserDirectory(),
    clock: options.clock ?? systemClock,
    randomBytes,
    newId: createIdGenerator(randomBytes),
    services: options.services ?? defaultServiceCatalogue,
    unsupportedServiceError,
    onInternalError: options.onInternalError ?? (() => undefined),
  });
};
