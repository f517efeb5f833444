import { err, ok, type Result } from 'neverthrow';
import { type IamError, noSuchUser } from '../domain/iam-error.js';
import type { UserRecord } from '../domain/user.js';
import { type EngineDependencies, portFailure } from './engine-dependencies.js';

/** The user named `userName`, or NoSuchEntity. */
export const lookupUser = async (deps: EngineDependencies, accountId: string, userName: string): Promise<Result<UserRecord, IamError>> => {
  let found: UserRecord | undefined;
  try {
    found = await deps.users.getUser(accountId, userName);
  } catch (cause) {
    return portFailure(deps, cause);
  }
  return found === undefined ? err(noSuchUser(userName)) : ok(found);
};
