import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { AccessKeyStore } from '../../ports/access-key-store.port.js';
import type { PolicyStore } from '../../ports/policy-store.port.js';
import type { CredentialStore } from '../../ports/credential-store.port.js';
import type { UserDirectory } from '../../ports/user-directory.port.js';
import type { SqlMaintenance } from '../postgres/maintenance.js';
import type { QueryRunner } from '../postgres/query-runner.js';
import { createSqlAdapters, DEFAULT_MAX_ATTEMPTS, type SqlAdapters } from '../postgres/sql-adapters.js';
import { SCHEMA_VERSION } from '../postgres/schema.js';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from './data-dir-lock.js';
import { createPGliteRunner } from './pglite-runner.js';

export { DataDirInUseError, DEFAULT_MAX_ATTEMPTS, LOCK_FILE, SCHEMA_VERSION };

/** Where PGlite keeps the database, inside the data directory (beside the lock file). */
export const DATABASE_DIRECTORY = 'pgdata';

export interface PGliteAdapterOptions {
  /** The directory the state lives in; created when missing. One process at a time may open it. */
  readonly dataDir: string;
  /** Attempts in all for a create or closeOwner that loses a race; with one embedded session it never does. Default 5. */
  readonly maxAttempts?: number;
}

export interface PGliteAdapters {
  readonly store: CredentialStore;
  readonly users: UserDirectory;
  /** Users' access keys, in the same database. */
  readonly accessKeys: AccessKeyStore;
  /** Policies and groups, in the same database: `createCredentialEngine({ store, users, accessKeys, policies })`. */
  readonly policies: PolicyStore;
  /** Opens (or creates) the database and creates or upgrades the schema; idempotent. Call once before the first request. */
  migrate(): Promise<void>;
  /** Not part of IAM: reset and health probe, for the endpoint's control paths. */
  readonly maintenance: SqlMaintenance;
  /** Closes the database (its files are then whole) and releases the directory; idempotent. */
  close(): Promise<void>;
}

/**
 * The durable embedded store: the PostgreSQL adapter's statements, schema and migrations, run by PGlite (PostgreSQL compiled to
 * WebAssembly, in this process) on files in `dataDir`. Nothing to install or run beside it. Every write is committed to the
 * database's write-ahead log before its promise resolves, so a process killed at any point reopens with every acknowledged write.
 * Throws DataDirInUseError when another live process (or this one) has the directory open, a TypeError for wrong options.
 */
export const createPGliteAdapters = (options: PGliteAdapterOptions): PGliteAdapters => {
  const { dataDir, maxAttempts } = options;
  if (typeof dataDir !== 'string' || dataDir === '') throw new TypeError('createPGliteAdapters: dataDir must be a non-empty path');
  const lock = lockDataDir(dataDir);
  let database: PGlite | undefined;
  let runner: QueryRunner;
  let adapters: SqlAdapters;
  try {
    runner = createPGliteRunner((database = new PGlite(join(dataDir, DATABASE_DIRECTORY))));
    adapters = createSqlAdapters(runner, maxAttempts === undefined ? {} : { maxAttempts }, 'createPGliteAdapters');
  } catch (error) {
    void database?.close().catch(() => undefined);
    lock.release();
    throw error;
  }
  const opened = database;
  // Opening failures reach the caller through migrate() (and every query); this only keeps them from being unhandled meanwhile.
  opened.waitReady.catch(() => undefined);
  let closing: Promise<void> | undefined;
  return {
    ...adapters,
    migrate: async () => {
      await opened.waitReady;
      await adapters.migrate();
    },
    close: () =>
      (closing ??= (async () => {
        try {
          await opened.waitReady.catch(() => undefined);
          await runner.end();
        } finally {
          lock.release();
        }
      })()),
  };
};
