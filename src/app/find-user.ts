import { err, ok, type Result } from 'neverthrow';
import { type IamError, noSuchUser } from '../domain/iam-error.js';
import type { UserRecord } from '../domain/user.js';
import { type PortRequest, perform } from './operation.js';

/** The user named `userName`, or NoSuchEntity: `const user = yield* findUser(accountId, userName)`. */
export const findUser = (accountId: string, userName: string): Iterable<PortRequest, Result<UserRecord, IamError>, unknown> =>
  perform(
    (ports) => ports.users.getUser(accountId, userName),
    (found) => (found === undefined ? err(noSuchUser(userName)) : ok(found)),
  );
