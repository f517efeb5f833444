import type { Clock } from '../../ports/clock.port.js';
import { parseArgs } from 'node:util';
import { isAccountId } from '../../domain/account.js';
import { isUserName } from '../../domain/user.js';
import { DEFAULT_ACCOUNT_ID, type UnsupportedServiceErrorCode } from '../../index.js';
import { isAccessKeyId } from '../query/access-key.js';
import { type AccountMapping, DEFAULT_AUTHENTICATE_PATH, DEFAULT_MAX_BODY_BYTES } from '../http/index.js';
import { describeJsonSyntaxError, parseJsonText } from './json-text.js';
import { type EnforceIamMode, isEnforceIamMode } from '../query/enforcement.js';
import { type SeedDocument, parseSeedDocument } from './seed.js';

export type StoreChoice =
  | { readonly kind: 'memory' }
  | { readonly kind: 'postgres'; readonly connectionString: string }
  | { readonly kind: 'pglite'; readonly dataDir: string };

export interface ServeConfig {
  readonly host: string;
  readonly port: number;
  readonly accountId: string;
  readonly accountMap: ReadonlyMap<string, AccountMapping>;
  readonly unsupportedServiceError: UnsupportedServiceErrorCode;
  readonly store: StoreChoice;
  readonly maxBodyBytes: number;
  readonly accessLog: boolean;
  /** Serve the non-AWS authenticate path (DEFAULT_AUTHENTICATE_PATH). */
  readonly authenticateEndpoint: boolean;
  /**
   * Access key id -> secret access key (`--access-key`, `--access-key-file`, IAM_SSC_ACCESS_KEYS, `secretAccessKey` in
   * `--account-map-file`); present only when some are given.
   */
  readonly secretAccessKeys?: ReadonlyMap<string, string>;
  /** `--verify-signatures`: every request must be signed (SigV4) by one of secretAccessKeys. */
  readonly verifySignatures?: true;
  /** `--enforce-iam on|soft`: authorise every action by the caller's policies (needs verifySignatures). Off when absent. */
  readonly enforceIam?: EnforceIamMode;
  /** The clock signatures are judged by (startIamEndpoint's `signatures.now`, for tests). Default: the system clock. */
  readonly signatureClock?: () => Date;
  /** The engine's clock (startIamEndpoint's `clock`, for tests: expiry, CreateDate). Default: the system clock. */
  readonly clock?: Clock;
  /** The service front doors asked for (--git-port/--git-root, --bedrock-port, --keyspaces-port); absent when none is. */
  readonly frontDoors?: FrontDoorsConfig;
  /** `--region`: the region of the doors' resource ARNs (repositories, models, keyspaces). Default us-east-1. */
  readonly region?: string;
  /** Serve `POST /_iam-service-credentials/reset` (the health path is always on). Default true; false with `--no-reset`. */
  readonly reset?: boolean;
  /** Fixtures to create before listening (`--seed <file.json>`), already checked by parseSeedDocument. */
  readonly seed?: SeedDocument;
  /**
   * The page at `/_iam-service-credentials/` (`--dashboard`, `--no-dashboard`). Absent: on without signature checking, off with it.
   * On with signatures checked, it asks for a token printed once at startup.
   */
  readonly dashboard?: boolean;
}

/** Each door is off unless its port is given. */
export interface FrontDoorsConfig {
  readonly git?: { readonly port: number; readonly root: string };
  readonly bedrock?: { readonly port: number };
  readonly keyspaces?: { readonly port: number };
}

export type ParsedCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'serve'; readonly config: ServeConfig }
  | { readonly kind: 'error'; readonly message: string };

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4599;
export const STORE_ENV = 'IAM_SSC_STORE';
/** Access keys with their secrets, as `--access-key` takes them, separated by white space: kept out of the command line (and `ps`). */
export const ACCESS_KEYS_ENV = 'IAM_SSC_ACCESS_KEYS';
/** What a refused command line prints after its one-line reason. */
export const HELP_HINT = 'Run with --help for the options.';

export const HELP = `Usage: iam-service-credentials serve [options]

A local AWS IAM endpoint (AWS Query protocol, version 2010-05-08) for service-specific credentials:
Create/List/Reset/Update/DeleteServiceSpecificCredential and Create/Get/Delete/ListUsers.
Point an AWS SDK or the AWS CLI at it with --endpoint-url. Request signatures are NOT checked unless --verify-signatures.

Options:
  --host <host>                 interface to listen on (default ${DEFAULT_HOST})
  --port <port>                 TCP port, 0 for any free one (default ${DEFAULT_PORT})
  --account-id <12 digits>      account of requests no --account-map entry covers (default ${DEFAULT_ACCOUNT_ID})
  --account-map <list>          access key id -> account, comma-separated AKID=ACCOUNT or AKID=ACCOUNT:USERNAME
                                (USERNAME = the IAM user the key belongs to, used where UserName may be omitted);
                                may be repeated. The key id is read from the SigV4 Authorization header.
  --account-map-file <path>     the same as JSON: {"AKID": "111111111111", "AKID2": {"accountId": "...", "userName": "..."}};
                                an entry may carry the key's secret: {"AKID3": {"secretAccessKey": "...", "accountId": "..."}}
  --access-key <AKID=SECRET[:ACCOUNT[:USERNAME]]>
                                an access key with its secret (for --verify-signatures), optionally mapped to an account and
                                user as --account-map does; may be repeated. Secrets are never printed. A command line
                                shows in ps: --access-key-file or ${ACCESS_KEYS_ENV} keep the secrets out of it
  --access-key-file <path>      the same entries in a file, one per line (blank lines and lines starting with # skipped);
                                may be repeated. Env ${ACCESS_KEYS_ENV}: the same entries separated by spaces or newlines
  --verify-signatures           every request (every path) must be signed with AWS Signature Version 4 for service iam by one
                                of the keys given with secrets, within 15 minutes; else IAM's error (MissingAuthenticationToken,
                                InvalidClientTokenId, SignatureDoesNotMatch, IncompleteSignature, RequestExpired)
  --enforce-iam <on|soft>       authorise every action by the caller's IAM policies (needs --verify-signatures): on refuses
                                with 403 AccessDenied, soft allows and logs what would be refused; one log line per decision
  --unsupported-service-error <code>
                                NoSuchEntity (what AWS answers, default) or NotSupportedService (what the model documents)
  --store <store>               memory (default) or a postgres:// / postgresql:// connection URL
                                (env ${STORE_ENV}; the flag wins)
  --data-dir <dir>              keep the state in <dir> (embedded PostgreSQL, PGlite: nothing to install but the
                                optional '@electric-sql/pglite' package); one process at a time per directory.
                                Not with --store
  --max-body-bytes <n>          largest request body accepted, else 413 RequestEntityTooLarge (default ${DEFAULT_MAX_BODY_BYTES})
  --quiet                       no access log
  --authenticate-endpoint       also answer POST ${DEFAULT_AUTHENTICATE_PATH} (not an AWS API):
                                JSON {"ServiceName","ServiceUserName","ServicePassword"} or {"ServiceName","ApiKey"}
                                -> 200 {"AccountId","UserName","ServiceSpecificCredentialId"} or 403 AuthenticationFailed
  --git-port <port> --git-root <dir>
                                also serve CodeCommit's Git smart HTTP at http://<host>:<port>/v1/repos/<name> for the bare
                                repositories <dir>/<name> (or <name>.git), through git http-backend; log in with a CodeCommit
                                ServiceUserName and ServicePassword (see docs/front-doors.md)
  --region <region>             the region in the doors' resource ARNs (arn:aws:codecommit:REGION:...), default us-east-1
  --bedrock-port <port>         also serve a Bedrock Runtime stand-in (Converse, InvokeModel) for Bedrock API keys (Bearer)
  --keyspaces-port <port>       also serve a CQL native-protocol (v4) login for Keyspaces credentials (PasswordAuthenticator)
  --seed <file.json>            users and credentials to create before listening (docs/testing-with-iam-service-credentials.md);
                                generated secrets of seeded credentials are printed once, in a table after the startup line
  --no-reset                    turn off POST /_iam-service-credentials/reset (on by default; it empties every user and credential)
  --dashboard, --no-dashboard   the page at GET /_iam-service-credentials/ (users, credentials, recent logins; never a secret):
                                on by default without --verify-signatures; with it, off unless --dashboard, and then only
                                with the token in the URL printed at startup
  -h, --help                    show this help
  --version                     print the version

Always on: GET /_iam-service-credentials/health -> 200 {"Status":"ok","Version","Store","StoreAnswers"} (503 when the store
does not answer). Not AWS APIs; no IAM action is ever run on these paths.

Each request is logged as one line (time, client, method, path, status, action, error code, account, request id, duration);
never a body, a query string, a header value or a secret.
`;


class OptionError extends Error {}

/** A secret access key fit to sign with: printable ASCII without spaces or `:` (AWS's are 40 base64 characters). Never echoed. */
const SECRET_ACCESS_KEY = /^[\x21-\x39\x3b-\x7e]{1,256}$/;

const parseSecret = (accessKeyId: string, secret: unknown, where: string, secrets: Map<string, string>): void => {
  if (typeof secret !== 'string' || !SECRET_ACCESS_KEY.test(secret)) {
    throw new OptionError(`${where}: the secret of ${accessKeyId} must be 1 to 256 printable characters without spaces or ':'`);
  }
  if (secrets.has(accessKeyId)) throw new OptionError(`${where}: access key ${accessKeyId} is given a secret more than once`);
  secrets.set(accessKeyId, secret);
};

const parseMapping = (accessKeyId: string, target: unknown, where: string, secrets?: Map<string, string>): [string, AccountMapping] => {
  if (!isAccessKeyId(accessKeyId)) throw new OptionError(`${where}: access key id ${JSON.stringify(accessKeyId)} is not alphanumeric`);
  let accountId: unknown;
  let userName: unknown;
  if (typeof target === 'string') {
    const parts = target.split(':');
    if (parts.length > 2) {
      throw new OptionError(`${where}: expected AKID=ACCOUNT or AKID=ACCOUNT:USERNAME for ${accessKeyId}, got ${JSON.stringify(target)}`);
    }
    [accountId, userName] = parts;
  } else if (typeof target === 'object' && target !== null) {
    ({ accountId, userName } = target as { accountId?: unknown; userName?: unknown });
    if (secrets !== undefined && Object.hasOwn(target, 'secretAccessKey')) {
      parseSecret(accessKeyId, (target as { secretAccessKey?: unknown }).secretAccessKey, where, secrets);
    }
  }
  if (!isAccountId(accountId)) {
    throw new OptionError(`${where}: the account for ${accessKeyId} must be 12 digits`);
  }
  if (userName !== undefined && !isUserName(userName)) {
    throw new OptionError(`${where}: the user name for ${accessKeyId} is not a valid IAM user name`);
  }
  return [accessKeyId, userName === undefined ? { accountId } : { accountId, userName }];
};

const parseInlineMap = (list: string): [string, AccountMapping][] =>
  list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const equals = entry.indexOf('=');
      if (equals === -1) throw new OptionError(`--account-map: expected AKID=ACCOUNT, got ${JSON.stringify(entry)}`);
      return parseMapping(entry.slice(0, equals), entry.slice(equals + 1), '--account-map');
    });

/**
 * A JSON file's content. A syntax error is told by line and column, never by JSON.parse's message, which quotes the text around
 * it (these files hold secret access keys and passwords).
 */
const readJsonFile = (option: string, path: string, readFile: (path: string) => string): unknown => {
  let text: string;
  try {
    text = readFile(path);
  } catch (cause) {
    throw new OptionError(`${option}: cannot read ${path} (${cause instanceof Error ? cause.message : String(cause)})`);
  }
  const parsed = parseJsonText(text);
  if (parsed.isErr()) throw new OptionError(`${option}: ${path} is ${describeJsonSyntaxError(parsed.error)}`);
  return parsed.value;
};

const parseMapFile = (path: string, readFile: (path: string) => string, secrets?: Map<string, string>): [string, AccountMapping][] => {
  const json = readJsonFile('--account-map-file', path, readFile);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new OptionError('--account-map-file: expected a JSON object {"AKID": "ACCOUNT" | {"accountId", "userName"}}');
  }
  return Object.entries(json).map(([key, value]) => parseMapping(key, value, '--account-map-file', secrets));
};

const ACCESS_KEY_FORM = 'AKID=SECRET[:ACCOUNT[:USERNAME]]';

/**
 * One access key entry, `AKID=SECRET[:ACCOUNT[:USERNAME]]`: the secret into `secrets`, the account (when given) as a mapping.
 * `where` says where the entry came from (`--access-key`, `--access-key-file keys.txt line 3`); the entry itself is never echoed.
 */
const parseAccessKey = (entry: string, where: string, secrets: Map<string, string>): [string, AccountMapping][] => {
  const equals = entry.indexOf('=');
  const accessKeyId = equals === -1 ? '' : entry.slice(0, equals);
  if (!isAccessKeyId(accessKeyId)) throw new OptionError(`${where}: expected ${ACCESS_KEY_FORM} with an alphanumeric AKID`);
  const [secret, ...target] = entry.slice(equals + 1).split(':');
  if (target.length > 2) throw new OptionError(`${where} ${accessKeyId}: expected ${ACCESS_KEY_FORM}, got more ':' parts`);
  parseSecret(accessKeyId, secret, where, secrets);
  return target.length === 0 ? [] : [parseMapping(accessKeyId, target.join(':'), where)];
};

/** An access key file: one entry per line; blank lines and lines starting with `#` are skipped. */
const accessKeyFileEntries = (path: string, readFile: (path: string) => string): { entry: string; where: string }[] => {
  let text: string;
  try {
    text = readFile(path);
  } catch (cause) {
    throw new OptionError(`--access-key-file: cannot read ${path} (${cause instanceof Error ? cause.message : String(cause)})`);
  }
  return text
    .split('\n')
    .map((line, index) => ({ entry: line.trim(), where: `--access-key-file ${path} line ${index + 1}` }))
    .filter(({ entry }) => entry !== '' && !entry.startsWith('#'));
};

/** IAM_SSC_ACCESS_KEYS: entries separated by white space (a secret holds none). */
const accessKeyEnvEntries = (value: string | undefined): { entry: string; where: string }[] =>
  (value ?? '')
    .split(/\s+/)
    .filter((entry) => entry !== '')
    .map((entry, index) => ({ entry, where: `${ACCESS_KEYS_ENV} entry ${index + 1}` }));

/**
 * The secrets and account mappings of every access key entry (`--access-key`, `--access-key-file`, IAM_SSC_ACCESS_KEYS); a key mapped
 * both here and by a map is refused.
 */
const withAccessKeys = (
  accountMap: Map<string, AccountMapping>,
  entries: readonly { entry: string; where: string }[],
  secrets: Map<string, string>,
): Map<string, AccountMapping> => {
  for (const { entry, where } of entries) {
    for (const [accessKeyId, mapping] of parseAccessKey(entry, where, secrets)) {
      if (accountMap.has(accessKeyId)) throw new OptionError(`${where} ${accessKeyId}: the key is already mapped by --account-map or --account-map-file`);
      accountMap.set(accessKeyId, mapping);
    }
  }
  return accountMap;
};

const readSeedFile = (path: string, readFile: (path: string) => string): SeedDocument => {
  const parsed = parseSeedDocument(readJsonFile('--seed', path, readFile));
  if (parsed.isErr()) throw new OptionError(`--seed: ${path}: ${parsed.error}`);
  return parsed.value;
};

const parseStore = (value: string): StoreChoice => {
  if (value === 'memory') return { kind: 'memory' };
  if (/^postgres(ql)?:\/\//i.test(value)) return { kind: 'postgres', connectionString: value };
  // Never echo the value: it may be a connection string with a password in it.
  throw new OptionError('--store: expected "memory" or a postgres:// / postgresql:// URL');
};

const parseDataDir = (dataDir: string, store: string | undefined): StoreChoice => {
  if (store !== undefined) throw new OptionError('--data-dir and --store are two stores: give one of them');
  if (dataDir.trim() === '') throw new OptionError('--data-dir: expected a directory');
  return { kind: 'pglite', dataDir };
};

const parseInteger = (value: string, name: string, min: number, max: number): number => {
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new OptionError(`${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return number;
};

const parseFrontDoors = (values: {
  readonly 'git-port'?: string | undefined;
  readonly 'git-root'?: string | undefined;
  readonly 'bedrock-port'?: string | undefined;
  readonly 'keyspaces-port'?: string | undefined;
}): { frontDoors?: FrontDoorsConfig } => {
  const gitPort = values['git-port'];
  const gitRoot = values['git-root'];
  if ((gitPort === undefined) !== (gitRoot === undefined) || gitRoot === '') {
    throw new OptionError('--git-port and --git-root go together: the port to serve Git on and the directory of bare repositories');
  }
  const doors: FrontDoorsConfig = {
    ...(gitPort === undefined || gitRoot === undefined ? {} : { git: { port: parseInteger(gitPort, '--git-port', 0, 65535), root: gitRoot } }),
    ...(values['bedrock-port'] === undefined ? {} : { bedrock: { port: parseInteger(values['bedrock-port'], '--bedrock-port', 0, 65535) } }),
    ...(values['keyspaces-port'] === undefined ? {} : { keyspaces: { port: parseInteger(values['keyspaces-port'], '--keyspaces-port', 0, 65535) } }),
  };
  return Object.keys(doors).length === 0 ? {} : { frontDoors: doors };
};

/**
 * Node's parseArgs refusal as one line. Its messages name the option (never its value), but may run over several lines and suggest
 * positional arguments, which this command has none of besides `serve`.
 */
const describeArgsError = (error: Error & { code?: unknown }): string => {
  const unknown = /^Unknown option '([^']*)'/.exec(error.message);
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== null) return `unknown option ${unknown[1] ?? ''}`;
  return error.message.split('\n').join(' ');
};

/**
 * What is wrong with the command line's arguments that are neither options nor their values, if anything: the first must be `serve`,
 * and nothing may follow it. Told by position only, never by text: a stray argument is often a value whose option went missing
 * (`--verify-signatures AKID=SECRET`), and may be a secret.
 */
const commandError = (tokens: readonly { readonly kind: string; readonly index: number; readonly value?: unknown }[]): string | undefined => {
  const [command, stray] = tokens.filter((token) => token.kind === 'positional');
  if (command === undefined) return 'missing command: serve';
  if (command.value !== 'serve') return `unknown command (argument ${command.index + 1}); the command is: serve`;
  if (stray !== undefined) return `unexpected argument ${stray.index + 1}: serve takes options only (is an option's name missing before it?)`;
  return undefined;
};


/** A region name as AWS spells them (us-east-1, eu-central-2, us-gov-west-1, cn-north-1). */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** `argv` without the node and script paths: `['serve', '--port', '0']`. */
export const parseCommand = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string,
): ParsedCommand => {
  let parsedArgs;
  try {
    parsedArgs = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      tokens: true,
      options: {
        host: { type: 'string', default: DEFAULT_HOST },
        port: { type: 'string', default: String(DEFAULT_PORT) },
        'account-id': { type: 'string', default: DEFAULT_ACCOUNT_ID },
        'account-map': { type: 'string', multiple: true },
        'account-map-file': { type: 'string' },
        'unsupported-service-error': { type: 'string', default: 'NoSuchEntity' },
        store: { type: 'string' },
        'data-dir': { type: 'string' },
        'max-body-bytes': { type: 'string', default: String(DEFAULT_MAX_BODY_BYTES) },
        quiet: { type: 'boolean', default: false },
        'authenticate-endpoint': { type: 'boolean', default: false },
        'access-key': { type: 'string', multiple: true },
        'access-key-file': { type: 'string', multiple: true },
        'verify-signatures': { type: 'boolean', default: false },
        'enforce-iam': { type: 'string' },
        region: { type: 'string' },
        'git-port': { type: 'string' },
        'git-root': { type: 'string' },
        'bedrock-port': { type: 'string' },
        'keyspaces-port': { type: 'string' },
        'no-reset': { type: 'boolean', default: false },
        dashboard: { type: 'boolean' },
        'no-dashboard': { type: 'boolean', default: false },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? describeArgsError(error) : String(error) };
  }
  const { values, positionals, tokens } = parsedArgs;
  if (values.help || positionals[0] === 'help') return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const wrongCommand = commandError(tokens);
  if (wrongCommand !== undefined) return { kind: 'error', message: wrongCommand };
  try {
    // An empty host would make node:http listen on every interface, which the endpoint must never do by accident.
    if (values.host.trim() === '') throw new OptionError('--host: expected an interface name or address, got an empty one');
    const accountId = values['account-id'];
    if (!isAccountId(accountId)) throw new OptionError('--account-id: expected 12 digits');
    const unsupportedServiceError = values['unsupported-service-error'];
    if (unsupportedServiceError !== 'NoSuchEntity' && unsupportedServiceError !== 'NotSupportedService') {
      throw new OptionError('--unsupported-service-error: expected NoSuchEntity or NotSupportedService');
    }
    const secrets = new Map<string, string>();
    const accountMap = new Map<string, AccountMapping>();
    for (const [accessKeyId, mapping] of [
      ...(values['account-map-file'] === undefined ? [] : parseMapFile(values['account-map-file'], readFile, secrets)),
      ...(values['account-map'] ?? []).flatMap(parseInlineMap),
    ]) {
      // One key, one account: a second mapping would silently win over the first.
      if (accountMap.has(accessKeyId)) throw new OptionError(`--account-map: access key id ${accessKeyId} is mapped more than once`);
      accountMap.set(accessKeyId, mapping);
    }
    withAccessKeys(
      accountMap,
      [
        ...(values['access-key'] ?? []).map((entry) => ({ entry, where: '--access-key' })),
        ...(values['access-key-file'] ?? []).flatMap((path) => accessKeyFileEntries(path, readFile)),
        ...accessKeyEnvEntries(env[ACCESS_KEYS_ENV]),
      ],
      secrets,
    );
    if (values['verify-signatures'] && secrets.size === 0) {
      throw new OptionError(
        `--verify-signatures: give at least one key with its secret (--access-key or --access-key-file ${ACCESS_KEY_FORM}, ${ACCESS_KEYS_ENV}, or "secretAccessKey" in --account-map-file)`,
      );
    }
    if (values.dashboard === true && values['no-dashboard']) throw new OptionError('--dashboard and --no-dashboard: give one of them');
    const enforceIam = values['enforce-iam'];
    if (enforceIam !== undefined && enforceIam !== 'off' && !isEnforceIamMode(enforceIam)) {
      throw new OptionError(`--enforce-iam: expected on, soft or off, got ${JSON.stringify(enforceIam)}`);
    }
    if (isEnforceIamMode(enforceIam) && !values['verify-signatures']) {
      throw new OptionError('--enforce-iam needs --verify-signatures: only a verified signature says who is calling');
    }
    const region = values.region;
    if (region !== undefined && !REGION.test(region)) throw new OptionError(`--region: expected a region name such as us-east-1, got ${JSON.stringify(region)}`);
    return {
      kind: 'serve',
      config: {
        host: values.host,
        port: parseInteger(values.port, '--port', 0, 65535),
        accountId,
        accountMap,
        unsupportedServiceError,
        store: values['data-dir'] === undefined ? parseStore(values.store ?? env[STORE_ENV] ?? 'memory') : parseDataDir(values['data-dir'], values.store),
        maxBodyBytes: parseInteger(values['max-body-bytes'], '--max-body-bytes', 1, 1024 * 1024 * 1024),
        accessLog: !values.quiet,
        authenticateEndpoint: values['authenticate-endpoint'],
        ...(secrets.size === 0 ? {} : { secretAccessKeys: secrets }),
        ...(values['verify-signatures'] ? { verifySignatures: true as const } : {}),
        ...(isEnforceIamMode(enforceIam) ? { enforceIam } : {}),
        ...parseFrontDoors(values),
        ...(region === undefined ? {} : { region }),
        ...(values['no-reset'] ? { reset: false } : {}),
        ...(values['no-dashboard'] ? { dashboard: false } : values.dashboard === true ? { dashboard: true } : {}),
        ...(values.seed === undefined ? {} : { seed: readSeedFile(values.seed, readFile) }),
      },
    };
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
};

/** A connection string fit to print: the password masked. */
export const describeStore = (store: StoreChoice): string => {
  if (store.kind === 'memory') return 'memory';
  if (store.kind === 'pglite') return `pglite ${store.dataDir}`;
  try {
    const url = new URL(store.connectionString);
    if (url.password !== '') url.password = '***';
    url.search = '';
    return url.toString();
  } catch {
    return 'postgres (unparseable URL)';
  }
};
