import { randomUUID } from 'node:crypto';
import { serviceFailure } from '../../domain/iam-error.js';
import type { CredentialEngine, RequestContext } from '../../index.js';
import { type FormPair, decodeBody, parseForm } from './form.js';
import { QUERY_OPERATIONS, convertMember } from './operations.js';
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
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    return typeof value === 'string' ? value : (value as readonly string[]).join(', ');
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
  /** The account the request acts in; the engine's default account when absent. */
  readonly accountId?: string;
  /** The IAM user the caller is, used where UserName may be omitted; absent = a non-user caller (root or role). */
  readonly callerUserName?: string;
}

export interface QueryHandlerOptions {
  /** Makes request ids (the `x-amzn-RequestId` header and `RequestId` elements). Default: `crypto.randomUUID()`. */
  readonly requestId?: () => string;
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

const isFormBody = (contentType: string | undefined): boolean =>
  contentType === undefined || (contentType.split(';')[0] ?? '').trim().toLowerCase() === FORM_MEDIA_TYPE;

const bodyLength = (body: string | Uint8Array): number => (typeof body === 'string' ? body.length : body.byteLength);

type Parsed =
  | { readonly ok: true; readonly action: string; readonly input: Record<string, unknown> }
  | { readonly ok: false; readonly error: WireError; readonly action?: string };

/** Groups values by name, keeping every occurrence so a repeated parameter can be refused. */
const group = (pairs: readonly FormPair[]): Map<string, string[]> => {
  const byName = new Map<string, string[]>();
  for (const { name, value } of pairs) {
    const values = byName.get(name);
    if (values === undefined) byName.set(name, [value]);
    else values.push(value);
  }
  return byName;
};

/** One value, absent, or a duplicate; an empty Action/Version counts as absent. */
const single = (params: Map<string, string[]>, name: string): { value: string | undefined } | 'duplicate' => {
  const values = params.get(name);
  if (values === undefined) return { value: undefined };
  if (values.length > 1) return 'duplicate';
  return { value: values[0] };
};

const parseRequest = (request: QueryRequest): Parsed => {
  const hasBody = bodyLength(request.body) > 0;
  if (hasBody && !isFormBody(headerValue(request.headers, 'content-type'))) return { ok: false, error: unsupportedContentType() };
  let pairs: FormPair[] = [];
  for (const source of [request.queryString ?? '', request.body]) {
    const parsed = decodeBody(source).andThen(parseForm);
    if (parsed.isErr()) return { ok: false, error: malformedQueryString() };
    // concat, not push(...): a body of many thousand parameters must not overflow the call stack.
    pairs = pairs.concat(parsed.value);
  }
  const params = group(pairs);

  const actionParam = single(params, 'Action');
  if (actionParam === 'duplicate') return { ok: false, error: duplicateParameter('Action') };
  const action = actionParam.value;
  if (action === undefined || action === '') return { ok: false, error: missingAction() };
  const versionParam = single(params, 'Version');
  if (versionParam === 'duplicate') return { ok: false, error: duplicateParameter('Version') };
  const version = versionParam.value;
  if (version === undefined || version === '') return { ok: false, error: missingVersion() };
  const operation = Object.hasOwn(QUERY_OPERATIONS, action) ? QUERY_OPERATIONS[action] : undefined;
  if (operation === undefined || version !== API_VERSION) return { ok: false, error: invalidAction(action, version) };

  const input: Record<string, unknown> = {};
  for (const [member, kind] of Object.entries(operation.members)) {
    const param = single(params, member);
    if (param === 'duplicate') return { ok: false, error: duplicateParameter(member), action };
    if (param.value !== undefined) input[member] = convertMember(kind, param.value);
  }
  return { ok: true, action, input };
};

const respond = (status: number, body: string, requestId: string): Omit<QueryResponse, 'action' | 'errorCode'> => ({
  status,
  headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId },
  body,
});

/** Renders a wire-level error as awsQuery does (for a router that refuses a request before it reaches handleQueryRequest). */
export const renderQueryError = (error: WireError, requestId: string, action?: string): QueryResponse => ({
  ...respond(error.httpStatus, renderError(error, requestId), requestId),
  ...(action === undefined ? {} : { action }),
  errorCode: error.code,
});

/**
 * Runs one AWS Query request (IAM, version 2010-05-08) against the engine and renders the answer. Never throws and never rejects:
 * every failure is an `ErrorResponse`. Parameters the operation does not have are ignored (as AWS does); a parameter it has, given
 * twice, is refused; absent members stay absent so the engine reports them as AWS does (`Value null at 'userName'`).
 */
export const handleQueryRequest = async (
  engine: CredentialEngine,
  request: QueryRequest,
  options: QueryHandlerOptions = {},
): Promise<QueryResponse> => {
  let requestId = '';
  try {
    requestId = (options.requestId ?? randomUUID)();
    const parsed = parseRequest(request);
    if (!parsed.ok) return renderQueryError(parsed.error, requestId, parsed.action);
    const { action, input } = parsed;
    const operation = QUERY_OPERATIONS[action];
    if (operation === undefined) return renderQueryError(serviceFailure(), requestId);
    const ctx: RequestContext = {
      ...(request.accountId === undefined ? {} : { accountId: request.accountId }),
      ...(request.callerUserName === undefined ? {} : { callerUserName: request.callerUserName }),
    };
    const outcome = await operation.run(engine, input, ctx);
    if (outcome.isErr()) return renderQueryError(fromIamError(outcome.error), requestId, action);
    return { ...respond(200, renderSuccess(action, outcome.value, requestId), requestId), action };
  } catch {
    // The engine promises never to throw; if it (or a custom requestId generator) does, the client still gets a clean answer.
    return renderQueryError(serviceFailure(), requestId === '' ? randomUUID() : requestId);
  }
};
