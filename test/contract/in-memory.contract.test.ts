import { createInMemoryStore } from '../../src/adapters/memory/in-memory-store.js';
import { createInMemoryUserDirectory } from '../../src/adapters/memory/in-memory-user-directory.js';
import { describeCredentialStoreContract } from './credential-store.contract.js';

describeCredentialStoreContract('in-memory', async () => ({
  store: createInMemoryStore(),
  users: createInMemoryUserDirectory(),
  dispose: async () => undefined,
}));
