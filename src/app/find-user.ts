import { type ResultAsync, errAsync, okAsync } from 'neverthrow';
import { type IamError, noSuchUser } from '../domain/iam-error.js';
import type { UserRecord } from '../domain/user.js';
import { callPort, type EngineDependencies } from './engine-dependencies.js';

export const findUser = (deps: EngineDependencies, accountId: string, userName: string): ResultAsync<UserRecord, IamError> =>
  callPort(deps, () => deps.users.getUser(accountId, userName)).andThen((user) =>
    user === undefined ? errAsync(noSuchUser(userName)) : okAsync(user),
  );
