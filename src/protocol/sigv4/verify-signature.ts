import { type Hash, type Hmac, createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { HeaderBag, HttpRequest, QueryParameterBag } from '@smithy/types';
import { type Result, ResultAsync, err, errAsync, ok } from 'neverthrow';
import { serviceFailure } from '../../domain/iam-error.js';
import { isAccessKeyId, parseAuthorization } from '../query/access-key.js';
import { decodeFormComponent } from '../query/form.js';
import { type QueryHeaders, headerValue } from '../query/handle-query-request.js';
import { type WireError, fromIamError } from '../query/wire-error.js';
import {
  SIGNATURE_MISMATCH_TEXT,
  incompleteSignature,
  invalidClientTokenId,
  missingAuthenticationToken,
  requestExpired,
  signatureDoesNotMatch,
  wrongSignature,
} from './signature-errors.js';

/** A request as it arrived, for verification: nothing in it has been decoded or normalised. */
export interface SignedRequest {
  readonly method: string;
  /** The path as received (still percent-encoded), without the query string. */
  readonly path: string;
  /** The query string as received, without `?`. */
  readonly queryString: string;
  /** node:http headers, a plain record or a fetch `Headers`; names are matched case-insensitively. */
  readonly headers: QueryHeaders;
  /** The body bytes as received (a string is read as UTF-8). */
  readonly body: string | Uint8Array;
  /** When the request is judged: the clock-skew window and a presigned URL's expiry are measured from here. */
  readonly now: Date;
}

/** Access key id -> secret access key. */
export type SecretAccessKeys = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/** Who signed a request that verified. */
export interface VerifiedSignature {
  readonly accessKeyId: string;
}

/** The signing name every request must be scoped to. */
export const SIGNING_SERVICE = 'iam';

/** AWS's clock-skew window for SigV4, either way. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** The longest a presigned URL may be valid for (SigV4: one week). */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;

const X_AMZ = {
  algorithm: 'X-Amz-Algorithm',
  credential: 'X-Amz-Credential',
  date: 'X-Amz-Date',
  expires: 'X-Amz-Expires',
  signedHeaders: 'X-Amz-SignedHeaders',
  signature: 'X-Amz-Signature',
  securityToken: 'X-Amz-Security-Token',
} as const;
const PRESIGN_PARAMETERS: ReadonlySet<string> = new Set(Object.values(X_AMZ));

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

type SigV4Module = typeof import('@smithy/signature-v4');

// A non-literal specifier: @smithy/signature-v4 is an optional peer dependency, loaded only when signatures are verified.
const SIGV4_MODULE: string = '@smithy/signature-v4';
let loading: Promise<SigV4Module> | undefined;

/** Loads the AWS SDK's SigV4 implementation once; rejects (and may be retried) when the package is not installed. */
export const loadSignatureV4 = (): Promise<SigV4Module> => {
  loading ??= (import(SIGV4_MODULE) as Promise<SigV4Module>).catch((cause: unknown) => {
    loading = undefined;
    throw cause;
  });
  return loading;
};

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytesOf = (data: SourceData): Uint8Array | string =>
  typeof data === 'string' ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape @smithy/signature-v4 asks for. */
export class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(this.secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** A SignatureV4 that keeps the canonical request and string to sign it computed, for AWS's SignatureDoesNotMatch text. */
interface RecordingSigner {
  canonicalRequest: string;
  stringToSign: string;
  sign(request: HttpRequest, options: object): Promise<HttpRequest>;
  presign(request: HttpRequest, options: object): Promise<HttpRequest>;
}
type RecordingSignerClass = new (init: ConstructorParameters<SigV4Module['SignatureV4']>[0]) => RecordingSigner;

const recordingSigners = new WeakMap<SigV4Module, RecordingSignerClass>();
const recordingSignerOf = (module: SigV4Module): RecordingSignerClass => {
  let found = recordingSigners.get(module);
  if (found === undefined) {
    class Recording extends module.SignatureV4 {
      canonicalRequest = '';
      stringToSign = '';
      protected override createCanonicalRequest(request: HttpRequest, canonicalHeaders: HeaderBag, payloadHash: string): string {
        this.canonicalRequest = super.createCanonicalRequest(request, canonicalHeaders, payloadHash);
        return this.canonicalRequest;
      }
      protected override async createStringToSign(longDate: string, scope: string, canonicalRequest: string, algorithm: string): Promise<string> {
        this.stringToSign = await super.createStringToSign(longDate, scope, canonicalRequest, algorithm);
        return this.stringToSign;
      }
    }
    found = Recording as unknown as RecordingSignerClass;
    recordingSigners.set(module, found);
  }
  return found;
};

const secretOf = (keys: SecretAccessKeys, accessKeyId: string): string | undefined => {
  if (keys instanceof Map) return keys.get(accessKeyId);
  const record = keys as Readonly<Record<string, string>>;
  return Object.hasOwn(record, accessKeyId) ? record[accessKeyId] : undefined;
};

/**
 * One name or value of the query string, decoded as the Query handler reads it (the same function): `+` is a space, `%XX` a byte.
 * AWS reads a literal `+` of a query string as a space, and so must the signature check: were `+` a plus here (re-encoded `%2B` in
 * the canonical query string) while the handler reads a space, a request signed over `a%2Bb` would still verify with `a+b` and then
 * act on `a b`. Read alike, `+` canonicalises to `%20` and `%2B` to `%2B`: swapping one for the other breaks the signature, and
 * swapping `+` for `%20` changes nothing either side reads.
 */
const decode = (text: string): string =>
  // Undecodable: left as received. It can then only match a signature made over the same text, and the handler refuses it anyway.
  decodeFormComponent(text) ?? text;

/** The query string as @smithy/signature-v4 takes it: names and values decoded as a form (`+` is a space), repeated names as arrays. */
const parseQuery = (queryString: string): Map<string, string[]> => {
  const params = new Map<string, string[]>();
  for (const segment of queryString.split('&')) {
    if (segment === '') continue;
    const equals = segment.indexOf('=');
    const name = decode(equals === -1 ? segment : segment.slice(0, equals));
    const value = equals === -1 ? '' : decode(segment.slice(equals + 1));
    const values = params.get(name);
    if (values === undefined) params.set(name, [value]);
    else values.push(value);
  }
  return params;
};

const queryBag = (params: Map<string, string[]>, leaveOut?: ReadonlySet<string>): QueryParameterBag => {
  const bag: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [name, values] of params) {
    if (leaveOut?.has(name) === true) continue;
    bag[name] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return bag;
};

const parseIsoBasic = (text: string): Date | undefined => {
  const m = ISO_BASIC.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60 ? date : undefined;
};

const isoBasic = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');

/** AWS's clock-skew answers. */
const outsideSkew = (date: Date, now: Date): WireError | undefined => {
  if (date.getTime() < now.getTime() - MAX_CLOCK_SKEW_MS) {
    const limit = new Date(now.getTime() - MAX_CLOCK_SKEW_MS);
    return signatureDoesNotMatch(`Signature expired: ${isoBasic(date)} is now earlier than ${isoBasic(limit)} (${isoBasic(now)} - 15 min.)`);
  }
  if (date.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    const limit = new Date(now.getTime() + MAX_CLOCK_SKEW_MS);
    return signatureDoesNotMatch(`Signature not yet current: ${isoBasic(date)} is still later than ${isoBasic(limit)} (${isoBasic(now)} + 15 min.)`);
  }
  return undefined;
};

/** Everything needed to recompute the signature, once the request's form, key and time have been checked. */
interface Recomputation {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly date: Date;
  readonly region: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  readonly request: HttpRequest;
  /** Presigned: the X-Amz-Expires it was signed with. */
  readonly expiresIn?: number;
  /** The signed `x-amz-content-sha256` claims a body other than the one received. */
  readonly payloadClaimWrong: boolean;
}

interface Scope {
  readonly accessKeyId: string;
  readonly region: string;
}

/** `AKID/yyyymmdd/region/iam/aws4_request`, checked against the request's date, then the key looked up. */
const checkScope = (credential: string, date: Date, request: SignedRequest, keys: SecretAccessKeys): Result<Scope & { secret: string }, WireError> => {
  const parts = credential.split('/');
  if (parts.length !== 5) {
    return err(incompleteSignature(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`));
  }
  const [accessKeyId = '', day = '', region = '', service = '', terminator = ''] = parts;
  if (terminator !== TERMINATOR) return err(signatureDoesNotMatch(`Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'. `));
  if (service !== SIGNING_SERVICE) return err(signatureDoesNotMatch(`Credential should be scoped to correct service: '${SIGNING_SERVICE}'. `));
  if (region === '') return err(signatureDoesNotMatch(`Credential should be scoped to a valid region, not ''. `));
  const secret = isAccessKeyId(accessKeyId) ? secretOf(keys, accessKeyId) : undefined;
  // No temporary credentials are issued here, so a session token is never valid.
  if (secret === undefined || headerValue(request.headers, 'x-amz-security-token') !== undefined) return err(invalidClientTokenId());
  const dated = isoBasic(date);
  if (day !== dated.slice(0, 8)) {
    return err(
      signatureDoesNotMatch(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${day}' != '${dated.slice(0, 8)}', from '${dated}'.`),
    );
  }
  return ok({ accessKeyId, region, secret });
};

const bodyBytes = (body: string | Uint8Array): Uint8Array => (typeof body === 'string' ? Buffer.from(body, 'utf8') : body);

const signedHeaderBag = (request: SignedRequest, names: readonly string[]): HeaderBag => {
  const bag: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of names) {
    const value = headerValue(request.headers, name);
    if (value !== undefined) bag[name] = value;
  }
  return bag;
};

const smithyRequest = (request: SignedRequest, headers: HeaderBag, query: QueryParameterBag, body: Uint8Array): HttpRequest => ({
  method: request.method,
  protocol: 'http:',
  hostname: headerValue(request.headers, 'host') ?? '',
  path: request.path === '' ? '/' : request.path,
  query,
  headers,
  body,
});

const signedHeaderList = (list: string): Result<string[], WireError> => {
  const names = list.split(';').map((name) => name.toLowerCase());
  if (!names.includes('host')) return err(incompleteSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."));
  return ok(names);
};

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A request signed with `Authorization: AWS4-HMAC-SHA256 …`. */
const checkHeaderSigned = (request: SignedRequest, header: string, keys: SecretAccessKeys): Result<Recomputation, WireError> => {
  const parsed = parseAuthorization(header);
  if (parsed.isErr()) return err(incompleteSignature(parsed.error));
  const { credential, signedHeaders, signature } = parsed.value;
  const amzDate = headerValue(request.headers, 'x-amz-date');
  if (amzDate === undefined && headerValue(request.headers, 'date') === undefined) {
    return err(incompleteSignature(`Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${header}`));
  }
  // Only X-Amz-Date is supported as the signing date (every AWS SDK and the CLI send it); a request dated by `Date` alone cannot match.
  const date = parseIsoBasic(amzDate ?? '');
  if (date === undefined) return err(incompleteSignature(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`));
  return checkScope(credential, date, request, keys).andThen((scope) => {
    const skew = outsideSkew(date, request.now);
    if (skew !== undefined) return err(skew);
    return signedHeaderList(signedHeaders).map((names) => {
      const headers = signedHeaderBag(request, names);
      const claimed = names.includes('x-amz-content-sha256') ? headers['x-amz-content-sha256'] : undefined;
      const body = bodyBytes(request.body);
      return {
        accessKeyId: scope.accessKeyId,
        secretAccessKey: scope.secret,
        date,
        region: scope.region,
        signedHeaders: names,
        signature,
        request: smithyRequest(request, headers, queryBag(parseQuery(request.queryString)), body),
        payloadClaimWrong: claimed !== undefined && claimed !== sha256Hex(body),
      };
    });
  });
};

/** A presigned request: `X-Amz-Algorithm`, `X-Amz-Credential`, … in the query string. */
const checkPresigned = (request: SignedRequest, params: Map<string, string[]>, keys: SecretAccessKeys): Result<Recomputation, WireError> => {
  const first = (name: string): string | undefined => params.get(name)?.[0];
  const algorithm = first(X_AMZ.algorithm);
  const credential = first(X_AMZ.credential);
  const amzDate = first(X_AMZ.date);
  const expires = first(X_AMZ.expires);
  const signedHeaders = first(X_AMZ.signedHeaders);
  const signature = first(X_AMZ.signature);
  if (algorithm === undefined || credential === undefined || amzDate === undefined || expires === undefined || signedHeaders === undefined || signature === undefined) {
    return err(
      incompleteSignature(
        "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'. Re-examine the query-string parameters.",
      ),
    );
  }
  if (algorithm !== ALGORITHM) return err(incompleteSignature(`Unsupported AWS 'algorithm': '${algorithm}'`));
  const date = parseIsoBasic(amzDate);
  if (date === undefined) return err(incompleteSignature(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`));
  const expiresIn = /^\d{1,7}$/.test(expires) ? Number(expires) : Number.NaN;
  if (!(expiresIn >= 1 && expiresIn <= MAX_PRESIGNED_EXPIRES_SECONDS)) {
    return err(incompleteSignature(`X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGNED_EXPIRES_SECONDS} (one week).`));
  }
  if (params.has(X_AMZ.securityToken)) return err(invalidClientTokenId());
  return checkScope(credential, date, request, keys).andThen((scope) => {
    if (date.getTime() > request.now.getTime() + MAX_CLOCK_SKEW_MS) return err(outsideSkew(date, request.now) ?? requestExpired());
    if (request.now.getTime() > date.getTime() + expiresIn * 1000) return err(requestExpired());
    return signedHeaderList(signedHeaders).map((names) => ({
      accessKeyId: scope.accessKeyId,
      secretAccessKey: scope.secret,
      date,
      region: scope.region,
      signedHeaders: names,
      signature,
      expiresIn,
      request: smithyRequest(request, signedHeaderBag(request, names), queryBag(params, PRESIGN_PARAMETERS), bodyBytes(request.body)),
      payloadClaimWrong: false,
    }));
  });
};

const equalInConstantTime = (expected: string, presented: string): boolean => {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(presented, 'utf8');
  // The length of a SigV4 signature (64 hex digits) is no secret; only equal lengths are compared byte by byte.
  return a.length === b.length && timingSafeEqual(a, b);
};

const signatureAfter = (authorization: unknown): string => {
  const text = typeof authorization === 'string' ? authorization : '';
  const at = text.lastIndexOf('Signature=');
  return at === -1 ? '' : text.slice(at + 'Signature='.length);
};

/** Recomputes the signature with @smithy/signature-v4 over the request as received and compares it in constant time. */
const recompute = (module: SigV4Module, check: Recomputation): Promise<Result<VerifiedSignature, WireError>> => {
  const Signer = recordingSignerOf(module);
  const signer = new Signer({
    service: SIGNING_SERVICE,
    region: check.region,
    credentials: { accessKeyId: check.accessKeyId, secretAccessKey: check.secretAccessKey },
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const options = {
    signingDate: check.date,
    signingRegion: check.region,
    signingService: SIGNING_SERVICE,
    signableHeaders: new Set(check.signedHeaders),
    unhoistableHeaders: new Set(check.signedHeaders),
  };
  const signed =
    check.expiresIn === undefined
      ? signer.sign(check.request, options).then((request) => signatureAfter(request.headers['authorization']))
      : signer.presign(check.request, { ...options, expiresIn: check.expiresIn }).then((request) => String(request.query?.[X_AMZ.signature] ?? ''));
  return signed.then(
    (expected): Result<VerifiedSignature, WireError> =>
      !check.payloadClaimWrong && equalInConstantTime(expected, check.signature)
        ? ok({ accessKeyId: check.accessKeyId })
        : err(wrongSignature(signer.canonicalRequest, signer.stringToSign)),
    (): Result<VerifiedSignature, WireError> => err(signatureDoesNotMatch(SIGNATURE_MISMATCH_TEXT)),
  );
};

/**
 * Verifies a request's AWS Signature Version 4 as IAM does: signed for service `iam` (any region) by one of `keys`, within 15 minutes
 * of `now` (or, presigned, before its X-Amz-Expires ran out). The signature is recomputed over the request as received by the AWS
 * SDK's own signer (@smithy/signature-v4) and compared in constant time. Never rejects: every refusal is AWS's error (code, status,
 * message); a missing @smithy/signature-v4 package is a ServiceFailure.
 */
export const verifySignature = (request: SignedRequest, keys: SecretAccessKeys): ResultAsync<VerifiedSignature, WireError> => {
  let checked: Result<Recomputation, WireError>;
  try {
    const authorization = headerValue(request.headers, 'authorization');
    if (authorization !== undefined) {
      checked = checkHeaderSigned(request, authorization, keys);
    } else {
      const params = parseQuery(request.queryString);
      const presigned = params.has(X_AMZ.algorithm) || params.has(X_AMZ.credential) || params.has(X_AMZ.signature);
      checked = presigned ? checkPresigned(request, params, keys) : err(missingAuthenticationToken());
    }
  } catch {
    return errAsync(fromIamError(serviceFailure()));
  }
  if (checked.isErr()) return errAsync(checked.error);
  const check = checked.value;
  return ResultAsync.fromPromise(loadSignatureV4(), () => fromIamError(serviceFailure())).andThen((module) =>
    new ResultAsync(recompute(module, check).catch(() => err<VerifiedSignature, WireError>(signatureDoesNotMatch(SIGNATURE_MISMATCH_TEXT)))),
  );
};
