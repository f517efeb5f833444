import { err, ok, type Result } from 'neverthrow';
import { authenticationFailed, type IamError } from './iam-error.js';

/**
 * What a client presents at a service's front door, parsed but not yet verified: a user name and password (HTTP Basic, SASL
 * PLAIN) or a whole API key (HTTP Bearer). Parsing is pure; every malformed input is the engine's one AuthenticationFailed.
 */
export type PresentedCredential =
  | { readonly kind: 'password'; readonly userName: string; readonly password: string }
  | { readonly kind: 'api-key'; readonly apiKey: string };

/**
 * The longest Authorization header value considered. A ServiceUserName is at most 200 characters, a password 44, a Bedrock key
 * about 130; 8 KiB (what many servers allow for a whole header line) leaves room without letting a huge header be decoded.
 */
export const MAX_AUTHORIZATION_LENGTH = 8 * 1024;

/** The longest SASL PLAIN token considered (bytes). */
export const MAX_SASL_PLAIN_LENGTH = 4 * 1024;

/** RFC 7235 `token68` (Bearer) and RFC 4648 standard base64 with padding (Basic, as git and browsers send it). */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const utf8 = new TextDecoder('utf-8', { fatal: true });

const decodeUtf8 = (bytes: Uint8Array): Result<string, IamError> => {
  try {
    return ok(utf8.decode(bytes));
  } catch {
    return err(authenticationFailed('malformed credentials: not UTF-8'));
  }
};

const malformed = (why: string): Result<never, IamError> => err(authenticationFailed(`malformed credentials: ${why}`));

const passwordOf = (userName: string, password: string): Result<PresentedCredential, IamError> =>
  userName === '' || password === '' ? malformed('empty user name or password') : ok({ kind: 'password', userName, password });

/**
 * The text without leading and trailing spaces (only U+0020, unlike `trim`). A loop, not `/ +$/`: that regular expression backtracks
 * quadratically on a long run of spaces followed by anything else (8 KiB of them took ~200 ms).
 */
const withoutSurroundingSpaces = (text: string): string => {
  // charCodeAt outside the text is NaN, which ends each loop; on a text of spaces only, start passes end and slice gives ''.
  let end = text.length;
  while (text.charCodeAt(end - 1) === 0x20) end -= 1;
  let start = 0;
  while (text.charCodeAt(start) === 0x20) start += 1;
  return text.slice(start, end);
};

/**
 * An HTTP `Authorization` header value: `Basic base64(user:password)` (RFC 7617; the user name ends at the first colon) or
 * `Bearer <token68>` (RFC 6750). Scheme names are case-insensitive; one or more spaces separate scheme and credentials.
 */
export const parseHttpAuthorization = (header: unknown): Result<PresentedCredential, IamError> => {
  if (typeof header !== 'string') return malformed('no Authorization header');
  if (header.length > MAX_AUTHORIZATION_LENGTH) return malformed('Authorization header too long');
  const space = header.indexOf(' ');
  if (space <= 0) return malformed('no scheme');
  const scheme = header.slice(0, space).toLowerCase();
  const credentials = withoutSurroundingSpaces(header.slice(space + 1));
  if (scheme === 'bearer') {
    return TOKEN68.test(credentials) ? ok({ kind: 'api-key', apiKey: credentials }) : malformed('Bearer token is not a token68');
  }
  if (scheme !== 'basic') return malformed('unsupported scheme');
  if (!STANDARD_BASE64.test(credentials) || credentials === '') return malformed('Basic credentials are not base64');
  return decodeUtf8(Buffer.from(credentials, 'base64')).andThen((decoded) => {
    const colon = decoded.indexOf(':');
    if (colon === -1) return malformed('Basic credentials have no colon');
    return passwordOf(decoded.slice(0, colon), decoded.slice(colon + 1));
  });
};

/**
 * A SASL PLAIN message (RFC 4616): `[authzid] NUL authcid NUL passwd`, as Cassandra's PasswordAuthenticator receives it in
 * AUTH_RESPONSE. Exactly two NULs; an authorization identity other than the authenticated one is refused (no one may act as
 * another user here); an empty one means "the same".
 */
export const parseSaslPlain = (token: unknown): Result<PresentedCredential, IamError> => {
  const bytes = typeof token === 'string' ? Buffer.from(token) : token instanceof Uint8Array ? token : undefined;
  if (bytes === undefined) return malformed('no SASL token');
  if (bytes.length > MAX_SASL_PLAIN_LENGTH) return malformed('SASL token too long');
  return decodeUtf8(bytes).andThen((decoded) => {
    const parts = decoded.split('\0');
    if (parts.length !== 3) return malformed('SASL PLAIN needs exactly two NULs');
    const [authzid, authcid, password] = parts as [string, string, string];
    if (authzid !== '' && authzid !== authcid) return malformed('SASL authorization identity differs from the user');
    return passwordOf(authcid, password);
  });
};

