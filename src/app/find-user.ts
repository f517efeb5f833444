import { err, ok, type Result } from 'neverthrow';
import { type IamError, noSuchUser } from '../domain/iam-error.js';
import type { UserRecord } from '../domain/user.js';
import type { EngineDependencies } from './engine-dependencies.js';
import { answerOf, type Step } from './operation.js';

const userOrNoSuchEntity = (found: UserRecord | undefined, userName: string): Result<UserRecord, IamError> =>
  found === undefined ? err(noSuchUser(userName)) : ok(found);

/** The user named `userName`, or NoSuchEntity: `const user = yield* findUser(deps, accountId, userName)`. */
export const findUser = (deps: EngineDependencies, accountId: string, userName: string): Step<Result<UserRecord, IamError>> =>
  answerOf(deps.ports.users.getUser(accountId, userName), userOrNoSuchEntity, userName);
