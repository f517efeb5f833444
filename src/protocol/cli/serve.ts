import type { AddressInfo } from 'node:net';
import { type CredentialEngine, type CredentialStore, type UserDirectory, createCredentialEngine } from '../../index.js';
import { DEFAULT_AUTHENTICATE_PATH, createQueryServer } from '../http/index.js';
import { loadSignatureV4 } from '../sigv4/verify-signature.js';
import { type ServeConfig, describeStore } from './serve-options.js';
import { type RunningFrontDoors, startFrontDoors } from './front-doors.js';

/** What `createPostgresAdapters({ connectionString })` of src/adapters/postgres returns. */
interface PostgresAdapters {
  readonly store: CredentialStore;
  readonly users: UserDirectory;
  migrate(): Promise<void>;
  close(): Promise<void>;
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
    }
  } catch (cause) {
    await postgres?.close().catch(() => undefined);
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new StartupError(redact(cause instanceof StartupError ? message : `cannot open the store ${describeStore(config.store)}: ${message}`, config));
  }
  if (config.verifySignatures === true) {
    try {
      await loadSignatureV4();
    } catch (cause) {
      await postgres?.close().catch(() => undefined);
      throw new StartupError(
        `--verify-signatures needs the @smithy/signature-v4 package (npm install @smithy/signature-v4): ${cause instanceof Error ? cause.message : String(cause)}`,
      );
    }
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
    ...(config.verifySignatures === true ? { signatures: { secretAccessKeys: config.secretAccessKeys ?? new Map<string, string>() } } : {}),
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
  let frontDoors: RunningFrontDoors | undefined;
  if (config.frontDoors !== undefined) {
    try {
      frontDoors = await startFrontDoors(engine, config.frontDoors, config.host, io.log, config.accessLog);
    } catch (cause) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await postgres?.close().catch(() => undefined);
      throw new StartupError(`cannot start the front doors: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }

  io.log(
    `iam-service-credentials listening on ${url} (account ${config.accountId}, store ${describeStore(config.store)}, ` +
      `${config.accountMap.size} mapped access key(s); ` +
      (config.verifySignatures === true
        ? `signatures are verified, ${config.secretAccessKeys?.size ?? 0} access key(s) with secrets)`
        : 'signatures are not checked)') +
      (config.authenticateEndpoint ? `; authenticate at POST ${url}${DEFAULT_AUTHENTICATE_PATH}` : ''),
  );

  for (const line of frontDoors?.listeningLines ?? []) io.log(line);

  let closing: Promise<void> | undefined;
  const close = (graceMs = 5_000): Promise<void> => {
    closing ??= (async () => {
      const doorsClosed = frontDoors?.close(graceMs);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(force);
      await doorsClosed;
      await postgres?.close();
    })();
    return closing;
  };
  return { url, engine, close };
};
