import { type Result, err, ok } from 'neverthrow';
import { isAccountId } from '../../domain/account.js';
import type { QueryResponse } from '../query/handle-query-request.js';

/** Every path the endpoint answers that is not an AWS API lives under this prefix; an AWS client never sends a request there. */
export const CONTROL_PATH_PREFIX = '/_iam-service-credentials/';
export const HEALTH_PATH = `${CONTROL_PATH_PREFIX}health`;
export const RESET_PATH = `${CONTROL_PATH_PREFIX}reset`;

/** What `GET /_iam-service-credentials/health` reports. */
export interface HealthReport {
  /** The package version. */
  readonly version: string;
  /** `memory` or `postgres` (never the connection string). */
  readonly store: string;
  /** Whether the store answered a trivial query just now. */
  readonly storeAnswers: boolean;
}

/**
 * The control paths (not AWS APIs), for test suites and supervisors: a health check and a reset between tests. Given to the listener
 * by whoever composed the endpoint (it knows the store); without them the listener answers only AWS Query (and authenticate).
 */
export interface ControlPaths {
  /** Resolves within a bounded time; `storeAnswers: false` makes the answer 503. Never rejects. */
  health(): Promise<HealthReport>;
  /**
   * Empties every user and credential of `accountId` (already checked to be 12 digits), or of every account when absent. Absent
   * when the reset path is turned off (`--no-reset`). Rejects when the store failed (answered 500, nothing reset).
   */
  readonly reset?: (accountId: string | undefined) => Promise<void>;
}

const json = (status: number, value: unknown, requestId: string, action: string | undefined, extra: Record<string, string> = {}): QueryResponse => ({
  status,
  headers: { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId, 'Cache-Control': 'no-store', ...extra },
  body: JSON.stringify(value),
  ...(action === undefined ? {} : { action }),
  ...(status >= 400 ? { errorCode: (value as { Code: string }).Code } : {}),
});

const failure = (status: number, code: string, message: string, requestId: string, action: string | undefined, extra?: Record<string, string>): QueryResponse =>
  json(status, { Code: code, Message: message }, requestId, action, extra);

const health = async (controls: ControlPaths, requestId: string): Promise<QueryResponse> => {
  const report = await controls.health();
  const body = { Status: report.storeAnswers ? 'ok' : 'unavailable', Version: report.version, Store: report.store, StoreAnswers: report.storeAnswers };
  return json(report.storeAnswers ? 200 : 503, body, requestId, 'health');
};

/** `accountId=…` of the query string: undefined when absent, null when given more than once or not 12 digits. */
const accountIdParameter = (queryString: string): string | undefined | null => {
  const values = new URLSearchParams(queryString).getAll('accountId');
  if (values.length === 0) return undefined;
  return values.length === 1 && isAccountId(values[0]) ? (values[0] as string) : null;
};

/**
 * Who a request whose signature verified acts as (with `--verify-signatures`); absent when signatures are not checked, and then
 * anyone who can reach the endpoint may reset any account or all of them.
 */
export interface SignedCaller {
  /** The account of the key that signed: its mapping, else the listener's default account id (undefined when it has none). */
  readonly accountId: string | undefined;
  /** The IAM user the key belongs to; undefined for a key mapped to an account alone (the account's root). */
  readonly userName: string | undefined;
}

/** IAM's refusal of an action the caller is not allowed, in its `User: <arn> is not authorized to perform: …` form. */
const accessDenied = (principal: string, resource: string, why: string, requestId: string): QueryResponse =>
  failure(403, 'AccessDenied', `User: ${principal} is not authorized to perform: reset on resource: ${resource} because ${why}`, requestId, 'reset');

/**
 * The account a signed caller's reset empties: its own, and only with the account's root key (a key mapped to the account without a
 * user name), as only an account's root may close an AWS account; else IAM's AccessDenied. Every account at once is never a signed
 * caller's to reset: that is for an endpoint without signature checks. `requested` is the accountId parameter (null: malformed).
 */
const accountOfSignedReset = (caller: SignedCaller, requested: string | undefined | null, requestId: string): Result<string, QueryResponse> => {
  const { accountId, userName } = caller;
  const resource = (fallback: string | undefined): string =>
    typeof requested === 'string' ? `account ${requested}` : fallback === undefined ? "the key's account" : `account ${fallback}`;
  // A user's key is refused whatever it asks, before its parameters are looked at: IAM authorizes before it validates.
  if (userName !== undefined) {
    const principal = accountId === undefined ? `user ${userName}` : `arn:aws:iam::${accountId}:user/${userName}`;
    return err(accessDenied(principal, resource(accountId), "only the account's root key (a key mapped to the account without a user name) may reset it", requestId));
  }
  if (requested === null) return err(badAccountId(requestId));
  if (accountId === undefined) {
    return err(accessDenied('the signing key', resource(undefined), 'the key is mapped to no account and the endpoint has no default account id', requestId));
  }
  if (requested !== undefined && requested !== accountId) {
    return err(accessDenied(`arn:aws:iam::${accountId}:root`, resource(accountId), "a signed request acts only in its key's account", requestId));
  }
  return ok(accountId);
};

const badAccountId = (requestId: string): QueryResponse => failure(400, 'InvalidParameterValue', 'accountId must be one account id of 12 digits.', requestId, 'reset');

const reset = async (
  reset: NonNullable<ControlPaths['reset']>,
  queryString: string,
  requestId: string,
  caller: SignedCaller | undefined,
): Promise<QueryResponse> => {
  let requested: string | undefined | null;
  try {
    requested = accountIdParameter(queryString);
  } catch {
    requested = null;
  }
  let accountId: string | undefined;
  if (caller !== undefined) {
    const scoped = accountOfSignedReset(caller, requested, requestId);
    if (scoped.isErr()) return scoped.error;
    accountId = scoped.value;
  } else if (requested === null) {
    return badAccountId(requestId);
  } else {
    accountId = requested;
  }
  try {
    await reset(accountId);
  } catch {
    return failure(500, 'ServiceFailure', 'The store failed; nothing was reset.', requestId, 'reset');
  }
  return json(200, accountId === undefined ? { Reset: 'all' } : { Reset: 'account', AccountId: accountId }, requestId, 'reset');
};

/**
 * The answer to a request under CONTROL_PATH_PREFIX (other than the authenticate path, which the listener answers itself), or
 * undefined when the path is not under it. Nothing here ever runs an IAM action or shows a secret, whatever the request carries.
 */
export const answerControlPath = (
  controls: ControlPaths,
  method: string,
  path: string,
  queryString: string,
  requestId: string,
  caller?: SignedCaller,
): Promise<QueryResponse> | undefined => {
  if (!path.startsWith(CONTROL_PATH_PREFIX)) return undefined;
  if (path === HEALTH_PATH) {
    if (method !== 'GET' && method !== 'HEAD') {
      return Promise.resolve(failure(405, 'MethodNotAllowed', 'The health path takes GET.', requestId, 'health', { Allow: 'GET, HEAD' }));
    }
    return health(controls, requestId);
  }
  if (path === RESET_PATH && controls.reset !== undefined) {
    if (method !== 'POST') return Promise.resolve(failure(405, 'MethodNotAllowed', 'The reset path takes POST.', requestId, 'reset', { Allow: 'POST' }));
    return reset(controls.reset, queryString, requestId, caller);
  }
  const message = path === RESET_PATH ? 'The reset path is turned off (--no-reset).' : `No control path ${path}.`;
  return Promise.resolve(failure(404, 'NotFound', message, requestId, undefined));
};
