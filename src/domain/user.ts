import type { User } from './shapes.js';

export interface UserRecord {
  readonly accountId: string;
  readonly userName: string;
  readonly userId: string;
  readonly path: string;
  readonly createDate: Date;
}

/**
 * IAM user names are unique within an account without regard to case ("you cannot create users named both John and john"); every
 * lookup goes through this key, and answers carry the name as it was created.
 */
export const userNameKey = (userName: string): string => userName.toLowerCase();

const USER_NAME = /^[\w+=,.@-]{1,64}$/;

/** A name the model's userNameType accepts (1-64 of `[\w+=,.@-]`). */
export const isUserName = (value: unknown): value is string => typeof value === 'string' && USER_NAME.test(value);

const userArn = (accountId: string, path: string, userName: string): string => `arn:aws:iam::${accountId}:user${path}${userName}`;

export const toUser = (record: UserRecord): User => ({
  Path: record.path,
  UserName: record.userName,
  UserId: record.userId,
  Arn: userArn(record.accountId, record.path, record.userName),
  CreateDate: new Date(record.createDate),
});
