import type { Immediate } from '../../ports/immediate.port.js';
import type { StateReset } from '../../ports/state-reset.port.js';
import { userNameKey, type UserRecord } from '../../domain/user.js';
import type { UserDirectory, UserPage, UserQuery } from '../../ports/user-directory.port.js';
import { promising } from './promising.js';
import { SortedKeys } from './sorted-keys.js';

/**
 * A user as kept here, and as the engine reads it: createDate is kept as epoch ms (a Date costs ~110 bytes of heap) and made a fresh
 * Date on each read. Frozen, so the engine can be handed the stored user itself.
 */
class StoredUser implements UserRecord {
  readonly #createTime: number;

  constructor(
    readonly accountId: string,
    readonly userName: string,
    readonly userId: string,
    readonly path: string,
    createTime: number,
  ) {
    this.#createTime = createTime;
    Object.freeze(this);
  }

  get createDate(): Date {
    return new Date(this.#createTime);
  }
}

/** A plain copy of a user, as the async port hands it out. */
const plainRecord = (user: UserRecord): UserRecord => ({
  accountId: user.accountId,
  userName: user.userName,
  userId: user.userId,
  path: user.path,
  createDate: user.createDate,
});

/** The users of one account: by case-folded name, and those names in order for ListUsers pages. */
interface AccountUsers {
  readonly byKey: Map<string, StoredUser>;
  readonly ordered: SortedKeys;
}

/** Users keyed by case-folded name within each account; every method is atomic (synchronous). The engine calls this face directly. */
export const createImmediateUserDirectory = (): Immediate<UserDirectory & StateReset> => {
  const accounts = new Map<string, AccountUsers>();

  return {
    createUser(record: UserRecord): 'created' | 'exists' {
      let users = accounts.get(record.accountId);
      if (users === undefined) {
        users = { byKey: new Map(), ordered: new SortedKeys() };
        accounts.set(record.accountId, users);
      }
      const key = userNameKey(record.userName);
      if (users.byKey.has(key)) return 'exists';
      users.byKey.set(key, new StoredUser(record.accountId, record.userName, record.userId, record.path, record.createDate.getTime()));
      users.ordered.insert(key);
      return 'created';
    },

    getUser(accountId: string, userName: string) {
      return accounts.get(accountId)?.byKey.get(userNameKey(userName));
    },

    listUsers(query: UserQuery): UserPage {
      const users = accounts.get(query.accountId);
      if (users === undefined) return { items: [], hasMore: false };
      const { pathPrefix, limit } = query;
      const items: UserRecord[] = [];
      let hasMore = false;
      users.ordered.forEachAfter(query.afterUserNameKey, (key) => {
        const user = users.byKey.get(key) as StoredUser;
        if (pathPrefix !== undefined && !user.path.startsWith(pathPrefix)) return true;
        if (items.length === limit) {
          hasMore = true;
          return false;
        }
        items.push(plainRecord(user));
        return true;
      });
      return { items, hasMore };
    },

    deleteUser(accountId: string, userName: string, userId: string) {
      const users = accounts.get(accountId);
      const key = userNameKey(userName);
      if (users?.byKey.get(key)?.userId !== userId) return false;
      users.byKey.delete(key);
      users.ordered.remove(key);
      return true;
    },

    listAccountIds(): readonly string[] {
      return [...accounts].filter(([, users]) => users.byKey.size > 0).map(([accountId]) => accountId).sort();
    },

    resetState(accountId?: string): void {
      if (accountId === undefined) accounts.clear();
      else accounts.delete(accountId);
    },
  };
};

/**
 * The directory as the async port: plain copies of its users, for an engine or a test that is handed one (and the endpoint, whose
 * reset path empties it).
 */
export const createInMemoryUserDirectory = (): UserDirectory & StateReset => {
  const directory = createImmediateUserDirectory();
  return promising<UserDirectory & StateReset>({
    ...directory,
    getUser: (accountId, userName) => {
      const user = directory.getUser(accountId, userName);
      return user === undefined ? undefined : plainRecord(user);
    },
  });
};
