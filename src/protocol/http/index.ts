import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type RequestListener, type Server, type ServerResponse, createServer } from 'node:http';
import type { CredentialEngine } from '../../index.js';
import { accessKeyIdOf } from '../query/access-key.js';
import { type QueryResponse, handleQueryRequest, renderQueryError } from '../query/handle-query-request.js';
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

/**
 * Reads the body up to `limit` bytes. Past the limit it keeps reading and discarding, so the client gets its 413 instead of a reset
 * connection; past a hard cap (a client that will not stop) it gives up and the connection is closed after the answer.
 */
const readBody = (req: IncomingMessage, limit: number): Promise<BodyOutcome> =>
  new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    const hardCap = Math.max(limit * 4, 8 * 1024 * 1024);
    let tooLarge = Number.isFinite(declared) && declared > limit;
    let size = 0;
    let chunks: Buffer[] = [];
    let settled = false;
    const settle = (outcome: BodyOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) {
        chunks.push(chunk);
        return;
      }
      chunks = [];
      if (size > hardCap) {
        req.pause();
        settle({ kind: 'too-large', abandon: true });
      }
    });
    req.on('end', () => settle(tooLarge ? { kind: 'too-large', abandon: false } : { kind: 'ok', body: Buffer.concat(chunks) }));
    req.on('error', () => settle({ kind: 'aborted' }));
    req.on('close', () => settle({ kind: 'aborted' }));
  });

const lookup = (map: QueryServerOptions['accountMap'], accessKeyId: string | undefined): AccountMapping | undefined => {
  if (map === undefined || accessKeyId === undefined) return undefined;
  if (map instanceof Map) return map.get(accessKeyId);
  const record = map as Readonly<Record<string, AccountMapping>>;
  return Object.hasOwn(record, accessKeyId) ? record[accessKeyId] : undefined;
};

/** For the access log: printable ASCII only, bounded. */
const loggable = (text: string, max = 200): string => {
  const clean = text.replace(/[^\x21-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
};

const send = (res: ServerResponse, answer: QueryResponse, extraHeaders: Record<string, string> = {}): void => {
  res.writeHead(answer.status, { ...answer.headers, ...extraHeaders, 'Content-Length': String(Buffer.byteLength(answer.body)) });
  res.end(answer.body);
};

/**
 * A node:http request listener that answers AWS Query requests (POST with a form body, or GET with a query string) on every path.
 * Mount it in your own server, or use createQueryServer.
 */
export const createQueryRequestListener = (engine: CredentialEngine, options: QueryServerOptions = {}): RequestListener => {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new TypeError('createQueryRequestListener: maxBodyBytes must be a non-negative integer');
  const newRequestId = options.requestId ?? randomUUID;
  const log = options.log;

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const queryString = queryAt === -1 ? '' : url.slice(queryAt + 1);
    const method = req.method ?? 'GET';
    const requestId = newRequestId();
    const mapping = lookup(options.accountMap, accessKeyIdOf(req.headers, queryString));
    const accountId = mapping?.accountId ?? options.accountId;

    let answer: QueryResponse;
    let extraHeaders: Record<string, string> = {};
    const body = await readBody(req, limit);
    if (body.kind === 'aborted') {
      res.destroy();
      log?.(accessLine(req, method, path, {}, accountId, requestId, started, 'client-aborted'));
      return;
    }
    if (options.authenticatePath !== undefined && path === options.authenticatePath && method === 'POST' && body.kind === 'ok') {
      answer = await authenticateOverHttp(engine, body.body, requestId);
    } else if (method !== 'POST' && method !== 'GET') {
      answer = renderQueryError(methodNotAllowed(method), requestId);
      extraHeaders = { Allow: 'GET, POST' };
    } else if (body.kind === 'too-large') {
      answer = renderQueryError(requestEntityTooLarge(limit), requestId);
      extraHeaders = { Connection: 'close' };
      if (body.abandon) res.on('finish', () => req.socket.destroy());
    } else {
      answer = await handleQueryRequest(
        engine,
        {
          body: method === 'POST' ? body.body : '',
          queryString,
          headers: req.headers,
          ...(accountId === undefined ? {} : { accountId }),
          ...(mapping?.userName === undefined ? {} : { callerUserName: mapping.userName }),
        },
        { requestId: () => requestId },
      );
    }
    send(res, answer, extraHeaders);
    log?.(accessLine(req, method, path, answer, accountId, requestId, started));
  };

  return (req, res) => {
    serve(req, res).catch(() => {
      if (!res.headersSent) res.destroy();
    });
  };
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
  return [
    new Date().toISOString(),
    req.socket.remoteAddress ?? '-',
    loggable(method, 16),
    loggable(path),
    answer.status === undefined ? '-' : String(answer.status),
    answer.action ?? '-',
    note ?? answer.errorCode ?? '-',
    `account=${accountId ?? 'default'}`,
    `request-id=${loggable(requestId, 64)}`,
    `${millis.toFixed(1)}ms`,
  ].join(' ');
};

/** A node:http server answering AWS Query requests for the engine. Call `.listen(port, host)`; close it with `.close()`. */
export const createQueryServer = (engine: CredentialEngine, options: QueryServerOptions = {}): Server => {
  const server = createServer({ requestTimeout: options.requestTimeoutMs ?? 30_000 }, createQueryRequestListener(engine, options));
  return server;
};
