import pg from 'pg';
import type { Pool, PoolConfig } from 'pg';
import type { CredentialStore } from '../../ports/credential-store.port.js';
import type { UserDirectory } from '../../ports/user-directory.port.js';
import { createPostgresStore, SERVICE_USER_NAME_INDEX } from './postgres-store.js';
import { createPostgresUserDirectory } from './postgres-user-directory.js';
import { migrate, SCHEMA_VERSION, tablesIn } from './schema.js';

export { SCHEMA_VERSION };

export const DEFAULT_SCHEMA = 'iam_service_credentials';
export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_CONNECTION_TIMEOUT_MILLIS = 10_000;

/** `pg` pool options (connectionString, max, ssl, statement_timeout, …) plus the adapter's own. */
export interface PostgresAdapterOptions extends PoolConfig {
  /** The schema that holds the tables (created by `migrate`): lower-case letters, digits, `_`. Default `iam_service_credentials`. */
  readonly schema?: string;
  /** Attempts in all for a create or closeOwner whose transaction loses a race (serialization failure, deadlock, name taken). Default 5. */
  readonly maxAttempts?: number;
  /** Told when an idle pooled connection fails (the pool drops it and opens another when needed). Default: nothing. */
  readonly onPoolError?: (error: Error) => void;
}

export interface PostgresAdapters {
  readonly store: CredentialStore;
  readonly users: UserDirectory;
  /** Creates or upgrades the schema; idempotent, safe from many processes at once. Call once before the first request. */
  migrate(): Promise<void>;
  /** Ends the pool; idempotent. */
  close(): Promise<void>;
  /** The underlying pool, for tooling (benchmarks, inspection); the adapters own it. */
  readonly pool: Pool;
}

/**
 * The PostgreSQL store and user directory, sharing one connection pool: `createCredentialEngine({ store, users })`. Several processes
 * may share one database: every rule the in-memory store guarantees holds across them. Throws a TypeError only for wrong options;
 * connecting happens lazily, and database failures reject the port's promise (which the engine answers as ServiceFailure).
 */
export const createPostgresAdapters = (options: PostgresAdapterOptions = {}): PostgresAdapters => {
  const { schema = DEFAULT_SCHEMA, maxAttempts = DEFAULT_MAX_ATTEMPTS, onPoolError, ...poolConfig } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new TypeError(`createPostgresAdapters: maxAttempts must be a positive integer, got ${String(maxAttempts)}`);
  }
  const tables = tablesIn(schema);
  const pool = new pg.Pool({ connectionTimeoutMillis: DEFAULT_CONNECTION_TIMEOUT_MILLIS, ...poolConfig });
  // Without a listener, an idle connection's failure (server restart, network) would be an uncaught 'error' and end the process.
  pool.on('error', (error) => onPoolError?.(error));
  let closing: Promise<void> | undefined;
  return {
    store: createPostgresStore(pool, tables, { maxAttempts, retryableConstraints: new Set([SERVICE_USER_NAME_INDEX]) }),
    users: createPostgresUserDirectory(pool, tables),
    migrate: () => migrate(pool, tables),
    close: () => (closing ??= pool.end()),
    pool,
  };
};
