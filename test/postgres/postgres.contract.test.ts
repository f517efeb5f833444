import type { AtomicUserRemoval } from '../../src/ports/user-removal.port.js';
import { describeAccessKeyStoreContract } from '../contract/access-key-store.contract.js';
import { describePolicyStoreContract } from '../contract/policy-store.contract.js';
import { describeCredentialStoreContract, describeUserResolvingStoreContract, type UserResolvingAdapters } from '../contract/credential-store.contract.js';
import { openTestAdapters } from './database.js';

describeCredentialStoreContract('PostgreSQL', () => openTestAdapters('contract'));
// The store and directory carry the optional capabilities (createSqlAdapters' types say so; the public PostgresAdapters type does not).
describeUserResolvingStoreContract('PostgreSQL', async () => (await openTestAdapters('contract')) as unknown as UserResolvingAdapters);
describeAccessKeyStoreContract('PostgreSQL', async () => {
  const adapters = await openTestAdapters('contract');
  return { ...adapters, users: adapters.users as typeof adapters.users & Partial<AtomicUserRemoval>, reset: adapters.maintenance };
}, { atomicUserRemoval: true });
describePolicyStoreContract('PostgreSQL', async () => {
  const adapters = await openTestAdapters('contract');
  return { ...adapters, reset: adapters.maintenance };
});
