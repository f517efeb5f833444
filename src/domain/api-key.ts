/**
 * Long-term API keys (Bedrock): `<prefix>` + base64(`<alias>:<secret>`). An alias matches `[\w+=,.@-]+`, so it never holds a
 * colon, and the first colon of the decoded payload always separates alias from secret.
 */
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
