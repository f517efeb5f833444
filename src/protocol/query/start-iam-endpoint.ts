import { readFileSync } from 'node:fs';
import { type EnforceIamMode, isEnforceIamMode } from './enforcement.js';
import { isAccountId } from '../../domain/account.js';
import type { Clock } from '../../ports/clock.port.js';
import { isSafeInteger } from '../../domain/validation.js';
import type { UnsupportedServiceErrorCode } from '../../index.js';
import { DEFAULT_ACCOUNT_ID } from '../../index.js';
import { type SeedDocument, type SeededCredential, parseSeedDocument } from '../cli/seed.js';
import type { FrontDoorAddresses } from '../cli/front-doors.js';
import { describeJsonSyntaxError, parseJsonText } from '../cli/json-text.js';
import { type OptionNames, type RunningServer, startServer } from '../cli/serve.js';
import { DEFAULT_HOST, type FrontDoorsConfig, type ServeConfig, type StoreChoice } from '../cli/serve-options.js';
import { DEFAULT_MAX_BODY_BYTES, type SignatureOptions } from '../http/index.js';
import { isAccessKeyId } from './access-key.js';
import { type AccountMap, type AccountMapping } from './account-map.js';

/** The options of the `serve` command, as an object (same defaults, except `port`: any free one). */
export interface IamEndpointOptions {
  /** Interface to listen on (the front doors' too). Default `127.0.0.1` (never expose the endpoint unless `signatures` are verified). */
  readonly host?: string;
  /** TCP port; `0` (the default) picks a free one, which `port` and `url` of the result tell. */
  readonly port?: number;
  /** Account of requests no `accountMap` entry covers. Default `123456789012`. */
  readonly accountId?: string;
  /** Access key id -> account (and calling user), read from the SigV4 `Authorization` header; signatures are checked only with `signatures`. */
  readonly accountMap?: AccountMap;
  /**
   * `--verify-signatures` with `--access-key`: every request (every path) must be signed with SigV4 for service `iam` by one of
   * `secretAccessKeys` (access key id -> secret access key), within 15 minutes of `now()` (default: the system clock), else IAM's
   * refusal. A request that verifies acts as its key's `accountMap` entry, else `accountId`. Needs `@smithy/signature-v4`.
   */
  readonly signatures?: SignatureOptions;
  readonly unsupportedServiceError?: UnsupportedServiceErrorCode;
  /**
   * As `--enforce-iam`: `on` authorises every action by the caller's IAM policies (403 AccessDenied when refused), `soft` allows and
   * logs what would be refused; one line per decision goes to `log`. Needs `signatures`. Default `off`.
   */
  readonly enforceIam?: EnforceIamMode | 'off';
  /** `memory` (the default) or a `postgres://` / `postgresql://` connection URL (needs the optional `pg` package). */
  readonly store?: string;
  /**
   * Keep the state in this directory across restarts (the PGlite store, as `--data-dir`; needs the optional `@electric-sql/pglite`
   * package). One process at a time per directory. Not with `store`.
   */
  readonly dataDir?: string;
  /** Largest request body accepted. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Also answer `POST /_iam-service-credentials/authenticate` (not an AWS API). Default false. */
  readonly authenticateEndpoint?: boolean;
  /** Serve `POST /_iam-service-credentials/reset`. Default true. */
  readonly reset?: boolean;
  /**
   * The service front doors (`--git-port`/`--git-root`, `--bedrock-port`, `--keyspaces-port`), each off unless given; a port may be
   * `0` (any free one: `frontDoors` of the result tells which).
   */
  readonly frontDoors?: FrontDoorsConfig;
  /** As `--region`: the region of the doors' resource ARNs (repositories, models, keyspaces). Default `us-east-1`. */
  readonly region?: string;
  /** Fixtures to create before listening: a seed document, or the path of a JSON file holding one. */
  readonly seed?: SeedDocument | string;
  /** Receives the startup line, the table of generated seed secrets and one access-log line per request. Default: nothing is logged. */
  readonly log?: (line: string) => void;
  /** Told about internal failures (answered ServiceFailure). Default: nothing. */
  readonly onError?: (line: string) => void;
  /**
   * The page at `/_iam-service-credentials/` (docs/dashboard.md). Default: on without `signatures`, off with them; `true` with
   * `signatures` serves it behind a token, in `dashboardUrl`.
   */
  readonly dashboard?: boolean;
  /** The engine's clock (CreateDate, expiry): a `createManualClock()` lets a test expire a credential. Default: the system clock. */
  readonly clock?: Clock;
}

export interface IamEndpoint {
  /** `http://127.0.0.1:PORT`: the `endpoint` of an `IAMClient`, or `--endpoint-url` of the AWS CLI. */
  readonly url: string;
  readonly port: number;
  /** The engine behind the endpoint, to call directly (setup, assertions) in the same process. */
  readonly engine: RunningServer['engine'];
  /** The credentials the seed created, with their secrets. */
  readonly seeded: readonly SeededCredential[];
  /** Where the front doors that were asked for listen (`url`s and actual ports); empty without `frontDoors`. */
  readonly frontDoors: FrontDoorAddresses;
  /** The dashboard page's URL, with its token when signatures are checked; absent when the dashboard is off. */
  readonly dashboardUrl?: string;
  /** Stops accepting connections, lets requests in flight finish (up to `graceMs`, default 5 s), then closes the store. */
  close(graceMs?: number): Promise<void>;
}

/** Startup errors name the options as this API spells them. */
const API_OPTION_NAMES: OptionNames = {
  verifySignatures: 'signatures',
  enforceIam: 'enforceIam',
  dataDir: 'dataDir',
  seed: 'seed',
  gitRoot: 'frontDoors.git.root',
};

const toMap = (map: AccountMap | undefined): ReadonlyMap<string, AccountMapping> =>
  map === undefined ? new Map() : map instanceof Map ? map : new Map(Object.entries(map as Readonly<Record<string, AccountMapping>>));

const storeOf = (store: string | undefined, dataDir: string | undefined): StoreChoice => {
  if (dataDir !== undefined) {
    if (store !== undefined) throw new TypeError('startIamEndpoint: give either store or dataDir, not both');
    if (typeof dataDir !== 'string' || dataDir === '') throw new TypeError('startIamEndpoint: dataDir must be a non-empty path');
    return { kind: 'pglite', dataDir };
  }
  if (store === undefined || store === 'memory') return { kind: 'memory' };
  if (/^postgres(ql)?:\/\//i.test(store)) return { kind: 'postgres', connectionString: store };
  // Never echo the value: it may be a connection string with a password in it.
  throw new TypeError('startIamEndpoint: store must be "memory" or a postgres:// / postgresql:// URL');
};

const seedOf = (seed: SeedDocument | string): SeedDocument => {
  let json: unknown = seed;
  if (typeof seed === 'string') {
    let text: string;
    try {
      text = readFileSync(seed, 'utf8');
    } catch (cause) {
      throw new TypeError(`startIamEndpoint: cannot read the seed ${seed} (${cause instanceof Error ? cause.message : String(cause)})`);
    }
    // Told by line and column: JSON.parse's own message quotes the text, and a seed may hold passwords.
    const parsed = parseJsonText(text);
    if (parsed.isErr()) throw new TypeError(`startIamEndpoint: the seed ${seed} is ${describeJsonSyntaxError(parsed.error)}`);
    json = parsed.value;
  }
  const parsed = parseSeedDocument(json);
  if (parsed.isErr()) throw new TypeError(`startIamEndpoint: seed: ${parsed.error}`);
  return parsed.value;
};

const portOf = (port: unknown, name: string): number => {
  if (!isSafeInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`startIamEndpoint: ${name} must be an integer from 0 to 65535`);
  }
  return port;
};

const frontDoorsOf = (doors: FrontDoorsConfig): FrontDoorsConfig => {
  const { git, bedrock, keyspaces } = doors;
  if (git !== undefined && (typeof git.root !== 'string' || git.root === '')) {
    throw new TypeError('startIamEndpoint: frontDoors.git.root must be the directory of the bare repositories');
  }
  return {
    ...(git === undefined ? {} : { git: { port: portOf(git.port, 'frontDoors.git.port'), root: git.root } }),
    ...(bedrock === undefined ? {} : { bedrock: { port: portOf(bedrock.port, 'frontDoors.bedrock.port') } }),
    ...(keyspaces === undefined ? {} : { keyspaces: { port: portOf(keyspaces.port, 'frontDoors.keyspaces.port') } }),
  };
};

const clockOf = (clock: Clock): Clock => {
  if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function') throw new TypeError('startIamEndpoint: clock must have a now() method');
  return clock;
};

/** As `--verify-signatures` with `--access-key`: at least one key; a key id alphanumeric, a secret a non-empty string. Never echoed. */
const signaturesOf = (signatures: SignatureOptions): Pick<ServeConfig, 'secretAccessKeys' | 'verifySignatures' | 'signatureClock'> => {
  const keys = signatures.secretAccessKeys;
  const entries = keys instanceof Map ? [...(keys as ReadonlyMap<string, string>)] : Object.entries(keys as Readonly<Record<string, string>>);
  if (entries.length === 0) throw new TypeError('startIamEndpoint: signatures.secretAccessKeys must hold at least one access key with its secret');
  for (const [accessKeyId, secret] of entries) {
    if (!isAccessKeyId(accessKeyId)) throw new TypeError(`startIamEndpoint: signatures: access key id ${JSON.stringify(accessKeyId)} is not alphanumeric`);
    if (typeof secret !== 'string' || secret === '') throw new TypeError(`startIamEndpoint: signatures: the secret of ${accessKeyId} must be a non-empty string`);
  }
  return {
    secretAccessKeys: new Map(entries),
    verifySignatures: true,
    ...(signatures.now === undefined ? {} : { signatureClock: signatures.now }),
  };
};

const regionOf = (region: unknown): string => {
  if (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) throw new TypeError('startIamEndpoint: region must be a region name such as us-east-1');
  return region;
};

const enforceIamOf = (mode: unknown, signed: boolean): Pick<ServeConfig, 'enforceIam'> => {
  if (mode === undefined || mode === 'off') return {};
  if (!isEnforceIamMode(mode)) throw new TypeError("startIamEndpoint: enforceIam must be 'on', 'soft' or 'off'");
  if (!signed) throw new TypeError('startIamEndpoint: enforceIam needs signatures (only a verified key says who is calling)');
  return { enforceIam: mode };
};

/**
 * Starts the same endpoint as `iam-service-credentials serve` (one implementation: cli/serve.ts), on a free port by default, and
 * resolves once it listens (seed created). Rejects with a TypeError for wrong options, with a StartupError when the store cannot be
 * opened, the seed breaks a rule, or the port is taken.
 */
export const startIamEndpoint = async (options: IamEndpointOptions = {}): Promise<IamEndpoint> => {
  const host = options.host ?? DEFAULT_HOST;
  if (host === '') throw new TypeError('startIamEndpoint: host must not be empty (it would listen on every interface)');
  const port = portOf(options.port ?? 0, 'port');
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  if (!isAccountId(accountId)) throw new TypeError('startIamEndpoint: accountId must be 12 digits');
  const config: ServeConfig = {
    host,
    port,
    accountId,
    accountMap: toMap(options.accountMap),
    unsupportedServiceError: options.unsupportedServiceError ?? 'NoSuchEntity',
    store: storeOf(options.store, options.dataDir),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    accessLog: options.log !== undefined,
    authenticateEndpoint: options.authenticateEndpoint ?? false,
    reset: options.reset !== false,
    ...(options.signatures === undefined ? {} : signaturesOf(options.signatures)),
    ...enforceIamOf(options.enforceIam, options.signatures !== undefined),
    ...(options.frontDoors === undefined ? {} : { frontDoors: frontDoorsOf(options.frontDoors) }),
    ...(options.region === undefined ? {} : { region: regionOf(options.region) }),
    ...(options.seed === undefined ? {} : { seed: seedOf(options.seed) }),
    ...(options.dashboard === undefined ? {} : { dashboard: options.dashboard === true }),
    ...(options.clock === undefined ? {} : { clock: clockOf(options.clock) }),
  };
  const log = options.log ?? (() => undefined);
  const server = await startServer(config, { log, error: options.onError ?? (() => undefined) }, API_OPTION_NAMES);
  const { url, engine, seeded, frontDoors, dashboardUrl } = server;
  return { url, port: server.port, engine, seeded, frontDoors, ...(dashboardUrl === undefined ? {} : { dashboardUrl }), close: (graceMs) => server.close(graceMs) };
};
