import { effectiveStatus, type StoredStatus } from './expiry.js';
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

export const toCredentialMetadata = (record: CredentialRecord, now: Date): ServiceSpecificCredentialMetadata => ({
  UserName: record.userName,
  Status: effectiveStatus(record.status, record.expirationDate, now),
  ...(record.kind === 'password' ? { ServiceUserName: record.serviceUserName } : { ServiceCredentialAlias: record.serviceUserName }),
  CreateDate: new Date(record.createDate),
  ...(record.expirationDate === undefined ? {} : { ExpirationDate: new Date(record.expirationDate) }),
  ServiceSpecificCredentialId: record.credentialId,
  ServiceName: record.serviceName,
});

/** The Create/Reset answer: the one time the secret (password, or the whole API key) is shown. */
export const toIssuedCredential = (record: CredentialRecord, shownSecret: string, now: Date): ServiceSpecificCredential => ({
  CreateDate: new Date(record.createDate),
  ...(record.expirationDate === undefined ? {} : { ExpirationDate: new Date(record.expirationDate) }),
  ServiceName: record.serviceName,
  ...(record.kind === 'password'
    ? { ServiceUserName: record.serviceUserName, ServicePassword: shownSecret }
    : { ServiceCredentialAlias: record.serviceUserName, ServiceCredentialSecret: shownSecret }),
  ServiceSpecificCredentialId: record.credentialId,
  UserName: record.userName,
  Status: effectiveStatus(record.status, record.expirationDate, now),
});

/** The order List pages through: oldest first, ties broken by id, a total order that survives deletes between pages. */
export interface CredentialPosition {
  readonly createDate: Date;
  readonly credentialId: string;
}

export const compareCredentialPositions = (a: CredentialPosition, b: CredentialPosition): number =>
  a.createDate.getTime() - b.createDate.getTime() || (a.credentialId < b.credentialId ? -1 : a.credentialId > b.credentialId ? 1 : 0);
