import { randomUUID } from 'node:crypto';
import { type ResultAsync, okAsync } from 'neverthrow';
import type { CredentialEngine } from '../../index.js';
import type { SignatureOptions } from '../http/index.js';
import { verifyWithIssuedKeys } from '../sigv4/issued-keys.js';
import { requestedRegion } from './access-key.js';
import type { EnforceIamOptions } from './enforcement.js';
import { type AccountMap, type RequestIdentity, requestIdentity } from './account-map.js';
import { type QueryRequest, type QueryResponse, handleQueryRequest, renderQueryError } from './handle-query-request.js';
import { type WireError, methodNotAllowed } from './wire-error.js';

/**
 * The parts of the AWS SDK for JavaScript v3's `HttpRequest` (`@smithy/protocol-http`) this handler reads, restated here so the
 * package has no dependency on the SDK: the SDK hands its own class, which has these members.
 */
export interface SdkHttpRequest {
  readonly method: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | readonly (string | null)[] | null | undefined>>;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
}

/** What the SDK's middleware reads of an `HttpResponse`: status, lower-case header names, and the body as bytes. */
export interface SdkHttpResponse {
  readonly statusCode: number;
  readonly reason?: string;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

/** The SDK's `HttpHandlerOptions`: only the abort signal matters here (there is no connection to time out). */
export interface SdkHttpHandlerOptions {
  readonly abortSignal?: { readonly aborted: boolean; readonly reason?: unknown };
  readonly requestTimeout?: number;
}

/**
 * An AWS SDK v3 request handler (the `HttpHandler` interface, implemented structurally): pass it as the `requestHandler` of
 * `new IAMClient({ requestHandler, region, credentials })`. Every middleware of the client still runs (serialization, signing,
 * retries, error parsing into the SDK's exception classes, `$metadata`); only the socket is gone.
 */
export interface IamRequestHandler {
  readonly metadata: { readonly handlerProtocol: string };
  handle(request: SdkHttpRequest, options?: SdkHttpHandlerOptions): Promise<{ response: SdkHttpResponse }>;
  /** Part of the SDK's interface; this handler has no settings, so there is nothing to update. */
  updateHttpClientConfig(key: never, value: never): void;
  httpHandlerConfigs(): Record<string, never>;
  /** Part of the SDK's interface (`client.destroy()` calls it); there is nothing to release. */
  destroy(): void;
}

export interface IamRequestHandlerOptions {
  /**
   * Access key id (of the request the SDK signed) -> account, as on the endpoint (`QueryServerOptions.accountMap`): a client built with
   * `credentials: { accessKeyId: 'AKIDALICE', … }` acts as the mapped account and user. Signatures are not checked unless `signatures`.
   */
  readonly accountMap?: AccountMap;
  /**
   * Opt-in SigV4 verification, as the endpoint's `--verify-signatures` (off when absent): every request must be signed for service
   * `iam` by one of `secretAccessKeys`, within 15 minutes of `now()`, else it is refused with IAM's error (the SDK raises
   * `SignatureDoesNotMatch`, `InvalidClientTokenId`, …) and nothing runs. A request that verifies acts as its key's `accountMap`
   * entry, else `accountId`. Needs `@smithy/signature-v4` (installed with any AWS SDK v3 client).
   */
  readonly signatures?: SignatureOptions;
  /** The account of requests no mapping covers. Default: the engine's default account. */
  readonly accountId?: string;
  /**
   * Authorise every IAM action before it runs, as the endpoint's `--enforce-iam` (`on` / `soft`); one line per decision goes to
   * `enforceIam.log`. Needs `signatures`. Off when absent.
   */
  readonly enforceIam?: EnforceIamOptions;
  /** Makes request ids (`x-amzn-RequestId`, `$metadata.requestId`). Default: `crypto.randomUUID()`. */
  readonly requestId?: () => string;
}

const encoder = new TextEncoder();

/** What `encodeURIComponent` leaves alone and RFC 3986 (the SDK's `escapeUri`) does not. */
const RESERVED_ESCAPES: Readonly<Record<string, string>> = { '!': '%21', "'": '%27', '(': '%28', ')': '%29', '*': '%2A' };

/** RFC 3986 percent-encoding, as the SDK's `escapeUri`. */
const escapeUri = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (c) => RESERVED_ESCAPES[c] as string);

/**
 * The query string as the SDK's own HTTP handlers put it on the wire (`buildQueryString` of @smithy/core: each part escaped, a
 * value-less name bare), so that what is verified and answered is what an endpoint would receive. The SDK sorts the names; the order
 * changes nothing here (the Query parser reads names, not places, and SigV4's canonical query sorts them again).
 */
const queryStringOf = (query: SdkHttpRequest['query']): string => {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query ?? {})) {
    const key = escapeUri(name);
    if (Array.isArray(value)) for (const item of value) parts.push(`${key}=${escapeUri(item)}`);
    else parts.push(typeof value === 'string' ? `${key}=${escapeUri(value)}` : key);
  }
  return parts.join('&');
};

/** The body the SDK serialized: a string for the Query protocol; bytes or a stream are read as they come. */
const bodyOf = async (body: unknown): Promise<string | Uint8Array> => {
  if (body === undefined || body === null) return '';
  // A string is no async iterable: String() below gives it back as it is.
  if (body instanceof Uint8Array) return body;
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<unknown>) {
      chunks.push(typeof chunk === 'string' ? encoder.encode(chunk) : (chunk as Uint8Array));
    }
    return Buffer.concat(chunks);
  }
  return String(body);
};

const abortError = (reason: unknown): Error => {
  const error = new Error('The request was aborted', reason === undefined ? undefined : { cause: reason });
  error.name = 'AbortError';
  return error;
};

const throwIfAborted = (signal: SdkHttpHandlerOptions['abortSignal']): void => {
  if (signal?.aborted === true) throw abortError(signal.reason);
};

/**
 * The AWS SDK for JavaScript v3, in-process: answers every request the client sends through the same Query handler as the endpoint
 * (`handleQueryRequest`), without a socket, so a test sees exactly what it would see over HTTP.
 */
export const createIamRequestHandler = (engine: CredentialEngine, options: IamRequestHandlerOptions = {}): IamRequestHandler => {
  const newRequestId = options.requestId ?? randomUUID;
  const { accountMap, accountId: defaultAccountId, signatures, enforceIam } = options;
  if (enforceIam !== undefined && signatures === undefined) {
    throw new TypeError('createIamRequestHandler: enforceIam needs signatures (only a verified key says who is calling)');
  }
  const handlerOptions = enforceIam === undefined ? { requestId: newRequestId } : { requestId: newRequestId, enforceIam };
  const answerRequest = (query: QueryRequest, method: string): Promise<QueryResponse> => {
    const upper = method.toUpperCase();
    if (upper === 'POST' || upper === 'GET') return handleQueryRequest(engine, query, handlerOptions);
    // As the endpoint answers it (no Allow header: the SDK never sends another method).
    return Promise.resolve(renderQueryError(methodNotAllowed(method), randomUUID()));
  };
  /** Who the request acts as: with signatures on, the key that signed it (verified), else the key id it names; or IAM's refusal. */
  const identityOf = (request: SdkHttpRequest, queryString: string, body: string | Uint8Array): ResultAsync<RequestIdentity, WireError> => {
    if (signatures === undefined) return okAsync(requestIdentity(accountMap, defaultAccountId, request.headers, queryString));
    const received = { method: request.method, path: request.path, queryString, headers: request.headers, body, now: signatures.now?.() ?? new Date() };
    return verifyWithIssuedKeys(engine, received, signatures.secretAccessKeys, accountMap, defaultAccountId);
  };
  return {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request, handlerOptions) {
      const signal = handlerOptions?.abortSignal;
      throwIfAborted(signal);
      const queryString = queryStringOf(request.query);
      // As on the endpoint: only a POST's body is read (a GET carries its parameters in the query string); what is read is verified.
      const body = request.method.toUpperCase() === 'POST' ? await bodyOf(request.body) : '';
      const identity = await identityOf(request, queryString, body);
      let answer: QueryResponse;
      if (identity.isErr()) {
        // Refused before anything runs, as the endpoint refuses it (same code, status and XML).
        answer = renderQueryError(identity.error, newRequestId());
      } else {
        const query: QueryRequest = { body, queryString, headers: request.headers, ...identity.value };
        answer = await answerRequest(enforceIam === undefined ? query : { ...query, region: requestedRegion(request.headers, queryString) }, request.method);
      }
      // Aborted while the engine worked: the answer is dropped, as a closed socket would drop it (the operation itself has run).
      throwIfAborted(signal);
      const bytes = encoder.encode(answer.body);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(answer.headers)) headers[name.toLowerCase()] = value;
      headers['content-length'] = String(bytes.byteLength);
      return { response: { statusCode: answer.status, headers, body: bytes } };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  };
};
