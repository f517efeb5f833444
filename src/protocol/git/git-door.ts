import type { Result } from 'neverthrow';
import { type AuthenticatedPrincipal, type CredentialEngine, type IamError, authenticateHttpAuthorization } from '../../index.js';
import { httpLoginAttempt, type LoginAttempt } from '../front-door/login-attempt.js';

/**
 * CodeCommit's Git smart HTTP door, Sans-I/O: a parsed request in, a decision out (an answer to send, or "run git http-backend
 * with this CGI environment"). No sockets, no files, no child processes here: the caller looks repositories up
 * (`findRepository`) and runs the backend (see git-server.ts), so this can be tested request by request and mounted anywhere.
 */
export const CODECOMMIT_SERVICE = 'codecommit.amazonaws.com';

/** The realm of the Basic challenge. Git shows no realm; any value works. */
export const GIT_REALM = 'iam-service-credentials CodeCommit';

export interface GitRequest {
  readonly method: string;
  /** The request target as received: path and query, still percent-encoded. */
  readonly url: string;
  readonly authorization: string | undefined;
  /** Request headers the backend needs (lower-case names): content-type, content-encoding, content-length, git-protocol. */
  readonly contentType?: string | undefined;
  readonly contentEncoding?: string | undefined;
  readonly contentLength?: string | undefined;
  readonly gitProtocol?: string | undefined;
  readonly remoteAddress?: string | undefined;
}

export interface GitAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type GitDecision =
  | { readonly kind: 'answer'; readonly answer: GitAnswer; readonly attempt: LoginAttempt | undefined }
  /** Run `git http-backend` with `env` (on top of a minimal PATH), pipe the request body to it and its CGI answer back. */
  | { readonly kind: 'backend'; readonly env: Readonly<Record<string, string>>; readonly attempt: LoginAttempt };

/** CodeCommit's repository-name rule: letters, digits, `.`, `_`, `-`, 1 to 100 characters; never `.` or `..`. */
const REPOSITORY_NAME = /^[A-Za-z0-9._-]{1,100}$/;
export const isRepositoryName = (name: string): boolean => REPOSITORY_NAME.test(name) && name !== '.' && name !== '..';

/** The smart-HTTP endpoints, and the only query each takes. The dumb protocol (raw objects/refs) is not served. */
const SMART_HTTP = new Map<string, (method: string, query: string) => boolean>([
  ['/info/refs', (method, query) => (method === 'GET' || method === 'HEAD') && (query === 'service=git-upload-pack' || query === 'service=git-receive-pack')],
  ['/git-upload-pack', (method, query) => method === 'POST' && query === ''],
  ['/git-receive-pack', (method, query) => method === 'POST' && query === ''],
]);

const REPOS_PREFIX = '/v1/repos/';

export type GitRoute =
  | { readonly kind: 'repository'; readonly name: string; readonly endpoint: string; readonly query: string }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'method-not-allowed' };

/**
 * `/v1/repos/<name>/<endpoint>?<query>`, read from the raw target: the name is never percent-decoded, so an encoded slash or dot
 * (`%2F`, `%2e%2e`) is simply not a repository name, and nothing outside the project root can be named.
 */
export const routeGitRequest = (method: string, url: string): GitRoute => {
  const question = url.indexOf('?');
  const path = question === -1 ? url : url.slice(0, question);
  const query = question === -1 ? '' : url.slice(question + 1);
  if (!path.startsWith(REPOS_PREFIX)) return { kind: 'not-found' };
  const rest = path.slice(REPOS_PREFIX.length);
  const slash = rest.indexOf('/');
  const name = slash === -1 ? rest : rest.slice(0, slash);
  const endpoint = slash === -1 ? '' : rest.slice(slash);
  const allowed = SMART_HTTP.get(endpoint);
  if (!isRepositoryName(name) || allowed === undefined) return { kind: 'not-found' };
  if (!allowed(method, query)) return { kind: 'method-not-allowed' };
  return { kind: 'repository', name, endpoint, query };
};

const text = (status: number, body: string, extra: Record<string, string> = {}): GitAnswer => ({
  status,
  headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache', ...extra },
  body,
});

export const challenge = (): GitAnswer =>
  text(401, 'Authentication required\n', { 'WWW-Authenticate': `Basic realm="${GIT_REALM}"` });

export interface GitDoorOptions {
  /** The directory name under the Git root holding repository `name` (`name` or `name.git`), or undefined when there is none. */
  readonly findRepository: (name: string) => Promise<string | undefined>;
  /** The absolute Git root, passed to the backend as GIT_PROJECT_ROOT. */
  readonly root: string;
}

/**
 * The door's decisions, in order: an unroutable target is 404 (no repository can live there); no or unusable credentials are 401
 * with the Basic challenge (git sends credentials only after it); refused credentials are 403, as CodeCommit answers; an unknown
 * repository, to an authenticated caller, is 404; otherwise the backend runs as the authenticated user.
 */
export const decideGitRequest = async (engine: CredentialEngine, request: GitRequest, options: GitDoorOptions): Promise<GitDecision> => {
  const route = routeGitRequest(request.method, request.url);
  if (route.kind === 'not-found') return { kind: 'answer', answer: text(404, 'Repository not found\n'), attempt: undefined };
  if (route.kind === 'method-not-allowed') return { kind: 'answer', answer: text(405, 'Method not allowed\n'), attempt: undefined };
  if (request.authorization === undefined) {
    return {
      kind: 'answer',
      answer: challenge(),
      attempt: { door: 'git', outcome: 'challenged', presented: undefined, accountId: undefined, reason: undefined },
    };
  }
  const outcome: Result<AuthenticatedPrincipal, IamError> = await authenticateHttpAuthorization(engine, {
    ServiceName: CODECOMMIT_SERVICE,
    Authorization: request.authorization,
  });
  const attempt = httpLoginAttempt('git', request.authorization, outcome);
  if (outcome.isErr()) {
    // Credentials git could not have meant (no Basic, unparseable): challenge again. Well-formed but refused: 403, as CodeCommit.
    const answer = attempt.presented === undefined ? challenge() : text(403, 'Forbidden\n');
    return { kind: 'answer', answer, attempt };
  }
  const directory = await options.findRepository(route.name);
  // Only the two spellings of the routed (already checked) name may be run: `<name>.git` may be 104 characters, one of CodeCommit's
  // 100-character names with the suffix, so it is matched exactly rather than checked as a name of its own.
  if (directory !== route.name && directory !== `${route.name}.git`) {
    return { kind: 'answer', answer: text(404, 'Repository not found\n'), attempt };
  }
  const env: Record<string, string> = {
    GIT_PROJECT_ROOT: options.root,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: `/${directory}${route.endpoint}`,
    REQUEST_METHOD: request.method,
    QUERY_STRING: route.query,
    REMOTE_USER: outcome.value.UserName,
    REMOTE_ADDR: request.remoteAddress ?? '',
    CONTENT_TYPE: request.contentType ?? '',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
  };
  if (request.contentLength !== undefined && /^\d+$/.test(request.contentLength)) env['CONTENT_LENGTH'] = request.contentLength;
  if (request.contentEncoding !== undefined) env['HTTP_CONTENT_ENCODING'] = request.contentEncoding;
  if (request.gitProtocol !== undefined && /^[\x20-\x7e]{0,256}$/.test(request.gitProtocol)) env['GIT_PROTOCOL'] = request.gitProtocol;
  return { kind: 'backend', env, attempt };
};
