import type { StateReset } from '../../ports/state-reset.port.js';
import { compareListingOrder, type CredentialPosition, type CredentialRecord } from '../../domain/credential.js';
import type { StoredStatus } from '../../domain/expiry.js';
import type { SecretDigest } from '../../domain/secrets.js';
import { serviceUserNameKey } from '../../domain/service-user-name.js';
import type {
  CreateCredentialCommand,
  CreateCredentialOutcome,
  CredentialChange,
  CredentialPage,
  CredentialQuery,
  CredentialStore,
  CreationSnapshot,
} from '../../ports/credential-store.port.js';
import type { Immediate } from '../../ports/immediate.port.js';
import { type Ordered, OrderedCredentials } from './ordered-credentials.js';
import { promising } from './promising.js';

/**
 * A credential as this store keeps it: one fixed-shape object with the dates as numbers (a Date costs ~110 bytes of heap), turned
 * into a fresh CredentialRecord on every read. Callers therefore never share an object with the store.
 *
 * CreateDate is kept as whole seconds and the milliseconds left over, two small integers, not as one epoch millisecond count: V8
 * keeps a small integer (below 2^31: seconds until 2038) inside the object, but a number that large in a heap number of its own,
 * one more cold read for every credential a List returns when a million are stored. IAM's instants are whole seconds, so the
 * remainder is usually 0; a caller's clock may give milliseconds, kept exactly. ExpirationDate, absent from most credentials and
 * ordering nothing, stays one number.
 */
class Stored implements Ordered {
  constructor(
    readonly accountId: string,
    readonly credentialId: string,
    readonly ownerId: string,
    readonly userName: string,
    readonly serviceName: string,
    readonly kind: CredentialRecord['kind'],
    readonly serviceUserName: string,
    readonly secretDigest: SecretDigest,
    readonly status: StoredStatus,
    readonly createSecond: number,
    readonly createMillisecond: number,
    readonly expirationTime: number | undefined,
  ) {}

  static of(record: CredentialRecord): Stored {
    const createTime = record.createDate.getTime();
    // Integer arithmetic only: the two parts add up to the instant exactly, over the whole Date range.
    const createMillisecond = createTime % 1000;
    return new Stored(
      record.accountId,
      record.credentialId,
      record.ownerId,
      record.userName,
      record.serviceName,
      record.kind,
      record.serviceUserName,
      record.secretDigest,
      record.status,
      (createTime - createMillisecond) / 1000,
      createMillisecond,
      record.expirationDate?.getTime(),
    );
  }

  /** CreateDate as epoch milliseconds, the listing order's first key. */
  get createTime(): number {
    return this.createSecond * 1000 + this.createMillisecond;
  }

  with(change: CredentialChange): Stored {
    return new Stored(
      this.accountId,
      this.credentialId,
      this.ownerId,
      this.userName,
      this.serviceName,
      this.kind,
      this.serviceUserName,
      'secretDigest' in change ? change.secretDigest : this.secretDigest,
      'status' in change ? change.status : this.status,
      this.createSecond,
      this.createMillisecond,
      this.expirationTime,
    );
  }

  toRecord(): CredentialRecord {
    const record = {
      accountId: this.accountId,
      credentialId: this.credentialId,
      ownerId: this.ownerId,
      userName: this.userName,
      serviceName: this.serviceName,
      kind: this.kind,
      serviceUserName: this.serviceUserName,
      secretDigest: this.secretDigest,
      status: this.status,
      createDate: new Date(this.createTime),
    };
    return this.expirationTime === undefined ? record : { ...record, expirationDate: new Date(this.expirationTime) };
  }
}

/** The indexes of one account. Every operation touches a bounded number of entries: nothing scans the store. */
interface AccountState {
  readonly byId: Map<string, Stored>;
  /**
   * ownerId -> that owner's credentials (at most 2 per service) in listing order, in an exactly sized array replaced on every change:
   * a List of one user reads them as they are, without copying and sorting them (a sort compares ids: cold reads at a million).
   */
  readonly byOwner: Map<string, readonly Stored[]>;
  /** serviceName -> ServiceUserName key -> credential. */
  readonly byServiceUserName: Map<string, Map<string, Stored>>;
  /**
   * serviceName -> that service's credentials in listing order, for AllUsers. The account's whole listing is not kept apart: it is
   * the merge of these few (`pageOfAccount`), so a Create or a Delete updates one ordered index, not two.
   */
  readonly byService: Map<string, OrderedCredentials<Stored>>;
  readonly closedOwners: Set<string>;
}

const newAccountState = (): AccountState => ({
  byId: new Map(),
  byOwner: new Map(),
  byServiceUserName: new Map(),
  byService: new Map(),
  closedOwners: new Set(),
});

const NONE: readonly Stored[] = [];

const byListingOrder = (a: Ordered, b: Ordered): number => compareListingOrder(a.createTime, a.credentialId, b.createTime, b.credentialId);

/**
 * A page of every credential of the account: the first `limit` after `after` are among the first `limit` of each service, so the
 * merge of the services' pages, in listing order, cut at `limit`, is the page; more follow if anything was cut or a service has more.
 */
const pageOfAccount = (state: AccountState, after: CredentialPosition | undefined, limit: number): { items: Stored[]; hasMore: boolean } => {
  const merged: Stored[] = [];
  let hasMore = false;
  for (const ordered of state.byService.values()) {
    const page = ordered.page(after, limit);
    merged.push(...page.items);
    hasMore ||= page.hasMore;
  }
  merged.sort(byListingOrder);
  return { items: merged.slice(0, limit), hasMore: hasMore || merged.length > limit };
};

/** An owner's entries with `entry` added in its place in listing order (usually last: it is the newest). */
const withEntry = (owned: readonly Stored[], entry: Stored): Stored[] => {
  const at = owned.findIndex((other) => byListingOrder(entry, other) < 0);
  return at === -1 ? [...owned, entry] : [...owned.slice(0, at), entry, ...owned.slice(at)];
};

const toRecords = (entries: readonly Stored[]): CredentialRecord[] => entries.map((entry) => entry.toRecord());

const NO_RECORDS: readonly CredentialRecord[] = Object.freeze([]);

/** What `decide` sees: the owner's credentials for the service, and the service's taken ServiceUserName keys. */
class Snapshot implements CreationSnapshot {
  constructor(
    readonly ownerCredentials: readonly CredentialRecord[],
    private readonly names: ReadonlyMap<string, Stored> | undefined,
  ) {}

  isServiceUserNameTaken(key: string): boolean {
    return this.names !== undefined && this.names.has(key);
  }
}

const ownerCredentialsFor = (owned: readonly Stored[] | undefined, serviceName: string): readonly CredentialRecord[] => {
  if (owned === undefined || owned.length === 0) return NO_RECORDS;
  const records: CredentialRecord[] = [];
  for (const entry of owned) if (entry.serviceName === serviceName) records.push(entry.toRecord());
  return records;
};

/**
 * The embedded default. Each method does all its work synchronously, so each is atomic with respect to every other call: exactly the
 * guarantee the port asks of a transactional store. The engine it is built for calls this synchronous face directly.
 */
export const createImmediateStore = (): Immediate<CredentialStore & StateReset> => {
  const accounts = new Map<string, AccountState>();
  const account = (accountId: string): AccountState => {
    let state = accounts.get(accountId);
    if (state === undefined) {
      state = newAccountState();
      accounts.set(accountId, state);
    }
    return state;
  };

  /** `owned`: the owner's entries as read in the same synchronous step. */
  const index = (state: AccountState, entry: Stored, owned: readonly Stored[] | undefined): void => {
    state.byId.set(entry.credentialId, entry);
    state.byOwner.set(entry.ownerId, owned === undefined || owned.length === 0 ? [entry] : withEntry(owned, entry));
    let names = state.byServiceUserName.get(entry.serviceName);
    if (names === undefined) {
      names = new Map();
      state.byServiceUserName.set(entry.serviceName, names);
    }
    names.set(serviceUserNameKey(entry.serviceUserName), entry);
    let ordered = state.byService.get(entry.serviceName);
    if (ordered === undefined) {
      ordered = new OrderedCredentials();
      state.byService.set(entry.serviceName, ordered);
    }
    ordered.insert(entry);
  };

  const unindex = (state: AccountState, entry: Stored): void => {
    state.byId.delete(entry.credentialId);
    const owned = state.byOwner.get(entry.ownerId);
    // An owner left with nothing keeps its entry (NONE): a user's credentials come and go, and replacing a value costs the map less
    // than deleting a key and adding it again. `closeOwner`, the first step of deleting the user, drops the entry.
    if (owned !== undefined) {
      if (owned.length === 1 && owned[0] === entry) state.byOwner.set(entry.ownerId, NONE);
      else {
        const remaining = owned.filter((other) => other.credentialId !== entry.credentialId);
        state.byOwner.set(entry.ownerId, remaining.length === 0 ? NONE : remaining);
      }
    }
    state.byServiceUserName.get(entry.serviceName)?.delete(serviceUserNameKey(entry.serviceUserName));
    state.byService.get(entry.serviceName)?.remove(entry);
  };

  const reindex = (state: AccountState, entry: Stored): void => {
    state.byId.set(entry.credentialId, entry);
    const owned = state.byOwner.get(entry.ownerId);
    if (owned !== undefined) {
      state.byOwner.set(
        entry.ownerId,
        owned.map((other) => (other.credentialId === entry.credentialId ? entry : other)),
      );
    }
    state.byServiceUserName.get(entry.serviceName)?.set(serviceUserNameKey(entry.serviceUserName), entry);
    state.byService.get(entry.serviceName)?.replace(entry);
  };

  return {
    createCredential(command: CreateCredentialCommand): CreateCredentialOutcome {
      const state = account(command.accountId);
      // Most accounts have never deleted a user: skip the lookup then.
      if (state.closedOwners.size !== 0 && state.closedOwners.has(command.ownerId)) return { outcome: 'owner-closed' };
      const owned = state.byOwner.get(command.ownerId);
      const decision = command.decide(
        new Snapshot(ownerCredentialsFor(owned, command.serviceName), state.byServiceUserName.get(command.serviceName)),
      );
      if (decision.isErr()) return { outcome: 'rejected', error: decision.error };
      // The store keeps its own copy (Stored), so the record `decide` made is the caller's alone.
      index(state, Stored.of(decision.value), owned);
      return { outcome: 'created', record: decision.value };
    },

    getCredential(accountId: string, credentialId: string) {
      return accounts.get(accountId)?.byId.get(credentialId)?.toRecord();
    },

    updateCredential(accountId: string, credentialId: string, ownerId: string, change: CredentialChange) {
      const state = accounts.get(accountId);
      const current = state?.byId.get(credentialId);
      if (state === undefined || current === undefined || current.ownerId !== ownerId) return undefined;
      const updated = current.with(change);
      reindex(state, updated);
      return updated.toRecord();
    },

    deleteCredential(accountId: string, credentialId: string, ownerId: string) {
      const state = accounts.get(accountId);
      const current = state?.byId.get(credentialId);
      if (state === undefined || current === undefined || current.ownerId !== ownerId) return false;
      unindex(state, current);
      return true;
    },

    listCredentials(query: CredentialQuery): CredentialPage {
      const state = accounts.get(query.accountId);
      if (state === undefined) return { items: [], hasMore: false };
      const { serviceName, after, limit } = query;
      if (query.ownerId !== undefined) {
        // An owner has a handful of credentials, kept in listing order: page them in memory.
        const owned = state.byOwner.get(query.ownerId) ?? NONE;
        const position = after === undefined ? undefined : { createTime: after.createDate.getTime(), credentialId: after.credentialId };
        const items: Stored[] = [];
        for (const entry of owned) {
          if (serviceName !== undefined && entry.serviceName !== serviceName) continue;
          if (position !== undefined && byListingOrder(entry, position) <= 0) continue;
          if (items.length === limit) return { items: toRecords(items), hasMore: true };
          items.push(entry);
        }
        return { items: toRecords(items), hasMore: false };
      }
      const page =
        serviceName === undefined
          ? pageOfAccount(state, after, limit)
          : (state.byService.get(serviceName)?.page(after, limit) ?? { items: [], hasMore: false });
      return { items: toRecords(page.items), hasMore: page.hasMore };
    },

    findByServiceUserName(accountId: string, serviceName: string, key: string) {
      return accounts.get(accountId)?.byServiceUserName.get(serviceName)?.get(key)?.toRecord();
    },

    closeOwner(accountId: string, ownerId: string): 'closed' | 'has-credentials' {
      const state = account(accountId);
      if ((state.byOwner.get(ownerId)?.length ?? 0) > 0) return 'has-credentials';
      state.byOwner.delete(ownerId);
      state.closedOwners.add(ownerId);
      return 'closed';
    },

    resetState(accountId?: string): void {
      if (accountId === undefined) accounts.clear();
      else accounts.delete(accountId);
    },
  };
};

/** The store as the async port, for an engine or a test that is handed one (and the endpoint, whose reset path empties it). */
export const createInMemoryStore = (): CredentialStore & StateReset => promising<CredentialStore & StateReset>(createImmediateStore());
