import pg from 'pg';
import type { Pool, PoolConfig } from 'pg';
import type { AccessKeyStore } from '../../ports/access-key-store.port.js';
import type { PolicyStore } from '../../ports/policy-store.port.js';
import type { CredentialStore } from '../../ports/credential-store.port.js';
import type { UserDirectory } from '../../ports/user-directory.port.js';
import { createPgRunner } from './pg-runner.js';
import type { EndOptions } from './query-runner.js';
import { SCHEMA_VERSION } from './schema.js';
import type { SqlMaintenance } from './maintenance.js';
import { createSqlAdapters, type SqlAdapterOptions } from './sql-adapters.js';

export { SCHEMA_VERSION };
export type { EndOptions };
export { DEFAULT_MAX_ATTEMPTS, DEFAULT_SCHEMA } from './sql-adapters.js';

export const DEFAULT_CONNECTION_TIMEOUT_MILLIS = 10_000;

/** `pg` pool options (connectionString, max, ssl, statement_timeout, …) plus the adapter's own. */
export interface PostgresAdapterOptions extends PoolConfig, SqlAdapterOptions {
  /** Told when an idle pooled connection fails (the pool drops it and opens another when needed). Default: nothing. */
  readonly onPoolError?: (error: Error) => void;
}

export interface PostgresAdapters {
  readonly store: CredentialStore;
  readonly users: UserDirectory;
  /** Users' access keys, in the same database: `createCredentialEngine({ store, users, accessKeys })`. */
  readonly accessKeys: AccessKeyStore;
  /** Policies and groups, in the same database: `createCredentialEngine({ store, users, accessKeys, policies })`. */
  readonly policies: PolicyStore;
  /** Creates or upgrades the schema; idempotent, safe from many processes at once. Call once before the first request. */
  migrate(): Promise<void>;
  /** Not part of IAM: reset and health probe, for the endpoint's control paths. */
  readonly maintenance: SqlMaintenance;
  /**
   * Ends the pool once the statements running finish; idempotent. With `graceMs`, statements still running that long after the call
   * (blocked on a lock, say) are cancelled on the server and their connections dropped, so closing is bounded; `onCutOff` is told
   * how many were.
   */
  close(options?: EndOptions): Promise<void>;
  /** The underlying pool, for tooling (benchmarks, inspection); the adapters own it. */
  readonly pool: Pool;
}

/**
 * The PostgreSQL store and user directory, sharing one connection pool: `createCredentialEngine({ store, users })`. Several processes
 * may share one database: every rule the in-memory store guarantees holds across them. Throws a TypeError only for wrong options;
 * connecting happens lazily, and database failures reject the port's promise (which the engine answers as ServiceFailure).
 */
export const createPostgresAdapters = (options: PostgresAdapterOptions = {}): PostgresAdapters => {
  const { schema, maxAttempts, onPoolError, ...poolConfig } = options;
  const pool = new pg.Pool({ connectionTimeoutMillis: DEFAULT_CONNECTION_TIMEOUT_MILLIS, ...poolConfig });
  // Without a listener, an idle connection's failure (server restart, network) would be an uncaught 'error' and end the process.
  pool.on('error', (error) => onPoolError?.(error));
  const runner = createPgRunner(pool, poolConfig);
  let adapters;
  try {
    adapters = createSqlAdapters(
      runner,
      { ...(schema === undefined ? {} : { schema }), ...(maxAttempts === undefined ? {} : { maxAttempts }) },
      'createPostgresAdapters',
    );
  } catch (error) {
    void pool.end();
    throw error;
  }
  return { ...adapters, close: (closeOptions) => runner.end(closeOptions), pool };
};
