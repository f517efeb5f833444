import { parseArgs } from 'node:util';
import { isAccountId } from '../../domain/account.js';
import { isUserName } from '../../domain/user.js';
import { DEFAULT_ACCOUNT_ID, type UnsupportedServiceErrorCode } from '../../index.js';
import { isAccessKeyId } from '../query/access-key.js';
import { type AccountMapping, DEFAULT_AUTHENTICATE_PATH, DEFAULT_MAX_BODY_BYTES } from '../http/index.js';

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
}

export type ParsedCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'serve'; readonly config: ServeConfig }
  | { readonly kind: 'error'; readonly message: string };

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4599;
export const STORE_ENV = 'IAM_SSC_STORE';

export const HELP = `Usage: iam-service-credentials serve [options]

A local AWS IAM endpoint (AWS Query protocol, version 2010-05-08) for service-specific credentials:
Create/List/Reset/Update/DeleteServiceSpecificCredential and Create/Get/Delete/ListUsers.
Point an AWS SDK or the AWS CLI at it with --endpoint-url. Request signatures are NOT checked.

Options:
  --host <host>                 interface to listen on (default ${DEFAULT_HOST})
  --port <port>                 TCP port, 0 for any free one (default ${DEFAULT_PORT})
  --account-id <12 digits>      account of requests no --account-map entry covers (default ${DEFAULT_ACCOUNT_ID})
  --account-map <list>          access key id -> account, comma-separated AKID=ACCOUNT or AKID=ACCOUNT:USERNAME
                                (USERNAME = the IAM user the key belongs to, used where UserName may be omitted);
                                may be repeated. The key id is read from the SigV4 Authorization header.
  --account-map-file <path>     the same as JSON: {"AKID": "111111111111", "AKID2": {"accountId": "...", "userName": "..."}}
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
  -h, --help                    show this help

Each request is logged as one line (time, client, method, path, status, action, error code, account, request id, duration);
never a body, a query string, a header value or a secret.
`;


class OptionError extends Error {}

const parseMapping = (accessKeyId: string, target: unknown, where: string): [string, AccountMapping] => {
  if (!isAccessKeyId(accessKeyId)) throw new OptionError(`${where}: access key id ${JSON.stringify(accessKeyId)} is not alphanumeric`);
  let accountId: unknown;
  let userName: unknown;
  if (typeof target === 'string') {
    [accountId, userName] = target.split(':', 2);
  } else if (typeof target === 'object' && target !== null) {
    ({ accountId, userName } = target as { accountId?: unknown; userName?: unknown });
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

const parseMapFile = (path: string, readFile: (path: string) => string): [string, AccountMapping][] => {
  let json: unknown;
  try {
    json = JSON.parse(readFile(path));
  } catch (cause) {
    throw new OptionError(`--account-map-file: cannot read ${path} as JSON (${cause instanceof Error ? cause.message : String(cause)})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new OptionError('--account-map-file: expected a JSON object {"AKID": "ACCOUNT" | {"accountId", "userName"}}');
  }
  return Object.entries(json).map(([key, value]) => parseMapping(key, value, '--account-map-file'));
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

/** `argv` without the node and script paths: `['serve', '--port', '0']`. */
export const parseCommand = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string,
): ParsedCommand => {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
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
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help || positionals[0] === 'help') return { kind: 'help' };
    if (positionals.length === 0) return { kind: 'error', message: 'missing command: serve' };
    if (positionals[0] !== 'serve' || positionals.length > 1) {
      return { kind: 'error', message: `unknown command ${JSON.stringify(positionals.join(' '))}; the command is: serve` };
    }
    const accountId = values['account-id'];
    if (!isAccountId(accountId)) throw new OptionError('--account-id: expected 12 digits');
    const unsupportedServiceError = values['unsupported-service-error'];
    if (unsupportedServiceError !== 'NoSuchEntity' && unsupportedServiceError !== 'NotSupportedService') {
      throw new OptionError('--unsupported-service-error: expected NoSuchEntity or NotSupportedService');
    }
    const accountMap = new Map<string, AccountMapping>([
      ...(values['account-map-file'] === undefined ? [] : parseMapFile(values['account-map-file'], readFile)),
      ...(values['account-map'] ?? []).flatMap(parseInlineMap),
    ]);
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
