import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type RequestListener, type Server, type ServerResponse, createServer } from 'node:http';
import type { CredentialEngine, Principal } from '../../index.js';
import { requestedRegion } from '../query/access-key.js';
import { type AccountMap, requestIdentity } from '../query/account-map.js';
import type { EnforceIamOptions } from '../query/enforcement.js';
import { CONTROL_PATH_PREFIX, type ControlPaths, RESET_PATH, answerControlPath } from './control-paths.js';
import { type QueryRequest, type QueryResponse, answerQueryRequest, renderQueryError } from '../query/handle-query-request.js';
import { type WireError, methodNotAllowed, requestEntityTooLarge } from '../query/wire-error.js';
import { serviceFailure } from '../../domain/iam-error.js';
import { verifyWithIssuedKeys } from '../sigv4/issued-keys.js';
import type { SecretAccessKeys } from '../sigv4/verify-signature.js';
import type { Dashboard } from '../dashboard/dashboard.js';

export type { AccountMapping } from '../query/account-map.js';

export interface QueryServerOptions {
  /**
   * Access key id (read from the SigV4 `Authorization` header, or `X-Amz-Credential` of a presigned URL) -> account. Signatures are
   * NOT checked. Unmapped or unsigned requests act in `accountId`, else the engine's default account.
   */
  readonly accountMap?: AccountMap;
  /** The account of requests no mapping covers. Default: the engine's default account. */
  readonly accountId?: string;
  /** Largest request body accepted; a larger one is answered `413 RequestEntityTooLarge`. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Receives one access-log line per request (never a body, a query string, a header value or a secret). Default: none. */
  readonly log?: (line: string) => void;
  /** Makes request ids. Default: `crypto.randomUUID()`. */
  readonly requestId?: () => string;
  /** Time allowed to receive a whole request (node:http `requestTimeout`), ms. Default 30 000. Only used by createQueryServer. */
  readonly requestTimeoutMs?: number;
  /**
   * Not an AWS API: when set (e.g. `/_iam-service-credentials/authenticate`), POST to exactly this path with a JSON body
   * `{"ServiceName","ServiceUserName","ServicePassword"}` or `{"ServiceName","ApiKey"}` runs the engine's authenticate /
   * authenticateApiKey, for emulators of the services that accept the credentials. Off by default.
   */
  readonly authenticatePath?: string;
  /**
   * Opt-in AWS Signature Version 4 verification (off when absent). Every request, on every path (the authenticate path and every other
   * path under `/_iam-service-credentials/` included), must then be signed for service `iam` by one of these keys, within 15 minutes
   * of `now()`, else it is refused with IAM's error and nothing runs. A request that verifies acts as its key: the account and user
   * `accountMap` gives that key id, else `accountId`.
   */
  readonly signatures?: SignatureOptions;
  /**
   * Not AWS APIs: `GET /_iam-service-credentials/health` and `POST /_iam-service-credentials/reset` (see control-paths.ts); every other
   * path under `/_iam-service-credentials/` but the authenticate path is then answered 404. Off by default (the Query protocol answers
   * every path); the command and startIamEndpoint turn them on. With `signatures`, a reset empties only the signing key's account, and
   * only when that key is the account's root (no user name); see control-paths.ts.
   */
  readonly controlPaths?: ControlPaths;
  /**
   * Not an AWS API: the page at `GET /_iam-service-credentials/` and its JSON at `.../state` (docs/dashboard.md). Answered before
   * any signature check: with signatures on, the dashboard's own token stands in for one. Off when absent.
   */
  readonly dashboard?: Dashboard;
  /**
   * Authorise every IAM action before it runs, by the caller's policies (`on`: refuse with 403 AccessDenied; `soft`: run anyway and
   * log what would have been refused); one line per decision goes to `enforceIam.log`. Needs `signatures`: only a verified key says
   * who is calling. Off when absent: every answer is as without it.
   */
  readonly enforceIam?: EnforceIamOptions;
}

export interface SignatureOptions {
  /** Access key id -> secret access key. */
  readonly secretAccessKeys: SecretAccessKeys;
  /** The clock requests are judged by. Default: the system clock. */
  readonly now?: () => Date;
}


export const DEFAULT_AUTHENTICATE_PATH = '/_iam-service-credentials/authenticate';

const jsonAnswer = (status: number, value: unknown, requestId: string, action: string, errorCode?: string): QueryResponse => ({
  status,
  headers: { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId },
  body: JSON.stringify(value),
  action,
  ...(errorCode === undefined ? {} : { errorCode }),
});

/**
 * The authenticate path: 200 `{AccountId, UserName, ServiceSpecificCredentialId}` or the engine's one AuthenticationFailed answer
 * (403), whatever was wrong, malformed JSON included. The presented secret is never logged or echoed.
 */
const authenticateOverHttp = async (engine: CredentialEngine, body: Buffer, requestId: string): Promise<QueryResponse> => {
  let request: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) request = parsed as Record<string, unknown>;
  } catch {
    // Answered like any other bad credential below.
  }
  const isApiKey = Object.hasOwn(request, 'ApiKey');
  const action = isApiKey ? 'authenticateApiKey' : 'authenticate';
  let outcome;
  try {
    outcome = isApiKey ? await engine.authenticateApiKey(request as never) : await engine.authenticate(request as never);
  } catch {
    // Our engine never throws; an embedder's engine might. Answer as the engine would for an internal failure.
    const { code, message, httpStatus } = serviceFailure();
    return jsonAnswer(httpStatus, { Code: code, Message: message }, requestId, action, code);
  }
  if (outcome.isOk()) return jsonAnswer(200, outcome.value, requestId, action);
  const { code, message, httpStatus } = outcome.error;
  return jsonAnswer(httpStatus, { Code: code, Message: message }, requestId, action, code);
};

/** A signature refusal: JSON `{"Code","Message"}` on this endpoint's own paths, AWS's XML ErrorResponse elsewhere. */
const refusal = (error: WireError, path: string, requestId: string): QueryResponse =>
  path.startsWith(CONTROL_PATH_PREFIX)
    ? {
        status: error.httpStatus,
        headers: { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId },
        body: JSON.stringify({ Code: error.code, Message: error.message }),
        errorCode: error.code,
      }
    : renderQueryError(error, requestId);

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

type BodyOutcome = { readonly kind: 'ok'; readonly body: Buffer } | { readonly kind: 'too-large'; readonly abandon: boolean } | { readonly kind: 'aborted' };

const EMPTY_BODY = Buffer.alloc(0);

/** Printable ASCII, no space: what most logged texts (method, path, request id) already are. */
const PRINTABLE = /^[\x21-\x7e]*$/;

/** For the access log: printable ASCII only, bounded. */
const loggable = (text: string, max = 200): string => {
  const clean = PRINTABLE.test(text) ? text : text.replace(/[^\x21-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
};

const send = (res: ServerResponse, answer: QueryResponse, extraHeaders: Readonly<Record<string, string>> | undefined): void => {
  const contentLength = String(Buffer.byteLength(answer.body));
  res.writeHead(
    answer.status,
    extraHeaders === undefined ? { ...answer.headers, 'Content-Length': contentLength } : { ...answer.headers, ...extraHeaders, 'Content-Length': contentLength },
  );
  res.end(answer.body);
};

const ALLOW = { Allow: 'GET, POST' } as const;
const CLOSE = { Connection: 'close' } as const;

interface ListenerSetup {
  readonly engine: CredentialEngine;
  readonly limit: number;
  readonly log: ((line: string) => void) | undefined;
  readonly authenticatePath: string | undefined;
  readonly controls: ControlPaths | undefined;
  readonly signatures: SignatureCheck | undefined;
  readonly enforceIam: EnforceIamOptions | undefined;
}

interface SignatureCheck {
  readonly secretAccessKeys: SecretAccessKeys;
  readonly now: () => Date;
  /** The static keys' accounts and users (keys the engine issued act as their own users). */
  readonly accountMap: AccountMap | undefined;
  readonly defaultAccountId: string | undefined;
}

/**
 * One request and its answer. A class rather than closures made per request: its methods are shared. Behaves as if the whole
 * request were one async function whose rejection destroys the response: an answer that cannot be sent (a header value a custom
 * requestId generator made invalid, say) or a throwing log function never escapes as an exception.
 */
class Exchange {
  private size = 0;
  private tooLarge: boolean;
  private first: Buffer | undefined;
  private more: Buffer[] | undefined;
  private settled = false;
  private verified = false;
  /** Who is calling, when the key says (set with the account and user). */
  principal: Principal | undefined;

  constructor(
    private readonly setup: ListenerSetup,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly started: bigint,
    private readonly method: string,
    private readonly path: string,
    private readonly queryString: string,
    private readonly requestId: string,
    private accountId: string | undefined,
    private callerUserName: string | undefined,
  ) {
    const declared = Number(req.headers['content-length']);
    this.tooLarge = Number.isFinite(declared) && declared > setup.limit;
  }

  /**
   * Reads the body up to the limit, then answers. Past the limit it keeps reading and discarding, so the client gets its 413 instead
   * of a reset connection; past a hard cap (a client that will not stop) it gives up and the connection is closed after the answer.
   */
  start(): void {
    this.req.on('data', (chunk: Buffer) => this.data(chunk));
    this.req.on('end', () => {
      if (this.tooLarge) this.settle({ kind: 'too-large', abandon: false });
      else this.settle({ kind: 'ok', body: this.more !== undefined ? Buffer.concat(this.more) : (this.first ?? EMPTY_BODY) });
    });
    this.req.on('error', () => this.settle({ kind: 'aborted' }));
    this.req.on('close', () => this.settle({ kind: 'aborted' }));
  }

  private data(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.setup.limit) this.tooLarge = true;
    if (!this.tooLarge) {
      if (this.first === undefined) this.first = chunk;
      else (this.more ??= [this.first]).push(chunk);
      return;
    }
    this.first = undefined;
    this.more = undefined;
    if (this.size > Math.max(this.setup.limit * 4, 8 * 1024 * 1024)) {
      this.req.pause();
      this.settle({ kind: 'too-large', abandon: true });
    }
  }

  private settle(body: BodyOutcome): void {
    if (this.settled) return;
    this.settled = true;
    try {
      this.respond(body);
    } catch {
      this.fail();
    }
  }

  private respond(body: BodyOutcome): void {
    const { engine, limit, log, authenticatePath, controls } = this.setup;
    const { req, res, method, requestId } = this;
    if (body.kind === 'aborted') {
      res.destroy();
      if (log !== undefined) log(this.accessLine({}, 'client-aborted'));
      return;
    }
    if (this.setup.signatures !== undefined && !this.verified && body.kind === 'ok') {
      this.verifyThenRespond(this.setup.signatures, body);
      return;
    }
    // With IAM enforced, only an account's root may empty the endpoint (the reset path spans every account); soft mode logs it.
    const enforceIam = this.setup.enforceIam;
    if (enforceIam !== undefined && controls?.reset !== undefined && this.path === RESET_PATH && this.principal?.kind !== 'root') {
      const who = this.principal?.arn ?? 'an unmapped key';
      enforceIam.log?.(`iam-authz principal=${loggable(who)} action=reset-path resource=* decision=implicit-deny outcome=${enforceIam.mode === 'on' ? 'denied' : 'would-deny(soft)'} deciding=-`);
      if (enforceIam.mode === 'on') {
        this.finish(refusal({ code: 'AccessDenied', httpStatus: 403, type: 'Sender', message: `${who} may not reset the endpoint's state: only an account's root may while IAM is enforced.` }, this.path, requestId));
        return;
      }
    }
    const control =
      controls === undefined || body.kind !== 'ok' || this.path === authenticatePath
        ? undefined
        : answerControlPath(
            controls,
            method,
            this.path,
            this.queryString,
            requestId,
            // Signatures on: the control paths act as the key that signed, as every other path does (the reset only in its account).
            this.verified ? { accountId: this.accountId, userName: this.callerUserName } : undefined,
          );
    if (control !== undefined) {
      control.then(
        (answer) => this.finishOrFail(answer),
        () => this.fail(),
      );
      return;
    }
    if (authenticatePath !== undefined && this.path === authenticatePath && method === 'POST' && body.kind === 'ok') {
      authenticateOverHttp(engine, body.body, requestId).then(
        (answer) => this.finishOrFail(answer),
        () => this.fail(),
      );
    } else if (method !== 'POST' && method !== 'GET') {
      this.finish(renderQueryError(methodNotAllowed(method), requestId), ALLOW);
    } else if (body.kind === 'too-large') {
      if (body.abandon) res.on('finish', () => req.socket.destroy());
      this.finish(renderQueryError(requestEntityTooLarge(limit), requestId), CLOSE);
    } else {
      const request: { -readonly [K in keyof QueryRequest]: QueryRequest[K] } = {
        body: method === 'POST' ? body.body : '',
        queryString: this.queryString,
        headers: req.headers,
      };
      if (this.accountId !== undefined) request.accountId = this.accountId;
      if (this.callerUserName !== undefined) request.callerUserName = this.callerUserName;
      if (this.principal !== undefined) request.principal = this.principal;
      const enforceIam = this.setup.enforceIam;
      if (enforceIam !== undefined) {
        request.sourceIp = req.socket.remoteAddress;
        request.secureTransport = (req.socket as { encrypted?: boolean }).encrypted === true;
        request.region = requestedRegion(req.headers, this.queryString);
      }
      answerQueryRequest(engine, request, requestId, enforceIam).then(
        (answer) => this.finishOrFail(answer),
        () => this.fail(),
      );
    }
  }

  /** Signatures on: nothing runs until the request verifies; then it acts as the key that signed it. */
  private verifyThenRespond(check: SignatureCheck, body: { readonly kind: 'ok'; readonly body: Buffer }): void {
    const { req, method, path, queryString, requestId } = this;
    const received = { method, path, queryString, headers: req.headers, body: body.body, now: check.now() };
    verifyWithIssuedKeys(this.setup.engine, received, check.secretAccessKeys, check.accountMap, check.defaultAccountId).then(
      (outcome) => {
        if (outcome.isErr()) {
          this.finishOrFail(refusal(outcome.error, path, requestId));
          return;
        }
        ({ accountId: this.accountId, callerUserName: this.callerUserName, principal: this.principal } = outcome.value);
        this.verified = true;
        try {
          this.respond(body);
        } catch {
          this.fail();
        }
      },
      () => this.fail(),
    );
  }

  private finish(answer: QueryResponse, extraHeaders?: Readonly<Record<string, string>>): void {
    const { log } = this.setup;
    // The connection is gone (the client left, or a shutdown cut it off after its grace period): nothing can be delivered, and the
    // log says so instead of a status the client never saw.
    if (this.res.destroyed || this.req.socket.destroyed) {
      if (log !== undefined) log(this.accessLine(answer.action === undefined ? {} : { action: answer.action }, 'not-delivered'));
      return;
    }
    send(this.res, answer, extraHeaders);
    if (log !== undefined) log(this.accessLine(answer));
  }

  private finishOrFail(answer: QueryResponse): void {
    try {
      this.finish(answer);
    } catch {
      this.fail();
    }
  }

  private fail(): void {
    if (!this.res.headersSent) this.res.destroy();
  }

  private accessLine(answer: Partial<Pick<QueryResponse, 'status' | 'action' | 'errorCode'>>, note?: string): string {
    return accessLine(this.req, this.method, this.path, answer, this.accountId, this.requestId, this.started, note);
  }
}

/**
 * A node:http request listener that answers AWS Query requests (POST with a form body, or GET with a query string) on every path.
 * Mount it in your own server, or use createQueryServer.
 */
export const createQueryRequestListener = (engine: CredentialEngine, options: QueryServerOptions = {}): RequestListener => {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new TypeError('createQueryRequestListener: maxBodyBytes must be a non-negative integer');
  const newRequestId = options.requestId ?? randomUUID;
  const { log, accountMap } = options;
  const signatures: SignatureCheck | undefined =
    options.signatures === undefined
      ? undefined
      : {
          secretAccessKeys: options.signatures.secretAccessKeys,
          now: options.signatures.now ?? (() => new Date()),
          accountMap,
          defaultAccountId: options.accountId,
        };
  if (options.enforceIam !== undefined && signatures === undefined) {
    throw new TypeError('createQueryRequestListener: enforceIam needs signatures (only a verified key says who is calling)');
  }
  const setup: ListenerSetup = {
    engine,
    limit,
    log,
    authenticatePath: options.authenticatePath,
    signatures,
    controls: options.controlPaths,
    enforceIam: options.enforceIam,
  };

  return (req, res) => {
    try {
      const started = log === undefined ? 0n : process.hrtime.bigint();
      const url = req.url ?? '/';
      const queryAt = url.indexOf('?');
      const path = queryAt === -1 ? url : url.slice(0, queryAt);
      const queryString = queryAt === -1 ? '' : url.slice(queryAt + 1);
      const requestId = newRequestId();
      const dashboardAnswer = options.dashboard?.answer(req.method ?? 'GET', path, queryString, requestId);
      if (dashboardAnswer !== undefined) {
        answerDashboard(req, res, dashboardAnswer, log, path, requestId, started);
        return;
      }
      // Without a map every request acts in the default account: the access key id is not even looked for. With signatures on, the
      // key id a request names counts only once its signature verifies.
      const { accountId, callerUserName, principal } =
        signatures === undefined
          ? requestIdentity(accountMap, options.accountId, req.headers, queryString)
          : { accountId: options.accountId, callerUserName: undefined, principal: undefined };
      const exchange = new Exchange(setup, req, res, started, req.method ?? 'GET', path, queryString, requestId, accountId, callerUserName);
      exchange.principal = principal;
      exchange.start();
    } catch {
      if (!res.headersSent) res.destroy();
    }
  };
};

/** Sends a dashboard answer (a GET: any body is drained, unread) and logs it like any other request. */
const answerDashboard = (
  req: IncomingMessage,
  res: ServerResponse,
  answer: Promise<QueryResponse>,
  log: ((line: string) => void) | undefined,
  path: string,
  requestId: string,
  started: bigint,
): void => {
  req.resume();
  answer.then(
    (response) => {
      if (res.destroyed) return;
      send(res, response, undefined); // node:http leaves the body out of a HEAD answer itself
      if (log !== undefined) log(accessLine(req, req.method ?? 'GET', path, response, undefined, requestId, started));
    },
    () => {
      if (!res.headersSent) res.destroy();
    },
  );
};

/** `new Date().toISOString()`, made at most once per millisecond. */
let isoAt = 0;
let isoText = '';
const isoNow = (): string => {
  const now = Date.now();
  if (now !== isoAt) {
    isoAt = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
};

const accessLine = (
  req: IncomingMessage,
  method: string,
  path: string,
  answer: Partial<Pick<QueryResponse, 'status' | 'action' | 'errorCode'>>,
  accountId: string | undefined,
  requestId: string,
  started: bigint,
  note?: string,
): string => {
  const millis = Number(process.hrtime.bigint() - started) / 1e6;
  return `${isoNow()} ${req.socket.remoteAddress ?? '-'} ${loggable(method, 16)} ${loggable(path)} ${answer.status === undefined ? '-' : String(answer.status)} ${answer.action ?? '-'} ${note ?? answer.errorCode ?? '-'} account=${accountId ?? 'default'} request-id=${loggable(requestId, 64)} ${millis.toFixed(1)}ms`;
};

/** A node:http server answering AWS Query requests for the engine. Call `.listen(port, host)`; close it with `.close()`. */
export const createQueryServer = (engine: CredentialEngine, options: QueryServerOptions = {}): Server => {
  const server = createServer({ requestTimeout: options.requestTimeoutMs ?? 30_000 }, createQueryRequestListener(engine, options));
  return server;
};
