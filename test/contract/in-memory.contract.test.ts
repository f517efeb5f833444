import { createInMemoryPolicyStore } from '../../src/adapters/memory/in-memory-policy-store.js';
import { createInMemoryAccessKeyStore } from '../../src/adapters/memory/in-memory-access-key-store.js';
import { createInMemoryStore } from '../../src/adapters/memory/in-memory-store.js';
import { createInMemoryUserDirectory } from '../../src/adapters/memory/in-memory-user-directory.js';
import { describeAccessKeyStoreContract } from './access-key-store.contract.js';
import { describeCredentialStoreContract } from './credential-store.contract.js';
import { describePolicyStoreContract } from './policy-store.contract.js';

describeCredentialStoreContract('in-memory', async () => ({
  store: createInMemoryStore(),
  users: createInMemoryUserDirectory(),
  dispose: async () => undefined,
}));

describeAccessKeyStoreContract('in-memory', async () => {
  const accessKeys = createInMemoryAccessKeyStore();
  return { accessKeys, users: createInMemoryUserDirectory(), reset: accessKeys, dispose: async () => undefined };
});

describePolicyStoreContract('in-memory', async () => {
  const policies = createInMemoryPolicyStore();
  return { policies, reset: policies, dispose: async () => undefined };
});
