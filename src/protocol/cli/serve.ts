import type { AddressInfo } from 'node:net';
import { createInMemoryAccessKeyStore } from '../../adapters/memory/in-memory-access-key-store.js';
import { createInMemoryPolicyStore } from '../../adapters/memory/in-memory-policy-store.js';
import { createInMemoryStore } from '../../adapters/memory/in-memory-store.js';
import { createInMemoryUserDirectory } from '../../adapters/memory/in-memory-user-directory.js';
import type { SqlMaintenance } from '../../adapters/postgres/maintenance.js';
import { cryptoRandom } from '../../adapters/system/crypto-random.js';
import {
  type AccessKeyStore,
  type CredentialEngine,
  type CredentialStore,
  type PolicyStore,
  type UserDirectory,
  createCredentialEngine,
} from '../../index.js';
import type { StateReset } from '../../ports/state-reset.port.js';
import type { Clock } from '../../ports/clock.port.js';
import type { ControlPaths } from '../http/control-paths.js';
import { DEFAULT_AUTHENTICATE_PATH, createQueryServer } from '../http/index.js';
import { loadSignatureV4 } from '../sigv4/verify-signature.js';
import { systemClock } from '../../adapters/system/system-clock.js';
import { type Dashboard, DASHBOARD_PATH, createDashboard, newDashboardToken } from '../dashboard/dashboard.js';
import type { DecisionActivity } from '../dashboard/activity.js';
import { type EnforceIamMode, type EnforceIamOptions, decisionExplanation } from '../query/enforcement.js';
import { DEFAULT_DOOR_REGION } from '../front-door/door-authorization.js';
import type { DoorName } from '../front-door/login-attempt.js';
import type { ActionAuthorization } from '../../app/authorize-operation.js';
import { SeedingRandom, type SeededCredential, applySeed, generatedSecretsTable } from './seed.js';
import { type ServeConfig, type StoreChoice, describeStore } from './serve-options.js';
import { type FrontDoorAddresses, type RunningFrontDoors, startFrontDoors } from './front-doors.js';
import { packageVersion } from './package-version.js';

/** What `createPostgresAdapters({ connectionString })` of src/adapters/postgres returns, and `createPGliteAdapters({ dataDir })`. */
interface PostgresAdapters {
  readonly store: CredentialStore;
  readonly users: UserDirectory;
  readonly accessKeys: AccessKeyStore;
  readonly policies: PolicyStore;
  readonly maintenance: SqlMaintenance;
  migrate(): Promise<void>;
  close(options?: { graceMs?: number; onCutOff?: (statements: number) => void }): Promise<void>;
}

/** Why the endpoint could not start; its message is fit to print (no secret, the connection string masked). */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/**
 * How startup errors name the options they are about: the command's flags, or `startIamEndpoint`'s option paths, so that each caller
 * reads about the options it gave.
 */
export interface OptionNames {
  readonly verifySignatures: string;
  readonly enforceIam: string;
  readonly dataDir: string;
  readonly seed: string;
  readonly gitRoot: string;
}

export const COMMAND_OPTION_NAMES: OptionNames = {
  verifySignatures: '--verify-signatures',
  enforceIam: '--enforce-iam',
  dataDir: '--data-dir',
  seed: '--seed',
  gitRoot: '--git-root',
};

export interface RunningServer {
  readonly url: string;
  /** The port listened on (the one chosen when `port` was 0). */
  readonly port: number;
  readonly engine: CredentialEngine;
  /** The credentials `--seed` created, with their secrets (fixed or generated); empty without a seed. */
  readonly seeded: readonly SeededCredential[];
  /** Where the front doors that were asked for listen (the ports chosen when 0 was given); empty without any. */
  readonly frontDoors: FrontDoorAddresses;
  /** The dashboard page's URL (with its token when signatures are checked); absent when the dashboard is off. */
  readonly dashboardUrl?: string;
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

/** How long the health path waits for the store to answer before it reports it unavailable. */
const HEALTH_PROBE_MS = 2_000;

/** What the endpoint's control paths do on its store: health and (unless turned off) reset. */
const controlPathsFor = (kind: string, store: StateReset, probe: () => Promise<boolean>, allowReset: boolean): ControlPaths => {
  const version = packageVersion();
  return {
    health: async () => ({ version, store: kind, storeAnswers: await probe() }),
    ...(allowReset ? { reset: (accountId: string | undefined) => store.resetState(accountId) } : {}),
  };
};

/** Resets the in-memory adapters together: every call starts (and, in memory, finishes its work) before any is awaited. */
const allReset = (adapters: readonly StateReset[]): StateReset => ({
  resetState: async (accountId) => {
    await Promise.all(adapters.map((adapter) => adapter.resetState(accountId)));
  },
});

/** An optional store adapter: the module that makes it, the factory it exports, and what to say when it cannot be loaded. */
interface OptionalAdapter {
  readonly module: string;
  readonly factory: 'createPostgresAdapters' | 'createPGliteAdapters';
  /** How the store is named in a startup error, e.g. "the PostgreSQL store". */
  readonly store: (names: OptionNames) => string;
  readonly hint: string;
}

const POSTGRES_ADAPTER: OptionalAdapter = {
  module: '../../adapters/postgres/index.js',
  factory: 'createPostgresAdapters',
  store: () => 'the PostgreSQL store',
  hint: "cannot load the PostgreSQL adapter (is the 'pg' package installed?)",
};

const PGLITE_ADAPTER: OptionalAdapter = {
  module: '../../adapters/pglite/index.js',
  factory: 'createPGliteAdapters',
  store: (names) => `the ${names.dataDir} store`,
  hint: "cannot load the PGlite adapter (is the '@electric-sql/pglite' package installed? npm install @electric-sql/pglite)",
};

/**
 * Loads an adapter only when its store is asked for (a non-literal specifier, so its optional peer dependency, `pg` or
 * `@electric-sql/pglite`, need not be installed otherwise), and makes the adapters with `options`.
 */
const loadAdapters = async (
  adapter: OptionalAdapter,
  options: { connectionString: string } | { dataDir: string },
  names: OptionNames,
): Promise<PostgresAdapters> => {
  let module: Record<string, unknown>;
  try {
    const specifier: string = adapter.module;
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (cause) {
    throw new StartupError(`${adapter.store(names)} is unavailable: ${adapter.hint}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  const factory = module[adapter.factory];
  if (typeof factory !== 'function') throw new StartupError(`${adapter.store(names)} is unavailable: the adapter does not export ${adapter.factory}`);
  return (await (factory as (options: unknown) => PostgresAdapters | Promise<PostgresAdapters>)(options)) as PostgresAdapters;
};

const urlOf = (address: AddressInfo): string => {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
};

/** The endpoint's store, opened: the adapters for the engine, what the control paths do on it, and how to close it. */
interface OpenedStore {
  readonly kind: StoreChoice['kind'];
  readonly store: CredentialStore;
  readonly users: UserDirectory;
  readonly accessKeys: AccessKeyStore;
  readonly policies: PolicyStore;
  readonly reset: StateReset;
  /** Whether the store answers now (bounded in time); never rejects. */
  probe(): Promise<boolean>;
  close(options?: { graceMs?: number; onCutOff?: (statements: number) => void }): Promise<void>;
}

/**
 * The in-memory adapters are built here rather than by the engine, so the reset path can empty them; PostgreSQL's are loaded on
 * demand and migrated. Throws StartupError (printable, the connection string masked).
 */
const openStore = async (config: ServeConfig, names: OptionNames): Promise<OpenedStore> => {
  if (config.store.kind === 'memory') {
    const store = createInMemoryStore();
    const users = createInMemoryUserDirectory();
    const accessKeys = createInMemoryAccessKeyStore();
    const policies = createInMemoryPolicyStore();
    return {
      kind: 'memory',
      store,
      users,
      accessKeys,
      policies,
      reset: allReset([store, users, accessKeys, policies]),
      probe: async () => true,
      close: async () => undefined,
    };
  }
  let postgres: PostgresAdapters | undefined;
  try {
    postgres =
      config.store.kind === 'postgres'
        ? await loadAdapters(POSTGRES_ADAPTER, { connectionString: config.store.connectionString }, names)
        : await loadAdapters(PGLITE_ADAPTER, { dataDir: config.store.dataDir }, names);
    await postgres.migrate();
    const adapters = postgres;
    const { store, users, accessKeys, policies, maintenance } = adapters;
    return {
      kind: config.store.kind,
      store,
      users,
      accessKeys,
      policies,
      reset: maintenance,
      probe: () => maintenance.probe(HEALTH_PROBE_MS),
      close: (options) => adapters.close(options),
    };
  } catch (cause) {
    await postgres?.close().catch(() => undefined);
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new StartupError(redact(cause instanceof StartupError ? message : `cannot open the store ${describeStore(config.store)}: ${message}`, config));
  }
};

/** A decision as the dashboard lists it. */
const decisionActivity = (authorization: ActionAuthorization, mode: EnforceIamMode, door: DoorName | undefined): Omit<DecisionActivity, 'time'> => ({
  door: door ?? 'iam',
  principal: authorization.request.principal.arn,
  action: authorization.request.action,
  resource: authorization.request.resource,
  decision: authorization.decision.decision,
  mode: mode === 'soft' && authorization.decision.decision !== 'allow' ? 'soft' : 'enforced',
  explanation: decisionExplanation(authorization),
});

/**
 * The dashboard, unless it is off: on by default without signature checking; with it, only when asked for, and then behind a token
 * (a browser cannot sign its requests). It shows the default account, the mapped ones and every account the directory holds.
 */
const dashboardFor = (
  config: ServeConfig,
  engine: CredentialEngine,
  users: UserDirectory,
  clock: Clock,
): (Dashboard & { readonly token: string | undefined }) | undefined => {
  const signed = config.verifySignatures === true;
  if (config.dashboard === false || (signed && config.dashboard !== true)) return undefined;
  const token = signed ? newDashboardToken() : undefined;
  const configured = [config.accountId, ...[...config.accountMap.values()].map((mapping) => mapping.accountId)];
  const dashboard = createDashboard({
    engine,
    now: () => clock.now(),
    ...(token === undefined ? {} : { token }),
    accountIds: async () => [...configured, ...((await users.listAccountIds?.()) ?? [])],
  });
  return { ...dashboard, token };
};

/**
 * Builds the engine on the chosen store, migrates it, creates the seed's fixtures, and listens. Throws StartupError (with a printable
 * message) on failure. The one implementation behind the command and `startIamEndpoint`.
 */
export const startServer = async (config: ServeConfig, io: ServeIo, names: OptionNames = COMMAND_OPTION_NAMES): Promise<RunningServer> => {
  if (config.enforceIam !== undefined && config.verifySignatures !== true) {
    throw new StartupError(`${names.enforceIam} needs ${names.verifySignatures}: only a verified signature says who is calling`);
  }
  if (config.verifySignatures === true) {
    try {
      await loadSignatureV4();
    } catch (cause) {
      throw new StartupError(
        `${names.verifySignatures} needs the @smithy/signature-v4 package (npm install @smithy/signature-v4): ${cause instanceof Error ? cause.message : String(cause)}`,
      );
    }
  }
  const opened = await openStore(config, names);
  const seeding = config.seed === undefined ? undefined : new SeedingRandom(cryptoRandom);
  const clock = config.clock ?? systemClock;
  const engine = createCredentialEngine({
    accountId: config.accountId,
    clock,
    unsupportedServiceError: config.unsupportedServiceError,
    store: opened.store,
    users: opened.users,
    accessKeys: opened.accessKeys,
    policies: opened.policies,
    ...(seeding === undefined ? {} : { random: seeding }),
    onInternalError: (error) => io.error(`internal error (answered ServiceFailure): ${redact(error instanceof Error ? error.message : String(error), config)}`),
  });
  const controls = controlPathsFor(opened.kind, opened.reset, () => opened.probe(), config.reset !== false);
  let seeded: readonly SeededCredential[] = [];
  if (config.seed !== undefined && seeding !== undefined) {
    const outcome = await applySeed(engine, config.seed, seeding);
    if (outcome.isErr()) {
      await opened.close().catch(() => undefined);
      throw new StartupError(redact(`${names.seed}: ${outcome.error}`, config));
    }
    seeded = outcome.value;
  }
  const dashboard = dashboardFor(config, engine, opened.users, clock);
  // Decisions are logged whenever enforcement is on (in soft mode they are its whole point), --quiet or not; the endpoint and the
  // doors share the one enforcement.
  const enforceIam: EnforceIamOptions | undefined =
    config.enforceIam === undefined
      ? undefined
      : {
          mode: config.enforceIam,
          log: io.log,
          ...(dashboard === undefined
            ? {}
            : { onDecision: (authorization, mode, door) => dashboard.activity.recordDecision(decisionActivity(authorization, mode, door)) }),
        };
  const server = createQueryServer(engine, {
    accountId: config.accountId,
    accountMap: config.accountMap,
    maxBodyBytes: config.maxBodyBytes,
    controlPaths: controls,
    ...(dashboard === undefined ? {} : { dashboard }),
    ...(config.accessLog ? { log: io.log } : {}),
    ...(config.authenticateEndpoint ? { authenticatePath: DEFAULT_AUTHENTICATE_PATH } : {}),
    ...(enforceIam === undefined ? {} : { enforceIam }),
    ...(config.verifySignatures === true
      ? {
          signatures: {
            secretAccessKeys: config.secretAccessKeys ?? new Map<string, string>(),
            ...(config.signatureClock === undefined ? {} : { now: config.signatureClock }),
          },
        }
      : {}),
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
    await opened.close().catch(() => undefined);
    throw new StartupError(`cannot listen on ${config.host}:${config.port}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  const address = server.address() as AddressInfo;
  const url = urlOf(address);
  let frontDoors: RunningFrontDoors | undefined;
  if (config.frontDoors !== undefined) {
    try {
      frontDoors = await startFrontDoors(
        engine,
        config.frontDoors,
        config.host,
        {
          ...(config.accessLog ? { log: io.log } : {}),
          ...(dashboard === undefined ? {} : { onLoginAttempt: (attempt, client) => dashboard.activity.recordLogin(attempt, client) }),
          ...(enforceIam === undefined ? {} : { enforceIam }),
          region: config.region ?? DEFAULT_DOOR_REGION,
          // Short-term Bedrock keys are presigned with an access key: one given with its secret, or one the engine issued.
          signingKeys: {
            secretAccessKeys: config.secretAccessKeys ?? new Map<string, string>(),
            accountMap: config.accountMap,
            defaultAccountId: config.accountId,
            ...(config.signatureClock === undefined ? {} : { now: config.signatureClock }),
          },
        },
        names.gitRoot,
      );
    } catch (cause) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await opened.close().catch(() => undefined);
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
  for (const line of generatedSecretsTable(seeded)) io.log(line);

  for (const line of frontDoors?.listeningLines ?? []) io.log(line);
  const dashboardUrl = dashboard === undefined ? undefined : `${url}${DASHBOARD_PATH}${dashboard.token === undefined ? '' : `?token=${dashboard.token}`}`;
  if (dashboardUrl !== undefined) io.log(`dashboard at ${dashboardUrl}${dashboard?.token === undefined ? '' : ' (the token is shown only here)'}`);

  let closing: Promise<void> | undefined;
  const close = (graceMs = 5_000): Promise<void> => {
    closing ??= (async () => {
      const deadline = Date.now() + graceMs;
      const doorsClosed = frontDoors?.close(graceMs);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(force);
      await doorsClosed;
      // Requests cut off above may still have statements running (blocked on a lock, say): they get what is left of the grace
      // period, then are cancelled, so that stopping is bounded.
      await opened.close({
        graceMs: Math.max(0, deadline - Date.now()),
        onCutOff: (statements) =>
          io.error(`iam-service-credentials: cut off ${statements} database statement(s) still running after the ${graceMs} ms grace period (rolled back)`),
      });
    })();
    return closing;
  };
  return { url, port: address.port, engine, seeded, frontDoors: frontDoors?.addresses ?? {}, ...(dashboardUrl === undefined ? {} : { dashboardUrl }), close };
};
