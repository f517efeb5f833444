import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CredentialEngine } from '../../index.js';
import type { QueryResponse } from '../query/handle-query-request.js';
import { ActivityLog } from './activity.js';
import { DASHBOARD_CONTENT_SECURITY_POLICY, DASHBOARD_HTML } from './page.js';
import { dashboardState } from './state.js';

export const DASHBOARD_PATH = '/_iam-service-credentials/';
export const DASHBOARD_STATE_PATH = '/_iam-service-credentials/state';

export interface DashboardOptions {
  readonly engine: CredentialEngine;
  /** The accounts to show: the endpoint's default account, its mapped accounts, and those its store already holds. */
  readonly accountIds: () => Promise<readonly string[]>;
  /** The engine's clock, for the time left until each credential expires. */
  readonly now: () => Date;
  /**
   * When set, every dashboard request must carry `?token=` with this value (compared in constant time), else 403: with signatures
   * checked, the token stands in for a signature a browser cannot make. Absent: the page is open, as the rest of the endpoint is.
   */
  readonly token?: string;
  readonly activity?: ActivityLog;
}

/** The page and its JSON state: not AWS APIs, never a secret. */
export interface Dashboard {
  readonly activity: ActivityLog;
  /** The answer for a dashboard path, or undefined for any other path. */
  answer(method: string, path: string, queryString: string, requestId: string): Promise<QueryResponse> | undefined;
}

/** A token for the dashboard's URL: 32 random bytes, URL-safe. */
export const newDashboardToken = (): string => randomBytes(32).toString('base64url');

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
} as const;

const jsonAnswer = (status: number, value: unknown, requestId: string, extra: Record<string, string> = {}): QueryResponse => ({
  status,
  headers: { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId, ...SECURITY_HEADERS, ...extra },
  body: JSON.stringify(value),
  action: 'dashboard',
  ...(status >= 400 ? { errorCode: (value as { Code: string }).Code } : {}),
});

export const createDashboard = (options: DashboardOptions): Dashboard => {
  const activity = options.activity ?? new ActivityLog();
  const expected = options.token === undefined ? undefined : digest(options.token);
  const tokenAccepted = (queryString: string): boolean => {
    if (expected === undefined) return true;
    let presented: string[];
    try {
      presented = new URLSearchParams(queryString).getAll('token');
    } catch {
      return false;
    }
    return presented.length === 1 && timingSafeEqual(digest(presented[0] as string), expected);
  };

  return {
    activity,
    answer(method, path, queryString, requestId) {
      const isPage = path === DASHBOARD_PATH || path === DASHBOARD_PATH.slice(0, -1);
      if (!isPage && path !== DASHBOARD_STATE_PATH) return undefined;
      if (method !== 'GET' && method !== 'HEAD') {
        return Promise.resolve(jsonAnswer(405, { Code: 'MethodNotAllowed', Message: 'The dashboard takes GET.' }, requestId, { Allow: 'GET, HEAD' }));
      }
      if (!tokenAccepted(queryString)) {
        const message = 'The dashboard needs the token printed at startup: open the URL the endpoint printed, with its ?token=.';
        return Promise.resolve(jsonAnswer(403, { Code: 'AccessDenied', Message: message }, requestId));
      }
      if (isPage) {
        return Promise.resolve({
          status: 200,
          headers: {
            'Content-Type': 'text/html; charset=utf-8',
            'x-amzn-RequestId': requestId,
            'Content-Security-Policy': DASHBOARD_CONTENT_SECURITY_POLICY,
            ...SECURITY_HEADERS,
          },
          body: DASHBOARD_HTML,
          action: 'dashboard',
        });
      }
      return options
        .accountIds()
        .then((accountIds) => dashboardState(options.engine, accountIds, activity, options.now()))
        .then(
          (state) => jsonAnswer(200, state, requestId),
          () => jsonAnswer(500, { Code: 'ServiceFailure', Message: 'The store failed while the state was read.' }, requestId),
        );
    },
  };
};
