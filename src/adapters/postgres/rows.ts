import type { CredentialRecord } from '../../domain/credential.js';
import type { StoredStatus } from '../../domain/expiry.js';
import type { ServiceCredentialKind } from '../../domain/service-catalogue.js';
import type { UserRecord } from '../../domain/user.js';

/** The credential columns every read selects, in the shape `toCredentialRecord` reads. */
export const CREDENTIAL_COLUMNS =
  'account_id, credential_id, owner_id, user_name, service_name, kind, service_user_name, secret_digest, status, create_date, expiration_date';

export interface CredentialRow {
  readonly account_id: string;
  readonly credential_id: string;
  readonly owner_id: string;
  readonly user_name: string;
  readonly service_name: string;
  readonly kind: ServiceCredentialKind['kind'];
  readonly service_user_name: string;
  readonly secret_digest: string;
  readonly status: StoredStatus;
  readonly create_date: Date;
  readonly expiration_date: Date | null;
}

export const toCredentialRecord = (row: CredentialRow): CredentialRecord => ({
  accountId: row.account_id,
  credentialId: row.credential_id,
  ownerId: row.owner_id,
  userName: row.user_name,
  serviceName: row.service_name,
  kind: row.kind,
  serviceUserName: row.service_user_name,
  secretDigest: row.secret_digest,
  status: row.status,
  createDate: row.create_date,
  ...(row.expiration_date === null ? {} : { expirationDate: row.expiration_date }),
});

export const USER_COLUMNS = 'account_id, user_name, user_id, path, create_date';

export interface UserRow {
  readonly account_id: string;
  readonly user_name: string;
  readonly user_id: string;
  readonly path: string;
  readonly create_date: Date;
}

export const toUserRecord = (row: UserRow): UserRecord => ({
  accountId: row.account_id,
  userName: row.user_name,
  userId: row.user_id,
  path: row.path,
  createDate: row.create_date,
});

/**
 * Timestamps travel as ISO-8601 UTC strings cast to timestamptz: no dependence on the client's time zone, and the millisecond
 * precision of a JS Date survives the round trip exactly (timestamptz keeps microseconds).
 */
export const timestamp = (date: Date): string => date.toISOString();

/** Parameters for a query whose conditions depend on the request: `bind` appends a value and answers its placeholder. */
export const parameterList = (...initial: unknown[]): { parameters: unknown[]; bind: (value: unknown) => string } => {
  const parameters = [...initial];
  return {
    parameters,
    bind: (value) => {
      parameters.push(value);
      return `$${parameters.length}`;
    },
  };
};
