import type { CredentialRecord } from '../../domain/credential.js';
import { serviceUserNameKey } from '../../domain/service-user-name.js';
import type {
  CreateCredentialCommand,
  CreateCredentialOutcome,
  CredentialChange,
  CredentialPage,
  CredentialQuery,
  CredentialStore,
} from '../../ports/credential-store.port.js';
import { OrderedCredentials } from './ordered-credentials.js';

/** The indexes of one account. Every operation touches a bounded number of entries: nothing scans the store. */
interface AccountState {
  readonly byId: Map<string, CredentialRecord>;
  /** ownerId -> that owner's credentials in listing order (at most 2 per service). */
  readonly byOwner: Map<string, CredentialRecord[]>;
  /** serviceName -> ServiceUserName key -> credential. */
  readonly byServiceUserName: Map<string, Map<string, CredentialRecord>>;
  /** serviceName -> that service's credentials in listing order, for AllUsers. */
  readonly byService: Map<string, OrderedCredentials>;
  readonly all: OrderedCredentials;
  readonly closedOwners: Set<string>;
}

const newAccountState = (): AccountState => ({
  byId: new Map(),
  byOwner: new Map(),
  byServiceUserName: new Map(),
  byService: new Map(),
  all: new OrderedCredentials(),
  closedOwners: new Set(),
});

const getOrCreate = <K, V>(map: Map<K, V>, key: K, create: () => V): V => {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
};

/**
 * The embedded default. Each method does all its work synchronously before its promise settles, so each is atomic with respect to
 * every other call: exactly the guarantee the port asks of a transactional store.
 */
export const createInMemoryStore = (): CredentialStore => {
  const accounts = new Map<string, AccountState>();
  const account = (accountId: string): AccountState => getOrCreate(accounts, accountId, newAccountState);

  const index = (state: AccountState, record: CredentialRecord): void => {
    state.byId.set(record.credentialId, record);
    const owned = getOrCreate(state.byOwner, record.ownerId, () => []);
    owned.push(record);
    getOrCreate(state.byServiceUserName, record.serviceName, () => new Map()).set(serviceUserNameKey(record.serviceUserName), record);
    getOrCreate(state.byService, record.serviceName, () => new OrderedCredentials()).insert(record);
    state.all.insert(record);
  };

  const unindex = (state: AccountState, record: CredentialRecord): void => {
    state.byId.delete(record.credentialId);
    const owned = state.byOwner.get(record.ownerId);
    if (owned !== undefined) {
      const remaining = owned.filter((other) => other.credentialId !== record.credentialId);
      if (remaining.length === 0) state.byOwner.delete(record.ownerId);
      else state.byOwner.set(record.ownerId, remaining);
    }
    state.byServiceUserName.get(record.serviceName)?.delete(serviceUserNameKey(record.serviceUserName));
    state.byService.get(record.serviceName)?.remove(record);
    state.all.remove(record);
  };

  const reindex = (state: AccountState, record: CredentialRecord): void => {
    state.byId.set(record.credentialId, record);
    const owned = state.byOwner.get(record.ownerId);
    if (owned !== undefined) {
      state.byOwner.set(
        record.ownerId,
        owned.map((other) => (other.credentialId === record.credentialId ? record : other)),
      );
    }
    state.byServiceUserName.get(record.serviceName)?.set(serviceUserNameKey(record.serviceUserName), record);
    state.byService.get(record.serviceName)?.replace(record);
    state.all.replace(record);
  };

  return {
    async createCredential(command: CreateCredentialCommand): Promise<CreateCredentialOutcome> {
      const state = account(command.accountId);
      if (state.closedOwners.has(command.ownerId)) return { outcome: 'owner-closed' };
      const names = state.byServiceUserName.get(command.serviceName);
      const decision = command.decide({
        ownerCredentials: (state.byOwner.get(command.ownerId) ?? []).filter((record) => record.serviceName === command.serviceName),
        isServiceUserNameTaken: (key) => names?.has(key) ?? false,
      });
      if (decision.isErr()) return { outcome: 'rejected', error: decision.error };
      index(state, decision.value);
      return { outcome: 'created', record: decision.value };
    },

    async getCredential(accountId: string, credentialId: string) {
      return accounts.get(accountId)?.byId.get(credentialId);
    },

    async updateCredential(accountId: string, credentialId: string, ownerId: string, change: CredentialChange) {
      const state = accounts.get(accountId);
      const current = state?.byId.get(credentialId);
      if (state === undefined || current === undefined || current.ownerId !== ownerId) return undefined;
      const updated: CredentialRecord = { ...current, ...change };
      reindex(state, updated);
      return updated;
    },

    async deleteCredential(accountId: string, credentialId: string, ownerId: string) {
      const state = accounts.get(accountId);
      const current = state?.byId.get(credentialId);
      if (state === undefined || current === undefined || current.ownerId !== ownerId) return false;
      unindex(state, current);
      return true;
    },

    async listCredentials(query: CredentialQuery): Promise<CredentialPage> {
      const state = accounts.get(query.accountId);
      if (state === undefined) return { items: [], hasMore: false };
      const { serviceName } = query;
      const matchesService = (record: CredentialRecord) => serviceName === undefined || record.serviceName === serviceName;
      if (query.ownerId !== undefined) {
        // An owner has a handful of credentials: order them and page in memory.
        const owned = new OrderedCredentials();
        for (const record of state.byOwner.get(query.ownerId) ?? []) owned.insert(record);
        return owned.page(query.after, query.limit, matchesService);
      }
      if (serviceName !== undefined) {
        return state.byService.get(serviceName)?.page(query.after, query.limit, () => true) ?? { items: [], hasMore: false };
      }
      return state.all.page(query.after, query.limit, () => true);
    },

    async findByServiceUserName(accountId: string, serviceName: string, key: string) {
      return accounts.get(accountId)?.byServiceUserName.get(serviceName)?.get(key);
    },

    async closeOwner(accountId: string, ownerId: string) {
      const state = account(accountId);
      if ((state.byOwner.get(ownerId)?.length ?? 0) > 0) return 'has-credentials';
      state.closedOwners.add(ownerId);
      return 'closed';
    },
  };
};
