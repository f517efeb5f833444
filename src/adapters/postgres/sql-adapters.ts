import type { AccessKeyStore } from '../../ports/access-key-store.port.js';
import type { CredentialStore } from '../../ports/credential-store.port.js';
import type { PolicyStore } from '../../ports/policy-store.port.js';
import type { UserDirectory } from '../../ports/user-directory.port.js';
import type { AtomicUserRemoval } from '../../ports/user-removal.port.js';
import type { UserResolvingStore } from '../../ports/user-resolving-store.port.js';
import { createPostgresAccessKeyStore } from './postgres-access-key-store.js';
import { createPostgresPolicyStore } from './postgres-policy-store.js';
import { createPostgresStore, SERVICE_USER_NAME_INDEX } from './postgres-store.js';
import { createPostgresUserDirectory } from './postgres-user-directory.js';
import type { QueryRunner } from './query-runner.js';
import { migrate, tablesIn } from './schema.js';
import { createUserRemoval } from './user-removal.js';
import { createSqlMaintenance, type SqlMaintenance } from './maintenance.js';

export const DEFAULT_SCHEMA = 'iam_service_credentials';
export const DEFAULT_MAX_ATTEMPTS = 5;

/** The adapter's own options, whatever the driver. */
export interface SqlAdapterOptions {
  /** The schema that holds the tables (created by `migrate`): lower-case letters, digits, `_`. Default `iam_service_credentials`. */
  readonly schema?: string;
  /** Attempts in all for a create or closeOwner whose transaction loses a race (serialization failure, deadlock, name taken). Default 5. */
  readonly maxAttempts?: number;
}

export interface SqlAdapters {
  readonly store: CredentialStore & UserResolvingStore;
  readonly users: UserDirectory & AtomicUserRemoval;
  readonly accessKeys: AccessKeyStore;
  readonly policies: PolicyStore;
  /** Creates or upgrades the schema; idempotent, safe from many processes at once. Call once before the first request. */
  migrate(): Promise<void>;
  /** Not part of IAM: reset and health probe, for the endpoint's control paths. */
  readonly maintenance: SqlMaintenance;
}

/**
 * The store and the user directory over one driver: the same statements, schema and migrations for every driver. Throws a
 * TypeError (naming `caller`) only for wrong options.
 */
export const createSqlAdapters = (runner: QueryRunner, options: SqlAdapterOptions, caller: string): SqlAdapters => {
  const { schema = DEFAULT_SCHEMA, maxAttempts = DEFAULT_MAX_ATTEMPTS } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new TypeError(`${caller}: maxAttempts must be a positive integer, got ${String(maxAttempts)}`);
  }
  const tables = tablesIn(schema, caller);
  // The store also reads the directory's users in its own statements (UserResolvingStore), for an engine given both.
  const store = createPostgresStore(runner, tables, { maxAttempts, retryableConstraints: new Set([SERVICE_USER_NAME_INDEX]) });
  return {
    store,
    // With DeleteUser as one transaction over both tables (see AtomicUserRemoval), for an engine given this very store.
    users: { ...createPostgresUserDirectory(runner, tables), ...createUserRemoval(runner, tables, store) },
    accessKeys: createPostgresAccessKeyStore(runner, tables),
    policies: createPostgresPolicyStore(runner, tables),
    migrate: () => migrate(runner, tables),
    maintenance: createSqlMaintenance(runner, tables),
  };
};
