import { err, ok, type Result } from 'neverthrow';
import type { IamError } from './iam-error.js';
import type { RandomBytes } from './secrets.js';
import type { MemberSpec } from './validation.js';

/** An access key's status: only these two exist (an access key never expires). */
export type AccessKeyStatus = 'Active' | 'Inactive';

/**
 * An IAM user's access key as stored. The secret is kept as it was issued, because a SigV4 check recomputes the signature with it
 * (a digest would not do); it leaves the store only for the signature check, and no answer but CreateAccessKey's carries it.
 */
export interface AccessKeyRecord {
  readonly accountId: string;
  /** The UserId of the user the key belongs to: users are never reused, so a user created again under the name owns none. */
  readonly ownerId: string;
  /** The user's name as it was created. */
  readonly userName: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly status: AccessKeyStatus;
  readonly createDate: Date;
}

/** AWS's quota: two access keys per user, Active or Inactive alike (IAM quotas page). */
export const ACCESS_KEYS_PER_USER = 2;

// ---------------------------------------------------------------------------------------------------------------------------------
// The request and response shapes (the IAM API reference's members).

export interface CreateAccessKeyRequest {
  UserName?: string;
}

export interface AccessKey {
  UserName: string;
  AccessKeyId: string;
  Status: AccessKeyStatus;
  SecretAccessKey: string;
  CreateDate: Date;
}

export interface CreateAccessKeyResponse {
  AccessKey: AccessKey;
}

export interface ListAccessKeysRequest {
  UserName?: string;
  Marker?: string;
  MaxItems?: number;
}

export interface AccessKeyMetadata {
  UserName: string;
  AccessKeyId: string;
  Status: AccessKeyStatus;
  CreateDate: Date;
}

export interface ListAccessKeysResponse {
  AccessKeyMetadata: AccessKeyMetadata[];
  Marker?: string;
  IsTruncated: boolean;
}

export interface UpdateAccessKeyRequest {
  UserName?: string;
  AccessKeyId: string;
  Status: AccessKeyStatus;
}

export interface DeleteAccessKeyRequest {
  UserName?: string;
  AccessKeyId: string;
}

/** The issued key a SigV4 signature names, as the signature check needs it: whose it is and its secret. */
export interface SigningKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly status: AccessKeyStatus;
  readonly accountId: string;
  readonly userName: string;
  readonly userId: string;
}

export const toAccessKey = (record: AccessKeyRecord): AccessKey => ({
  UserName: record.userName,
  AccessKeyId: record.accessKeyId,
  Status: record.status,
  SecretAccessKey: record.secretAccessKey,
  CreateDate: new Date(record.createDate),
});

/** What ListAccessKeys shows: never the secret. */
export const toAccessKeyMetadata = (record: AccessKeyRecord): AccessKeyMetadata => ({
  UserName: record.userName,
  AccessKeyId: record.accessKeyId,
  Status: record.status,
  CreateDate: new Date(record.createDate),
});

/** The order ListAccessKeys answers in: oldest first, then by id (keys made in the same millisecond). */
export const compareAccessKeys = (a: AccessKeyRecord, b: AccessKeyRecord): number =>
  a.createDate.getTime() - b.createDate.getTime() || (a.accessKeyId < b.accessKeyId ? -1 : a.accessKeyId > b.accessKeyId ? 1 : 0);

// ---------------------------------------------------------------------------------------------------------------------------------
// Ids and secrets.

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** `AKIA` and 16 of [A-Z0-9]: 20 characters, as every long-term access key id AWS issues. */
const ACCESS_KEY_ID_RANDOM_PART = 16;
const UNBIASED_BELOW = 256 - (256 % ID_ALPHABET.length);
const ID_BYTES_PER_ROUND = 32;
const MAX_ROUNDS = 16;

/** A new access key id, each character drawn without bias; fails only when the random source keeps giving unusable bytes. */
export const generateAccessKeyId = (randomBytes: RandomBytes): Result<string, Error> => {
  let id = 'AKIA';
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const bytes = randomBytes(ID_BYTES_PER_ROUND);
    for (const byte of bytes) {
      if (byte >= UNBIASED_BELOW) continue;
      id += ID_ALPHABET.charAt(byte % ID_ALPHABET.length);
      if (id.length === 4 + ACCESS_KEY_ID_RANDOM_PART) return ok(id);
    }
  }
  return err(new Error(`the random source gave no usable bytes for an access key id in ${MAX_ROUNDS} rounds`));
};

/** 30 random bytes are exactly 40 characters of standard base64 (no padding): the length and alphabet of AWS's secret keys. */
const SECRET_BYTES = 30;

export const generateSecretAccessKey = (randomBytes: RandomBytes): string => Buffer.from(randomBytes(SECRET_BYTES)).toString('base64');

const ACCESS_KEY_ID_SHAPE = /^AKIA[A-Z0-9]{16}$/;

/** Whether a text has the shape of an access key id this engine issues (a seeded key must have it too). */
export const isIssuedAccessKeyIdShape = (value: unknown): value is string => typeof value === 'string' && ACCESS_KEY_ID_SHAPE.test(value);

// ---------------------------------------------------------------------------------------------------------------------------------
// Validation: the members' constraints of the IAM API reference (CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey).

export const accessKeyIdSpec: MemberSpec = {
  member: 'AccessKeyId',
  required: true,
  kind: 'string',
  minLength: 16,
  maxLength: 128,
  pattern: { source: '[\\w]+', regex: /^(?:[\w]+)$/u },
};

/** statusType of the model: Active, Inactive (Expired belongs to service-specific credentials only). */
export const accessKeyStatusSpec: MemberSpec = { member: 'Status', required: true, kind: 'string', enumValues: ['Active', 'Inactive'] };

// ---------------------------------------------------------------------------------------------------------------------------------
// Errors, worded as AWS words them.

const sender = (code: IamError['code'], httpStatus: number, message: string): IamError => ({ code, message, httpStatus, type: 'Sender' });

/** Observed on AWS (LocalStack's AWS-validated snapshots): the third key of a user. */
export const accessKeyQuotaExceeded = (): IamError => sender('LimitExceeded', 409, `Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEYS_PER_USER}`);

/** AWS's text for an access key id the user has no key with. */
export const noSuchAccessKey = (accessKeyId: string): IamError => sender('NoSuchEntity', 404, `The Access Key with id ${accessKeyId} cannot be found.`);

/** Observed on AWS: DeleteUser while the user still has access keys. */
export const userHasAccessKeys = (): IamError => sender('DeleteConflict', 409, 'Cannot delete entity, must delete access keys first.');

// ---------------------------------------------------------------------------------------------------------------------------------
// Markers: opaque, versioned: the position (CreateDate, id) of the last key of the page, so a page goes on after it even if that
// key was deleted meanwhile.

export interface AccessKeyPosition {
  readonly createDate: Date;
  readonly accessKeyId: string;
}

const ACCESS_KEY_MARKER = /^k1:(\d{1,15}):(\w{1,128})$/;

export const encodeAccessKeyMarker = (position: AccessKeyPosition): string =>
  Buffer.from(`k1:${position.createDate.getTime()}:${position.accessKeyId}`, 'utf8').toString('base64url');

/** The position a marker encodes, when the marker is exactly what `encodeAccessKeyMarker` makes of it. */
export const decodeAccessKeyMarker = (marker: string): Result<AccessKeyPosition, 'not a marker we issue'> => {
  const match = ACCESS_KEY_MARKER.exec(Buffer.from(marker, 'base64url').toString('utf8'));
  if (match === null) return err('not a marker we issue');
  const position = { createDate: new Date(Number(match[1])), accessKeyId: match[2] as string };
  return encodeAccessKeyMarker(position) === marker ? ok(position) : err('not a marker we issue');
};

/** Whether a key comes after a position in ListAccessKeys' order. */
export const isAfterPosition = (record: AccessKeyRecord, position: AccessKeyPosition): boolean =>
  compareAccessKeys(record, { ...record, createDate: position.createDate, accessKeyId: position.accessKeyId }) > 0;
