import { ResultAsync, err, ok, type Result } from 'neverthrow';
import { type IamError, noSuchUser } from '../domain/iam-error.js';
import type { UserRecord } from '../domain/user.js';
import { awaitPort, type EngineDependencies } from './engine-dependencies.js';

/** The user named `userName`, or NoSuchEntity; as a plain promise for operations written as async functions. */
export const lookupUser = async (deps: EngineDependencies, accountId: string, userName: string): Promise<Result<UserRecord, IamError>> => {
  const found = await awaitPort(deps, () => deps.users.getUser(accountId, userName));
  if (found.isErr()) return err(found.error);
  return found.value === undefined ? err(noSuchUser(userName)) : ok(found.value);
};

export const findUser = (deps: EngineDependencies, accountId: string, userName: string): ResultAsync<UserRecord, IamError> =>
  new ResultAsync(lookupUser(deps, accountId, userName));
