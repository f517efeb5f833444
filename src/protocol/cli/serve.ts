import type { AddressInfo } from 'node:net';
import { type CredentialEngine, type CredentialStore, type UserDirectory, createCredentialEngine } from '../../index.js';
import { DEFAULT_AUTHENTICATE_PATH, createQueryServer } from '../http/index.js';
import { type ServeConfig, describeStore } from './serve-options.js';

/** What `createPostgresAdapters({ connectionString })` of src/adapters/postgres returns, and `createPGliteAdapters({ dataDir })`. */
interface PostgresAdapters {
  readonly store: CredentialStore;
  readonly users: UserDirectory;
  migrate(): Promise<void>;
  close(options?: { graceMs?: number; onCutOff?: (statements: number) => void }): Promise<void>;
}

export class StartupError extends Error {}

export interface RunningServer {
  readonly url: string;
  readonly engine: CredentialEngine;
  /** Stops accepting connections, lets requests in flight finish (up to `graceMs`), then closes the store. */
  close(graceMs?: number): Promise<void>;
}

export interface ServeIo {
  readonly log: (line: string) => void;
  readonly error: (line: string) => void;
}

/** Masks a connection string wherever it appears in a message (driver errors may quote it). */
const redact = (text: string, config: ServeConfig): string =>
  config.store.kind === 'postgres' ? text.split(config.store.connectionString).join(describeStore(config.store)) : text;

const POSTGRES_ADAPTER_MODULE = '../../adapters/postgres/index.js';

const loadPostgres = async (connectionString: string): Promise<PostgresAdapters> => {
  let module: { createPostgresAdapters?: unknown };
  try {
    // A non-literal specifier: the adapter (and the optional `pg` peer dependency) is loaded only when a PostgreSQL store is asked for.
    const specifier: string = POSTGRES_ADAPTER_MODULE;
    module = (await import(specifier)) as { createPostgresAdapters?: unknown };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new StartupError(`the PostgreSQL store is unavailable: cannot load the PostgreSQL adapter (is the 'pg' package installed?): ${reason}`);
  }
  if (typeof module.createPostgresAdapters !== 'function') {
    throw new StartupError('the PostgreSQL store is unavailable: the PostgreSQL adapter does not export createPostgresAdapters');
  }
  return (await (module.createPostgresAdapters as (options: { connectionString: string }) => PostgresAdapters | Promise<PostgresAdapters>)({
    connectionString,
  })) as PostgresAdapters;
};

const PGLITE_ADAPTER_MODULE = '../../adapters/pglite/index.js';

const loadPGlite = async (dataDir: string): Promise<PostgresAdapters> => {
  let module: { createPGliteAdapters?: unknown };
  try {
    // Loaded only for --data-dir: the optional `@electric-sql/pglite` peer dependency need not be installed otherwise.
    const specifier: string = PGLITE_ADAPTER_MODULE;
    module = (await import(specifier)) as { createPGliteAdapters?: unknown };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new StartupError(
      `the --data-dir store is unavailable: cannot load the PGlite adapter (is the '@electric-sql/pglite' package installed? ` +
        `npm install @electric-sql/pglite): ${reason}`,
    );
  }
  if (typeof module.createPGliteAdapters !== 'function') {
    throw new StartupError('the --data-dir store is unavailable: the PGlite adapter does not export createPGliteAdapters');
  }
  return (module.createPGliteAdapters as (options: { dataDir: string }) => PostgresAdapters)({ dataDir });
};

const urlOf = (address: AddressInfo): string => {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
};

/** Builds the engine on the chosen store, migrates it, and listens. Throws StartupError (with a printable message) on failure. */
export const startServer = async (config: ServeConfig, io: ServeIo): Promise<RunningServer> => {
  let postgres: PostgresAdapters | undefined;
  try {
    if (config.store.kind === 'postgres') {
      postgres = await loadPostgres(config.store.connectionString);
      await postgres.migrate();
    } else if (config.store.kind === 'pglite') {
      postgres = await loadPGlite(config.store.dataDir);
      await postgres.migrate();
    }
  } catch (cause) {
    await postgres?.close().catch(() => undefined);
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new StartupError(redact(cause instanceof StartupError ? message : `cannot open the store ${describeStore(config.store)}: ${message}`, config));
  }
  const engine = createCredentialEngine({
    accountId: config.accountId,
    unsupportedServiceError: config.unsupportedServiceError,
    ...(postgres === undefined ? {} : { store: postgres.store, users: postgres.users }),
    onInternalError: (error) => io.error(`internal error (answered ServiceFailure): ${redact(error instanceof Error ? error.message : String(error), config)}`),
  });
  const server = createQueryServer(engine, {
    accountId: config.accountId,
    accountMap: config.accountMap,
    maxBodyBytes: config.maxBodyBytes,
    ...(config.accessLog ? { log: io.log } : {}),
    ...(config.authenticateEndpoint ? { authenticatePath: DEFAULT_AUTHENTICATE_PATH } : {}),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (cause) {
    await postgres?.close().catch(() => undefined);
    throw new StartupError(`cannot listen on ${config.host}:${config.port}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  const url = urlOf(server.address() as AddressInfo);
  io.log(
    `iam-service-credentials listening on ${url} (account ${config.accountId}, store ${describeStore(config.store)}, ` +
      `${config.accountMap.size} mapped access key(s); signatures are not checked)` +
      (config.authenticateEndpoint ? `; authenticate at POST ${url}${DEFAULT_AUTHENTICATE_PATH}` : ''),
  );

  let closing: Promise<void> | undefined;
  const close = (graceMs = 5_000): Promise<void> => {
    closing ??= (async () => {
      const deadline = Date.now() + graceMs;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(force);
      // Requests cut off above may still have statements running (blocked on a lock, say): they get what is left of the grace
      // period, then are cancelled, so that stopping is bounded.
      await postgres?.close({
        graceMs: Math.max(0, deadline - Date.now()),
        onCutOff: (statements) =>
          io.error(`iam-service-credentials: cut off ${statements} database statement(s) still running after the ${graceMs} ms grace period (rolled back)`),
      });
    })();
    return closing;
  };
  return { url, engine, close };
};
