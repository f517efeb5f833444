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

const reset = async (reset: NonNullable<ControlPaths['reset']>, queryString: string, requestId: string): Promise<QueryResponse> => {
  let accountId: string | undefined | null;
  try {
    accountId = accountIdParameter(queryString);
  } catch {
    accountId = null;
  }
  if (accountId === null) return failure(400, 'InvalidParameterValue', 'accountId must be one account id of 12 digits.', requestId, 'reset');
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
    return reset(controls.reset, queryString, requestId);
  }
  const message = path === RESET_PATH ? 'The reset path is turned off (--no-reset).' : `No control path ${path}.`;
  return Promise.resolve(failure(404, 'NotFound', message, requestId, undefined));
};
