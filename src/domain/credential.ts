import { err, ok, type Result } from 'neverthrow';
import { effectiveStatus, type StoredStatus } from './expiry.js';
import type { IamError } from './iam-error.js';
import { checkQuota } from './quota.js';
import { deriveServiceUserName } from './service-user-name.js';
import type { ServiceCredentialKind } from './service-catalogue.js';
import type { SecretDigest } from './secrets.js';
import type { ServiceSpecificCredential, ServiceSpecificCredentialMetadata } from './shapes.js';

/** A credential as stored: never the secret, only its digest; never `Expired`, which is derived from the clock. */
export interface CredentialRecord {
  readonly accountId: string;
  readonly credentialId: string;
  /** UserId of the owning user: a user deleted and created again under the same name is a new owner. */
  readonly ownerId: string;
  readonly userName: string;
  readonly serviceName: string;
  readonly kind: ServiceCredentialKind['kind'];
  /** ServiceUserName for password services, ServiceCredentialAlias for API-key services. */
  readonly serviceUserName: string;
  readonly secretDigest: SecretDigest;
  readonly status: StoredStatus;
  readonly createDate: Date;
  readonly expirationDate?: Date;
}

// The answers below are built member by member, in the order of the model's shapes, without spreading temporary objects.

export const toCredentialMetadata = (record: CredentialRecord, now: Date): ServiceSpecificCredentialMetadata => {
  const status = effectiveStatus(record.status, record.expirationDate, now);
  const metadata: ServiceSpecificCredentialMetadata =
    record.kind === 'password'
      ? ({ UserName: record.userName, Status: status, ServiceUserName: record.serviceUserName } as ServiceSpecificCredentialMetadata)
      : ({ UserName: record.userName, Status: status, ServiceCredentialAlias: record.serviceUserName } as ServiceSpecificCredentialMetadata);
  metadata.CreateDate = new Date(record.createDate);
  if (record.expirationDate !== undefined) metadata.ExpirationDate = new Date(record.expirationDate);
  metadata.ServiceSpecificCredentialId = record.credentialId;
  metadata.ServiceName = record.serviceName;
  return metadata;
};

/** The Create/Reset answer: the one time the secret (password, or the whole API key) is shown. */
export const toIssuedCredential = (record: CredentialRecord, shownSecret: string, now: Date): ServiceSpecificCredential => {
  const issued = { CreateDate: new Date(record.createDate) } as ServiceSpecificCredential;
  if (record.expirationDate !== undefined) issued.ExpirationDate = new Date(record.expirationDate);
  issued.ServiceName = record.serviceName;
  if (record.kind === 'password') {
    issued.ServiceUserName = record.serviceUserName;
    issued.ServicePassword = shownSecret;
  } else {
    issued.ServiceCredentialAlias = record.serviceUserName;
    issued.ServiceCredentialSecret = shownSecret;
  }
  issued.ServiceSpecificCredentialId = record.credentialId;
  issued.UserName = record.userName;
  issued.Status = effectiveStatus(record.status, record.expirationDate, now);
  return issued;
};

/** The order List pages through: oldest first, ties broken by id, a total order that survives deletes between pages. */
export interface CredentialPosition {
  readonly createDate: Date;
  readonly credentialId: string;
}

/** The first and last instants IAM timestamps take: years 0001 to 9999, as ISO 8601 renders them and every store can hold them. */
const EARLIEST_TIMESTAMP = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST_TIMESTAMP = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * Whether a position could be a credential's: its CreateDate is an IAM timestamp. A client's marker is checked against this before
 * any store sees it, so every store answers a crafted one alike.
 */
export const isCredentialPosition = (position: CredentialPosition): boolean => {
  const time = position.createDate.getTime();
  return time >= EARLIEST_TIMESTAMP && time <= LATEST_TIMESTAMP;
};

export const compareCredentialPositions = (a: CredentialPosition, b: CredentialPosition): number =>
  compareListingOrder(a.createDate.getTime(), a.credentialId, b.createDate.getTime(), b.credentialId);

/** The same order over CreateDate as epoch milliseconds, for a store that keeps its dates as numbers. */
export const compareListingOrder = (createTimeA: number, credentialIdA: string, createTimeB: number, credentialIdB: string): number =>
  createTimeA - createTimeB || (credentialIdA < credentialIdB ? -1 : credentialIdA > credentialIdB ? 1 : 0);

/** A new credential before the store's consistent view decides its ServiceUserName (it starts Active). */
export type NewCredential = Omit<CredentialRecord, 'serviceUserName' | 'status' | 'expirationDate'> & {
  readonly expirationDate: Date | undefined;
};

/**
 * The rules that depend on what else exists, decided on the store's consistent view: the quota over the owner's credentials for
 * the service, then the smallest free ServiceUserName. A new credential is Active.
 */
export const decideNewCredential = (
  credential: NewCredential,
  ownerCredentials: readonly CredentialRecord[],
  isServiceUserNameTaken: (serviceUserNameKey: string) => boolean,
): Result<CredentialRecord, IamError> => {
  const quota = checkQuota(ownerCredentials);
  if (quota.isErr()) return err(quota.error);
  const record: CredentialRecord = {
    accountId: credential.accountId,
    credentialId: credential.credentialId,
    ownerId: credential.ownerId,
    userName: credential.userName,
    serviceName: credential.serviceName,
    kind: credential.kind,
    serviceUserName: deriveServiceUserName(credential.userName, credential.accountId, isServiceUserNameTaken),
    secretDigest: credential.secretDigest,
    status: 'Active',
    createDate: credential.createDate,
  };
  return ok(credential.expirationDate === undefined ? record : { ...record, expirationDate: credential.expirationDate });
};
