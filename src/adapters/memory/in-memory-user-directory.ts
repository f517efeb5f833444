import { userNameKey, type UserRecord } from '../../domain/user.js';
import type { UserDirectory, UserPage, UserQuery } from '../../ports/user-directory.port.js';

/** A user as kept here: createDate as epoch ms (a Date costs ~110 bytes of heap), a fresh UserRecord on every read. */
class StoredUser {
  constructor(
    readonly accountId: string,
    readonly userName: string,
    readonly userId: string,
    readonly path: string,
    readonly createTime: number,
  ) {}

  toRecord(): UserRecord {
    return { accountId: this.accountId, userName: this.userName, userId: this.userId, path: this.path, createDate: new Date(this.createTime) };
  }
}

/** Users keyed by case-folded name within each account; every method is atomic (no await inside). */
export const createInMemoryUserDirectory = (): UserDirectory => {
  const accounts = new Map<string, Map<string, StoredUser>>();

  return {
    async createUser(record: UserRecord) {
      let users = accounts.get(record.accountId);
      if (users === undefined) {
        users = new Map();
        accounts.set(record.accountId, users);
      }
      const key = userNameKey(record.userName);
      if (users.has(key)) return 'exists';
      users.set(key, new StoredUser(record.accountId, record.userName, record.userId, record.path, record.createDate.getTime()));
      return 'created';
    },

    async getUser(accountId: string, userName: string) {
      return accounts.get(accountId)?.get(userNameKey(userName))?.toRecord();
    },

    async listUsers(query: UserQuery): Promise<UserPage> {
      const users = accounts.get(query.accountId);
      if (users === undefined) return { items: [], hasMore: false };
      const { afterUserNameKey, pathPrefix } = query;
      const keys = [...users.keys()].filter((key) => afterUserNameKey === undefined || key > afterUserNameKey).sort();
      const items: UserRecord[] = [];
      for (const key of keys) {
        const user = users.get(key) as StoredUser;
        if (pathPrefix !== undefined && !user.path.startsWith(pathPrefix)) continue;
        if (items.length === query.limit) return { items, hasMore: true };
        items.push(user.toRecord());
      }
      return { items, hasMore: false };
    },

    async deleteUser(accountId: string, userName: string, userId: string) {
      const users = accounts.get(accountId);
      const key = userNameKey(userName);
      if (users?.get(key)?.userId !== userId) return false;
      users.delete(key);
      return true;
    },
  };
};
