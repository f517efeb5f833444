import { randomUUID } from 'node:crypto';
import { serviceFailure } from '../../domain/iam-error.js';
import type { CredentialEngine, Principal, RequestContext } from '../../index.js';
import { type EnforceIamOptions, enforceAction } from './enforcement.js';
import { bodyText, forEachFormPair } from './form.js';
import { QUERY_OPERATIONS, type QueryOperation, convertMember } from './operations.js';
import {
  API_VERSION,
  type WireError,
  duplicateParameter,
  fromIamError,
  invalidAction,
  malformedQueryString,
  missingAction,
  missingVersion,
  unsupportedContentType,
} from './wire-error.js';
import { renderError, renderSuccess } from './xml.js';

/**
 * Request headers: as node:http gives them (`IncomingHttpHeaders`), as a plain record, or a fetch `Headers` object; names are matched
 * case-insensitively.
 */
export type QueryHeaders =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | { get(name: string): string | null };

/** The value of one header (several values joined by `, `), whatever form the headers come in. */
export const headerValue = (headers: QueryHeaders | undefined, name: string): string | undefined => {
  if (headers === undefined) return undefined;
  const lower = name.toLowerCase();
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(lower) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  // The first key that matches case-insensitively, in insertion order (node:http's keys are already lower case).
  for (const key of Object.keys(record)) {
    if (key.length !== lower.length || (key !== lower && key.toLowerCase() !== lower)) continue;
    const value = record[key];
    if (value === undefined) continue;
    return typeof value === 'string' ? value : value.join(', ');
  }
  return undefined;
};

export interface QueryRequest {
  /** The `application/x-www-form-urlencoded` body: `Action=…&Version=2010-05-08&…`. */
  readonly body: string | Uint8Array;
  /** The URL's query string (without `?`), for GET requests or parameters sent in the URL of a POST; merged with the body. */
  readonly queryString?: string;
  /** Only `Content-Type` is read: a body of another media type is refused. */
  readonly headers?: QueryHeaders;
  /** The account the request acts in; the engine's default account when absent (or undefined). */
  readonly accountId?: string | undefined;
  /** The IAM user the caller is, used where UserName may be omitted; absent (or undefined) = a non-user caller (root or role). */
  readonly callerUserName?: string | undefined;
  /** Who is calling (root or an IAM user), when the key that signed the request says; see `RequestContext.principal`. */
  readonly principal?: Principal | undefined;
  /** The client's address (`aws:SourceIp`, for enforcement). */
  readonly sourceIp?: string | undefined;
  /** Whether the request came over TLS (`aws:SecureTransport`, for enforcement). */
  readonly secureTransport?: boolean | undefined;
  /** The region the request was signed for (`aws:RequestedRegion`, for enforcement): see `requestedRegion`. */
  readonly region?: string | undefined;
}

export interface QueryHandlerOptions {
  /** Makes request ids (the `x-amzn-RequestId` header and `RequestId` elements). Default: `crypto.randomUUID()`. */
  readonly requestId?: () => string;
  /** Authorise every action before it runs (off when absent). See `EnforceIamOptions`. */
  readonly enforceIam?: EnforceIamOptions;
}

export interface QueryResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The Query action answered, when it is one this endpoint supports (for access logs; never client text otherwise). */
  readonly action?: string;
  /** The error code, for failures (for access logs). */
  readonly errorCode?: string;
}

const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

const FORM_MEDIA_TYPE_WITH_PARAMETERS = `${FORM_MEDIA_TYPE};`;

/** A Content-Type's media type: before any parameters, without spaces, in lower case. */
const mediaTypeOf = (contentType: string): string => {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
};

/** The exact spellings SDKs send are answered without slicing, trimming and lower-casing the header. */
const isFormBody = (contentType: string | undefined): boolean =>
  contentType === undefined ||
  contentType === FORM_MEDIA_TYPE ||
  contentType.startsWith(FORM_MEDIA_TYPE_WITH_PARAMETERS) ||
  mediaTypeOf(contentType) === FORM_MEDIA_TYPE;

type Parsed =
  | { readonly ok: true; readonly action: string; readonly operation: QueryOperation; readonly input: Record<string, unknown> }
  | { readonly ok: false; readonly error: WireError; readonly action?: string };

/**
 * The parameters of a request: the first value of each name, and the names given more than once (so a repeated parameter the
 * request uses can be refused; repeats of parameters it ignores are ignored).
 */
class Params {
  readonly first = new Map<string, string>();
  repeated: Set<string> | undefined;

  add(name: string, value: string): void {
    if (!this.first.has(name)) this.first.set(name, value);
    else (this.repeated ??= new Set()).add(name);
  }

  /** One value, absent, or a duplicate. */
  single(name: string): string | undefined | typeof DUPLICATE {
    return this.repeated?.has(name) === true ? DUPLICATE : this.first.get(name);
  }
}
const DUPLICATE = Symbol('duplicate');

const parseRequest = (request: QueryRequest): Parsed => {
  // Only a body has a media type (a string's length and a Uint8Array's are both what it holds).
  if (request.body.length > 0 && !isFormBody(headerValue(request.headers, 'content-type'))) return { ok: false, error: unsupportedContentType() };
  const params = new Params();
  if (request.queryString !== undefined && !forEachFormPair(request.queryString, params)) return { ok: false, error: malformedQueryString() };
  // An empty body holds no pairs.
  const text = bodyText(request.body);
  if (text === undefined || !forEachFormPair(text, params)) return { ok: false, error: malformedQueryString() };

  // An empty Action/Version counts as absent.
  const action = params.single('Action');
  if (action === DUPLICATE) return { ok: false, error: duplicateParameter('Action') };
  if (action === undefined || action === '') return { ok: false, error: missingAction() };
  const version = params.single('Version');
  if (version === DUPLICATE) return { ok: false, error: duplicateParameter('Version') };
  if (version === undefined || version === '') return { ok: false, error: missingVersion() };
  const operation = Object.hasOwn(QUERY_OPERATIONS, action) ? QUERY_OPERATIONS[action] : undefined;
  if (operation === undefined || version !== API_VERSION) return { ok: false, error: invalidAction(action, version) };

  const input: Record<string, unknown> = {};
  for (const [member, kind] of operation.memberList) {
    const value = params.single(member);
    if (value === DUPLICATE) return { ok: false, error: duplicateParameter(member), action };
    if (value !== undefined) input[member] = convertMember(kind, value);
  }
  return { ok: true, action, operation, input };
};

/** Renders a wire-level error as awsQuery does (for a router that refuses a request before it reaches handleQueryRequest). */
export const renderQueryError = (error: WireError, requestId: string, action?: string): QueryResponse => ({
  status: error.httpStatus,
  headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId },
  body: renderError(error, requestId),
  ...(action === undefined ? {} : { action }),
  errorCode: error.code,
});

/**
 * `handleQueryRequest` with the request id already made (the node:http listener makes it first, for its access log). Never throws and
 * never rejects.
 */
export const answerQueryRequest = async (
  engine: CredentialEngine,
  request: QueryRequest,
  requestId: string,
  enforceIam?: EnforceIamOptions,
): Promise<QueryResponse> => {
  try {
    const parsed = parseRequest(request);
    if (!parsed.ok) return renderQueryError(parsed.error, requestId, parsed.action);
    const { action, operation, input } = parsed;
    const ctx: RequestContext =
      request.principal === undefined
        ? { accountId: request.accountId, callerUserName: request.callerUserName }
        : { accountId: request.accountId, callerUserName: request.callerUserName, principal: request.principal };
    if (enforceIam !== undefined) {
      const facts = { sourceIp: request.sourceIp, secureTransport: request.secureTransport, region: request.region };
      const refused = await enforceAction(engine, enforceIam, action, input, ctx, facts);
      if (refused !== undefined) return renderQueryError(fromIamError(refused), requestId, action);
    }
    const outcome = await operation.call(engine, input, ctx);
    if (outcome.isErr()) return renderQueryError(fromIamError(outcome.error), requestId, action);
    return {
      status: 200,
      headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId },
      body: renderSuccess(action, operation.result(outcome.value), requestId),
      action,
    };
  } catch {
    // The engine promises never to throw; if it does, the client still gets a clean answer.
    return renderQueryError(serviceFailure(), requestId === '' ? randomUUID() : requestId);
  }
};

/**
 * Runs one AWS Query request (IAM, version 2010-05-08) against the engine and renders the answer. Never throws and never rejects:
 * every failure is an `ErrorResponse`. Parameters the operation does not have are ignored (as AWS does); a parameter it has, given
 * twice, is refused; absent members stay absent so the engine reports them as AWS does (`Value null at 'userName'`).
 */
export const handleQueryRequest = (engine: CredentialEngine, request: QueryRequest, options: QueryHandlerOptions = {}): Promise<QueryResponse> => {
  let requestId: string;
  try {
    requestId = (options.requestId ?? randomUUID)();
  } catch {
    // A custom requestId generator that throws: the client still gets a clean answer.
    return Promise.resolve(renderQueryError(serviceFailure(), randomUUID()));
  }
  return answerQueryRequest(engine, request, requestId, options.enforceIam);
};
