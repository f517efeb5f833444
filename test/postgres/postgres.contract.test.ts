import { describeCredentialStoreContract } from '../contract/credential-store.contract.js';
import { openTestAdapters } from './database.js';

describeCredentialStoreContract('PostgreSQL', () => openTestAdapters('contract'));
