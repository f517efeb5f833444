import { type Result, err, ok } from 'neverthrow';
import { type QueryHeaders, headerValue } from './handle-query-request.js';

/** The access key id of a SigV4 credential scope `AKID/date/region/service/aws4_request`. */
const ACCESS_KEY_ID = /^[A-Za-z0-9]{1,128}$/;

export const isAccessKeyId = (value: string): boolean => ACCESS_KEY_ID.test(value);

/**
 * The longest Authorization header read. A real SigV4 header is a few hundred characters; a longer one is not parsed at all (no access
 * key id, and `IncompleteSignature` when signatures are verified), so a hostile header costs at most this much scanning.
 */
export const MAX_AUTHORIZATION_LENGTH = 8192;

/** What the scanner reads: a string, or (in tests) anything that counts how often it is read. */
export interface CharSource {
  readonly length: number;
  charCodeAt(index: number): number;
}

/** `\s` of JavaScript regular expressions (printable ASCII, the usual case, answered by the first test). */
const isWhitespace = (c: number): boolean =>
  (c > 0x20 && c < 0xa0 ? false : (c >= 0x09 && c <= 0x0d)) ||
  c === 0x20 ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;

/** What `.` does not match. */
const isLineTerminator = (c: number): boolean => c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;

const COMMA = 0x2c;

/**
 * Case-insensitive for ASCII letters only, as a non-unicode `/i` regular expression. The words are lower-case letters, digits, `-`
 * and `=`: a code at or above `a` is a letter. Past the end of the text `charCodeAt` is NaN, which matches nothing.
 */
const matchesAt = (text: CharSource, at: number, lowerWord: string): boolean => {
  for (let k = 0; k < lowerWord.length; k++) {
    const c = text.charCodeAt(at + k);
    const want = lowerWord.charCodeAt(k);
    if (c !== want && !(want >= 0x61 && c === want - 0x20)) return false;
  }
  return true;
};

const ALGORITHM = 'aws4-hmac-sha256';
const CREDENTIAL = 'credential=';

/** Where a `Credential=` at `at` has a non-empty value: its end (exclusive), else -1. */
const credentialValueEnd = (text: CharSource, at: number): number => {
  if (!matchesAt(text, at, CREDENTIAL)) return -1;
  let end = at + CREDENTIAL.length;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c === COMMA || isWhitespace(c)) break;
    end++;
  }
  return end > at + CREDENTIAL.length ? end : -1;
};

/**
 * Finds the `Credential=` value of an `AWS4-HMAC-SHA256` Authorization header, as `[start, end)`, in one pass over at most
 * MAX_AUTHORIZATION_LENGTH characters. It answers exactly what the earlier regular expression
 * `/^\s*AWS4-HMAC-SHA256\s+(?:.*[\s,])?Credential=([^,\s]+)/i` captured, which backtracked quadratically on long whitespace runs:
 * the last `Credential=` on the algorithm's line that follows a space or a comma, else one right after the algorithm. Every character is
 * read a bounded number of times: no backtracking by construction.
 */
export const scanCredential = (text: CharSource): readonly [number, number] | undefined => {
  const n = text.length;
  if (n > MAX_AUTHORIZATION_LENGTH) return undefined;
  // Past the end of the text `charCodeAt` is NaN: no white space, no line terminator, no `c`; the scans below stop there.
  let i = 0;
  while (isWhitespace(text.charCodeAt(i))) i++;
  if (!matchesAt(text, i, ALGORITHM)) return undefined;
  const afterAlgorithm = i + ALGORITHM.length;
  let first = afterAlgorithm;
  while (isWhitespace(text.charCodeAt(first))) first++;
  if (first === afterAlgorithm) return undefined;
  // The separator before `Credential=` may be the line terminator ending the algorithm's line, but nothing after it.
  let lineEnd = first;
  while (lineEnd < n && !isLineTerminator(text.charCodeAt(lineEnd))) lineEnd++;
  // From the last place a `Credential=` can start down to the first after the algorithm (whose separator is white space).
  for (let at = lineEnd + 1; at >= first; at--) {
    if ((text.charCodeAt(at) | 0x20) !== 0x63) continue; // not a `c` or `C`: no `Credential=` here
    const separator = text.charCodeAt(at - 1);
    if (separator !== COMMA && !isWhitespace(separator)) continue;
    const end = credentialValueEnd(text, at);
    if (end !== -1) return [at + CREDENTIAL.length, end];
  }
  return undefined;
};

/** The access key id is the scope's first part, before its first `/`. */
const fromCredentialScope = (scope: string): string | undefined => {
  const slash = scope.indexOf('/');
  const accessKeyId = slash === -1 ? scope : scope.slice(0, slash);
  return ACCESS_KEY_ID.test(accessKeyId) ? accessKeyId : undefined;
};

/**
 * The access key id a SigV4-signed request names: from `Authorization: AWS4-HMAC-SHA256 Credential=AKID/…` or, for a presigned URL,
 * the `X-Amz-Credential` query parameter. The signature is not checked here: this only tells which account (and caller) to act as.
 */
export const accessKeyIdOf = (headers: QueryHeaders | undefined, queryString?: string): string | undefined => {
  const header = headerValue(headers, 'authorization');
  if (header !== undefined) {
    const value = scanCredential(header);
    if (value !== undefined) return fromCredentialScope(header.slice(value[0], value[1]));
  }
  // URLSearchParams never throws: it reads a malformed escape as itself (and no query string as an empty one).
  const credential = new URLSearchParams(queryString).get('X-Amz-Credential');
  return credential === null ? undefined : fromCredentialScope(credential);
};

/** The three parts of `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
export interface SigV4Authorization {
  readonly credential: string;
  readonly signedHeaders: string;
  readonly signature: string;
}

const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * Parses an Authorization header strictly, as a verifier must: the algorithm, then comma-separated `key=value` components of which
 * Credential, SignedHeaders and Signature are required. Linear (split and indexOf only) and bounded by MAX_AUTHORIZATION_LENGTH.
 * A failure is the text of IAM's `IncompleteSignature` message.
 */
export const parseAuthorization = (header: string): Result<SigV4Authorization, string> => {
  if (header.length > MAX_AUTHORIZATION_LENGTH) {
    return err(`The Authorization header is longer than ${MAX_AUTHORIZATION_LENGTH} characters.`);
  }
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const scheme = space === -1 ? trimmed : trimmed.slice(0, space);
  const components = new Map<string, string>();
  if (scheme === SIGV4_ALGORITHM) {
    for (const part of trimmed.slice(scheme.length).split(',')) {
      const component = part.trim();
      if (component === '') continue;
      const equals = component.indexOf('=');
      if (equals === -1) {
        return err(`'${component}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`);
      }
      const name = component.slice(0, equals);
      if (!components.has(name)) components.set(name, component.slice(equals + 1));
    }
  }
  const credential = components.get('Credential');
  const signature = components.get('Signature');
  const signedHeaders = components.get('SignedHeaders');
  if (credential === undefined || signature === undefined || signedHeaders === undefined) {
    const missing = [
      credential === undefined ? "Authorization header requires 'Credential' parameter." : '',
      signature === undefined ? "Authorization header requires 'Signature' parameter." : '',
      signedHeaders === undefined ? "Authorization header requires 'SignedHeaders' parameter." : '',
    ].filter((text) => text !== '');
    return err(`${missing.join(' ')} Authorization=${header}`);
  }
  return ok({ credential, signedHeaders, signature });
};

/** The region of the SigV4 credential scope a request names (`AKID/date/region/service/aws4_request`). */
export const requestedRegion = (headers: QueryHeaders | undefined, queryString: string | undefined): string | undefined => {
  const header = headerValue(headers, 'authorization');
  let scope: string | undefined;
  if (header !== undefined) {
    const value = scanCredential(header);
    if (value !== undefined) scope = header.slice(value[0], value[1]);
  }
  scope ??= new URLSearchParams(queryString).get('X-Amz-Credential') ?? undefined;
  const region = scope?.split('/')[2];
  return region === undefined || region === '' ? undefined : region;
};
