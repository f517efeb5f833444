import type { UserRecord } from '../domain/user.js';

/**
 * The IAM users credentials belong to. Lookups are by name without regard to case (see `userNameKey`). An emulator that keeps its
 * own users implements this port over them.
 */
export interface UserDirectory {
  /** Atomically creates the user unless a user with the same name (any case) exists in the account. */
  createUser(record: UserRecord): Promise<'created' | 'exists'>;

  getUser(accountId: string, userName: string): Promise<UserRecord | undefined>;

  /** A page in the order of case-folded names, strictly after `afterUserNameKey` when given. */
  listUsers(query: UserQuery): Promise<UserPage>;

  /** Deletes the user named `userName` only if it is still the user `userId`; true when something was deleted. */
  deleteUser(accountId: string, userName: string, userId: string): Promise<boolean>;

  /** The accounts that hold at least one user, in order (the endpoint's dashboard lists them). Optional: a directory may not know. */
  listAccountIds?(): Promise<readonly string[]>;
}

export interface UserQuery {
  readonly accountId: string;
  readonly pathPrefix?: string;
  readonly afterUserNameKey?: string;
  readonly limit: number;
}

export interface UserPage {
  readonly items: readonly UserRecord[];
  readonly hasMore: boolean;
}
