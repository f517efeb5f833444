import type { ServiceCredentialKind } from './service-catalogue.js';

/**
 * Long-term API keys (Bedrock): `<prefix>` + base64(`<alias>:<secret>`). An alias matches `[\w+=,.@-]+`, so it never holds a
 * colon, and the first colon of the decoded payload always separates alias from secret.
 */
/** The prefix of the default catalogue's Bedrock keys, and of a key whose service has since left the catalogue. */
const DEFAULT_API_KEY_PREFIX = 'ABSK';

export const formatApiKey = (prefix: string, alias: string, secret: string): string =>
  prefix + Buffer.from(`${alias}:${secret}`, 'utf8').toString('base64');

const STANDARD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const parseApiKey = (prefix: string, apiKey: string): { alias: string; secret: string } | undefined => {
  if (!apiKey.startsWith(prefix)) return undefined;
  const payload = apiKey.slice(prefix.length);
  if (payload.length === 0 || payload.length % 4 !== 0 || !STANDARD_BASE64.test(payload)) return undefined;
  const decoded = Buffer.from(payload, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return undefined;
  return { alias: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
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
