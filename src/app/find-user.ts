import { err, ok, type Result } from 'neverthrow';
import { type IamError, noSuchUser } from '../domain/iam-error.js';
import type { UserRecord } from '../domain/user.js';
import { type PortRequest, perform } from './operation.js';

/** The user named `userName`, or NoSuchEntity. */
export function* findUser(accountId: string, userName: string): Generator<PortRequest, Result<UserRecord, IamError>, unknown> {
  const found = yield* perform((ports) => ports.users.getUser(accountId, userName));
  return found === undefined ? err(noSuchUser(userName)) : ok(found);
}
