import { err, ok, type Result } from 'neverthrow';
import type { ServiceCredentialKind } from './service-catalogue.js';

/**
 * Long-term API keys (Bedrock): `<prefix>` + base64(`<alias>:<secret>`). An alias matches `[\w+=,.@-]+`, so it never holds a
 * colon, and the first colon of the decoded payload always separates alias from secret.
 */
/** The prefix of the default catalogue's Bedrock keys, and of a key whose service has since left the catalogue. */
const DEFAULT_API_KEY_PREFIX = 'ABSK';

export const formatApiKey = (prefix: string, alias: string, secret: string): string =>
  prefix + Buffer.from(`${alias}:${secret}`).toString('base64');

/** The two parts of a presented API key. */
export interface ApiKeyParts {
  readonly alias: string;
  readonly secret: string;
}

/**
 * A presented key's alias and secret, when it is exactly a key `formatApiKey` could have issued: a key that decodes to the same
 * bytes through another spelling (unused low bits of the last base64 character, say) is refused, as exactly as ServiceUserNames
 * are matched.
 */
export const parseApiKey = (prefix: string, apiKey: string): Result<ApiKeyParts, 'malformed API key'> => {
  // Anything after a wrong prefix still fails the canonical comparison below, as does a prefix alone (no colon).
  const decoded = Buffer.from(apiKey.slice(prefix.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return err('malformed API key');
  const parts = { alias: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  // Canonical: the one encoding of these parts (which also rules out stray characters, missing padding and invalid UTF-8).
  return formatApiKey(prefix, parts.alias, parts.secret) === apiKey ? ok(parts) : err('malformed API key');
};

/**
 * The secret a Create or Reset answer shows, the one time it is shown: a password as it is; for an API key the whole key, with the
 * prefix of the service's catalogue entry (the default prefix when the service is no longer in the catalogue).
 */
export const shownSecret = (
  kind: ServiceCredentialKind['kind'],
  alias: string,
  service: ServiceCredentialKind | undefined,
  innerSecret: string,
): string =>
  kind === 'api-key'
    ? formatApiKey(service?.kind === 'api-key' ? service.secretPrefix : DEFAULT_API_KEY_PREFIX, alias, innerSecret)
    : innerSecret;
