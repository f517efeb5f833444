import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type RequestListener, type Server, type ServerResponse, createServer } from 'node:http';
import type { CredentialEngine } from '../../index.js';
import { accessKeyIdOf } from '../query/access-key.js';
import { type QueryRequest, type QueryResponse, answerQueryRequest, renderQueryError } from '../query/handle-query-request.js';
import { methodNotAllowed, requestEntityTooLarge } from '../query/wire-error.js';
import { serviceFailure } from '../../domain/iam-error.js';

/** Who a request signed with a given access key id acts as. */
export interface AccountMapping {
  readonly accountId: string;
  /** The IAM user the key belongs to: the default subject where UserName may be omitted. Absent = a non-user caller. */
  readonly userName?: string;
}

export interface QueryServerOptions {
  /**
   * Access key id (read from the SigV4 `Authorization` header, or `X-Amz-Credential` of a presigned URL) -> account. Signatures are
   * NOT checked. Unmapped or unsigned requests act in `accountId`, else the engine's default account.
   */
  readonly accountMap?: ReadonlyMap<string, AccountMapping> | Readonly<Record<string, AccountMapping>>;
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

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

type BodyOutcome = { readonly kind: 'ok'; readonly body: Buffer } | { readonly kind: 'too-large'; readonly abandon: boolean } | { readonly kind: 'aborted' };

const EMPTY_BODY = Buffer.alloc(0);

/**
 * Reads the body up to `limit` bytes, then calls `done` once. Past the limit it keeps reading and discarding, so the client gets its
 * 413 instead of a reset connection; past a hard cap (a client that will not stop) it gives up and the connection is closed after
 * the answer.
 */
const readBody = (req: IncomingMessage, limit: number, done: (outcome: BodyOutcome) => void): void => {
  const declared = Number(req.headers['content-length']);
  const hardCap = Math.max(limit * 4, 8 * 1024 * 1024);
  let tooLarge = Number.isFinite(declared) && declared > limit;
  let size = 0;
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let settled = false;
  const settle = (outcome: BodyOutcome): void => {
    if (settled) return;
    settled = true;
    done(outcome);
  };
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    if (!tooLarge) {
      if (first === undefined) first = chunk;
      else (more ??= [first]).push(chunk);
      return;
    }
    first = undefined;
    more = undefined;
    if (size > hardCap) {
      req.pause();
      settle({ kind: 'too-large', abandon: true });
    }
  });
  req.on('end', () => {
    if (tooLarge) settle({ kind: 'too-large', abandon: false });
    else settle({ kind: 'ok', body: more !== undefined ? Buffer.concat(more) : (first ?? EMPTY_BODY) });
  });
  const aborted = (): void => settle({ kind: 'aborted' });
  req.on('error', aborted);
  req.on('close', aborted);
};

const lookup = (map: QueryServerOptions['accountMap'], accessKeyId: string | undefined): AccountMapping | undefined => {
  if (map === undefined || accessKeyId === undefined) return undefined;
  if (map instanceof Map) return map.get(accessKeyId);
  const record = map as Readonly<Record<string, AccountMapping>>;
  return Object.hasOwn(record, accessKeyId) ? record[accessKeyId] : undefined;
};

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

/**
 * A node:http request listener that answers AWS Query requests (POST with a form body, or GET with a query string) on every path.
 * Mount it in your own server, or use createQueryServer.
 */
export const createQueryRequestListener = (engine: CredentialEngine, options: QueryServerOptions = {}): RequestListener => {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new TypeError('createQueryRequestListener: maxBodyBytes must be a non-negative integer');
  const newRequestId = options.requestId ?? randomUUID;
  const { log, accountMap, authenticatePath } = options;

  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    const started = log === undefined ? 0n : process.hrtime.bigint();
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const queryString = queryAt === -1 ? '' : url.slice(queryAt + 1);
    const method = req.method ?? 'GET';
    const requestId = newRequestId();
    // Without a map every request acts in the default account: the access key id is not even looked for.
    const mapping = accountMap === undefined ? undefined : lookup(accountMap, accessKeyIdOf(req.headers, queryString));
    const accountId = mapping?.accountId ?? options.accountId;

    const finish = (answer: QueryResponse, extraHeaders?: Readonly<Record<string, string>>): void => {
      send(res, answer, extraHeaders);
      if (log !== undefined) log(accessLine(req, method, path, answer, accountId, requestId, started));
    };
    // As if the whole request were one async function whose rejection destroys the response: an answer that cannot be sent (a
    // header value a custom requestId generator made invalid, say) or a throwing log function never escapes as an exception.
    const failed = (): void => {
      if (!res.headersSent) res.destroy();
    };
    const finishOrFail = (answer: QueryResponse): void => {
      try {
        finish(answer);
      } catch {
        failed();
      }
    };

    const respond = (body: BodyOutcome): void => {
      if (body.kind === 'aborted') {
        res.destroy();
        if (log !== undefined) log(accessLine(req, method, path, {}, accountId, requestId, started, 'client-aborted'));
        return;
      }
      if (authenticatePath !== undefined && path === authenticatePath && method === 'POST' && body.kind === 'ok') {
        authenticateOverHttp(engine, body.body, requestId).then(finishOrFail, failed);
      } else if (method !== 'POST' && method !== 'GET') {
        finish(renderQueryError(methodNotAllowed(method), requestId), ALLOW);
      } else if (body.kind === 'too-large') {
        if (body.abandon) res.on('finish', () => req.socket.destroy());
        finish(renderQueryError(requestEntityTooLarge(limit), requestId), CLOSE);
      } else {
        const request: { -readonly [K in keyof QueryRequest]: QueryRequest[K] } = {
          body: method === 'POST' ? body.body : '',
          queryString,
          headers: req.headers,
        };
        if (accountId !== undefined) request.accountId = accountId;
        if (mapping?.userName !== undefined) request.callerUserName = mapping.userName;
        answerQueryRequest(engine, request, requestId).then(finishOrFail, failed);
      }
    };
    readBody(req, limit, (body) => {
      try {
        respond(body);
      } catch {
        failed();
      }
    });
  };

  return (req, res) => {
    try {
      serve(req, res);
    } catch {
      if (!res.headersSent) res.destroy();
    }
  };
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
